package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.argus.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar's HTTP surface against hostile requests on loopback: clients of the dashboard stream that never read,
 * huge and forged reasons, requests that used to answer 500 with a stack trace, addresses that only looked valid,
 * token guessing.
 */
class HostileHttpIT {
    @TempDir
    Path dir;

    static final String TOKEN = "hostile-http-token";

    private static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void hostileRequestsGetShortClearAnswersAndTheSensorStaysUp() throws Exception {
        Path capture = TestData.shared().resolve("pcaps/http-fault-post.pcap");
        int port = SensorProcess.freePort();
        Path conf = dir.resolve("sensor.json");
        Path stopFile = dir.resolve("aegis.emergency");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("file", capture.toString()).put("interface", ""))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv").toString()))
                .put("http", new JsonObject().put("port", port).put("token", TOKEN).put("max_event_clients", 4))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("backend", "none").put("blacklist_db_path", dir.resolve("b.db").toString())
                        .put("emergency_stop_file", stopFile.toString()))
                .encodePrettily());
        Path log = dir.resolve("sensor.log");
        try (SensorProcess p = SensorProcess.start(List.of(), Map.of("ARGUS_IP_SALT", "hostile-salt"), log, "-conf", conf.toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> SensorProcess.get(port, "/health").status() == 200), p.log());

            // dashboard stream: clients that connect and never read; past the cap they are refused
            List<Socket> sluggish = new ArrayList<>();
            try {
                int refused = 0, served = 0;
                for (int i = 0; i < 12; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    s.setReceiveBufferSize(4096);
                    s.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    sluggish.add(s);
                }
                for (Socket s : sluggish) {
                    s.setSoTimeout(5000);
                    String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
                    refused += head.equals("HTTP/1.1 503") ? 1 : 0;
                    served += head.equals("HTTP/1.1 200") ? 1 : 0; // then never read again
                }
                assertEquals(8, refused, "clients past http.max_event_clients are refused");
                assertEquals(4, served);
                JsonObject http = new JsonObject(SensorProcess.get(port, "/status").body()).getJsonObject("http");
                assertEquals(4, http.getLong("event_clients"), http.encode());
                assertEquals(8, http.getLong("event_clients_refused"), http.encode());
            } finally {
                for (Socket s : sluggish) {
                    s.close();
                }
            }

            // a 60,000-character reason with a forged log line in it
            String forged = "x".repeat(30_000) + "\n2026-12-01T00:00:00.000Z [main] WARN EnforcementVerticle - event=emergency_stop origin=http \"q\" a=b\u0007"
                    + "y".repeat(30_000);
            SensorProcess.HttpAnswer ban = SensorProcess.http("POST", port, "/blacklist", TOKEN,
                    new JsonObject().put("address", "198.51.100.23").put("reason", forged).encode());
            assertEquals(201, ban.status(), ban.body());
            assertTrue(new JsonObject(ban.body()).getString("reason").length() <= 501, "the reason is cut at the edge");

            // requests that answered 500 with a stack trace
            assertEquals(400, SensorProcess.http("DELETE", port, "/blacklist", TOKEN, null).status());
            assertEquals("HTTP/1.1 400", raw(port, "DELETE /blacklist/%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n"));
            assertEquals("HTTP/1.1 400", raw(port, "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertEquals("HTTP/1.1 400", raw(port, "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
            SensorProcess.HttpAnswer stop = SensorProcess.http("POST", port, "/control/emergency-stop", TOKEN, "{\"reason\":null}");
            assertEquals(200, stop.status(), stop.body());
            assertTrue(Files.exists(stopFile), "the stop happened");
            assertEquals(200, SensorProcess.http("POST", port, "/control/emergency-restore", TOKEN, "{}").status());

            // addresses that only looked valid, and senders that cannot be
            for (String a : new String[] {"255.255.255.255", "224.0.0.1", "239.255.255.250", "ff02::1", "010.1.1.1", "192.0.2.61 /32",
                    "192.0.2.61\u0000", "١٩٢.0.2.1"}) {
                SensorProcess.HttpAnswer r = SensorProcess.http("POST", port, "/blacklist", TOKEN, new JsonObject().put("address", a).encode());
                assertEquals(400, r.status(), a + ": " + r.body());
            }

            // token guessing is slowed down
            int throttled = 0;
            for (int i = 0; i < 20; i++) {
                if (SensorProcess.http("GET", port, "/blacklist", "guess-" + i, null).status() == 429) {
                    throttled++;
                }
            }
            assertTrue(throttled >= 10, "after 5 free failures every guess waits: " + throttled);

            assertEquals(200, SensorProcess.get(port, "/health").status(), "still answering");
            assertTrue(p.alive());
            assertEquals(0, p.stop(), p.log());
        }
        String text = Files.readString(log);
        assertFalse(text.lines().anyMatch(l -> l.startsWith("2026-12-01T00:00:00.000Z")), "no forged line in the log");
        assertFalse(text.contains("\u0007"), "no control byte in the log");
        int trace = text.indexOf("\tat io.vertx");
        assertFalse(trace >= 0, "no stack trace for a client's error: " + (trace < 0 ? "" : text.substring(Math.max(0, trace - 1500), trace + 200)));
        long badRequestLines = text.lines().filter(l -> l.contains("event=http_bad_request") || l.contains("event=http_client_error")).count();
        assertTrue(badRequestLines <= 2, "client errors logged at most once per client per 10 s: " + badRequestLines);
        long authLines = text.lines().filter(l -> l.contains("event=control_unauthorized")).count();
        assertTrue(authLines <= 2, "failed tokens logged at most once per client per 10 s: " + authLines);
    }
}
