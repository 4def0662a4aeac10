package org.argus.export;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Sends one gzip batch of line protocol to InfluxDB's write endpoint with the JDK {@link HttpClient} (blocking; call
 * from the export thread). v1: {@code POST <url>/write?db=&rp=&precision=ns}, HTTP basic authentication when a user
 * is set; v2: {@code POST <url>/api/v2/write?org=&bucket=&precision=ns} with {@code Authorization: Token <token>}.
 * Both with {@code Content-Encoding: gzip}. InfluxDB answers 204 when every point was written.
 */
public final class InfluxWriter {
    /** What became of a batch. */
    public enum Outcome {
        /** Written (2xx). */
        SENT,
        /** Refused for what it holds (400 bad line protocol or partial write, 413 too large, 422): sending it again
         *  cannot help, so it is dropped and counted. */
        REJECTED,
        /** Not written now (no connection, timeout, 401/403/404 misconfiguration, 429, 5xx): kept and tried again. */
        RETRY
    }

    /** An outcome with the server's status (0 without an answer) and message. */
    public record Result(Outcome outcome, int status, String message) {
    }

    private final HttpClient client;
    private final URI uri;
    private final String authorization;
    private final java.time.Duration timeout;

    public InfluxWriter(InfluxSettings s) {
        this.timeout = s.timeout();
        this.client = HttpClient.newBuilder().connectTimeout(s.timeout()).build();
        String base = s.url().endsWith("/") ? s.url().substring(0, s.url().length() - 1) : s.url();
        if (s.api() == InfluxSettings.Api.V1) {
            String q = "db=" + enc(s.database()) + (s.retentionPolicy().isEmpty() ? "" : "&rp=" + enc(s.retentionPolicy())) + "&precision=ns";
            this.uri = URI.create(base + "/write?" + q);
            this.authorization = s.username().isEmpty() ? null
                    : "Basic " + Base64.getEncoder().encodeToString((s.username() + ":" + s.password()).getBytes(StandardCharsets.UTF_8));
        } else {
            this.uri = URI.create(base + "/api/v2/write?org=" + enc(s.org()) + "&bucket=" + enc(s.bucket()) + "&precision=ns");
            this.authorization = s.token().isEmpty() ? null : "Token " + s.token();
        }
    }

    /** The write URL (no credentials in it). */
    public URI uri() {
        return uri;
    }

    /** Posts one gzip body; never throws for network trouble (that is {@link Outcome#RETRY}). */
    public Result send(byte[] gzipBody) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "text/plain; charset=utf-8").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipBody));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int code = r.statusCode();
            String body = r.body() == null ? "" : r.body().strip();
            if (body.length() > 300) {
                body = body.substring(0, 300) + "…";
            }
            if (code / 100 == 2) {
                return new Result(Outcome.SENT, code, "");
            }
            Outcome o = code == 400 || code == 413 || code == 422 ? Outcome.REJECTED : Outcome.RETRY;
            return new Result(o, code, "HTTP " + code + (body.isEmpty() ? "" : ": " + body));
        } catch (IOException e) {
            return new Result(Outcome.RETRY, 0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
