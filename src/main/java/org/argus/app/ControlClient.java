package org.argus.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.argus.config.ArgusConfig;

/**
 * The CLI's way to a running sensor: the JDK's HTTP client against {@code http.host}:{@code http.port} with the bearer
 * token from {@code http.token} / {@code ARGUS_HTTP_TOKEN}. {@link #send} returns null when no sensor answers, so the
 * command can fall back to working on the database or the stop file itself.
 */
final class ControlClient {
    /** An HTTP answer. */
    record Answer(int status, String body) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;

    ControlClient(ArgusConfig.Http http) {
        String host = http.host().contains(":") ? "[" + http.host() + "]" : http.host();
        this.base = "http://" + (host.equals("0.0.0.0") || host.equals("[::]") ? "127.0.0.1" : host) + ":" + http.port();
        this.token = http.token();
    }

    /** Where the sensor is expected. */
    String base() {
        return base;
    }

    /**
     * Sends a request; null when nothing listens (connection refused or timed out), or when HTTP is disabled.
     *
     * @param body JSON text, or null
     */
    Answer send(String method, String path, String body) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
