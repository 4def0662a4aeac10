package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three sensors as separate JVMs (the real jar) on loopback, clustered over Hazelcast with a TLS event bus and signed
 * decisions: a ban on one reaches the others, a killed member does not stop the rest, a restarted one gets the full
 * list back (and what expired meanwhile stays expired), a cluster-wide emergency stop reaches everyone, and a node
 * without the credentials neither joins nor injects a ban.
 */
class ClusterIT {
    private static final String TOKEN = "cluster-it-token";
    private static final String SECRET = "0123456789abcdef0123456789abcdef-cluster-it";

    @TempDir
    Path dir;
    private final Map<String, SensorProcess> running = new LinkedHashMap<>();
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    private final Map<String, Path> configs = new LinkedHashMap<>();
    private final Map<String, Integer> busPorts = new LinkedHashMap<>();
    private final List<String> members = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (SensorProcess p : running.values()) {
            p.close();
        }
    }

    private Path config(String id, Path certs, String secret, int hzPort, int busPort, List<String> memberList) throws IOException {
        Path d = Files.createDirectories(dir.resolve(id));
        int http = SensorProcess.freePort();
        httpPorts.put(id, http);
        busPorts.put(id, busPort);
        Path pcap = dir.resolve("quiet.pcap");
        Path conf = d.resolve("sensor.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("file", pcap.toString()).put("interface", ""))
                .put("aggregation", new JsonObject().put("output_dir", d.resolve("csv").toString()))
                .put("http", new JsonObject().put("port", http).put("token", TOKEN))
                .put("model", new JsonObject().put("model_local_path", d.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("backend", "none").put("blacklist_db_path", d.resolve("blacklist.db").toString())
                        .put("emergency_stop_file", d.resolve("aegis.emergency").toString()))
                .put("cluster", new JsonObject().put("sensor_id", id).put("host", "127.0.0.1").put("port", hzPort)
                        .put("event_bus_port", busPort).put("members", new JsonArray(memberList))
                        .put("tls_cert", certs.resolve(id + ".pem").toString()).put("tls_key", certs.resolve(id + ".key").toString())
                        .put("tls_ca", certs.resolve("ca.pem").toString()).put("secret", secret)
                        .put("heartbeat_seconds", 1).put("member_timeout_seconds", 3))
                .encodePrettily());
        configs.put(id, conf);
        return conf;
    }

    private SensorProcess start(String id) throws IOException {
        SensorProcess p = SensorProcess.start(List.of(), Map.of("ARGUS_IP_SALT", "cluster-it"), dir.resolve(id + "-" + System.nanoTime() + ".log"),
                "-conf", configs.get(id).toString(), "-cluster");
        running.put(id, p);
        return p;
    }

    private JsonObject status(String id) {
        SensorProcess.HttpAnswer a = SensorProcess.get(httpPorts.get(id), "/status");
        return a.status() == 200 ? new JsonObject(a.body()) : new JsonObject();
    }

    private long membersUp(String id) {
        JsonObject c = status(id).getJsonObject("cluster");
        return c == null ? -1 : c.getLong("members_up", -1L);
    }

    private JsonObject ban(String id, String address) {
        SensorProcess.HttpAnswer a = SensorProcess.http("GET", httpPorts.get(id), "/blacklist", TOKEN, null);
        if (a.status() != 200) {
            return null;
        }
        JsonArray bans = new JsonArray(a.body());
        for (int i = 0; i < bans.size(); i++) {
            if (bans.getJsonObject(i).getString("address").equals(address)) {
                return bans.getJsonObject(i);
            }
        }
        return null;
    }

    private JsonObject post(String id, String address, double hours) {
        SensorProcess.HttpAnswer a = SensorProcess.http("POST", httpPorts.get(id), "/blacklist", TOKEN,
                new JsonObject().put("address", address).put("reason", "cluster test").put("risk_level", "high").put("ttl_hours", hours).encode());
        assertEquals(201, a.status(), a.body());
        return new JsonObject(a.body());
    }

    /** Milliseconds until {@code address} is listed on {@code id}, polling every 5 ms; -1 if not within the limit. */
    private long millisUntilListed(String id, String address, Instant since, Duration limit) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            if (ban(id, address) != null) {
                return Duration.between(since, Instant.now()).toMillis();
            }
            Thread.sleep(5);
        }
        return -1;
    }

    @Test
    void threeSensorsShareBansSurviveAKillCatchUpOnRestartAndKeepStrangersOut() throws Exception {
        assertEquals(0, SensorProcess.run(Map.of(), "generate", "--out", dir.resolve("quiet.pcap").toString(), "--sessions", "50",
                "--no-scan").code());
        Path certs = dir.resolve("certs");
        assertEquals(0, new ProcessBuilder("scripts/cluster-certs.sh", certs.toString(), "a", "b", "c").inheritIO().start().waitFor());
        Path strangerCerts = dir.resolve("stranger-certs");
        assertEquals(0, new ProcessBuilder("scripts/cluster-certs.sh", strangerCerts.toString(), "x").inheritIO().start().waitFor());
        int[] hz = {SensorProcess.freePort(), SensorProcess.freePort(), SensorProcess.freePort(), SensorProcess.freePort()};
        for (int p : hz) {
            members.add("127.0.0.1:" + p);
        }
        String[] ids = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
            config(ids[i], certs, SECRET, hz[i], SensorProcess.freePort(), members);
        }
        for (String id : ids) {
            start(id);
        }
        for (String id : ids) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(90), () -> membersUp(id) == 3),
                    id + " sees 3 members: " + status(id).getJsonObject("cluster") + "\n" + running.get(id).log());
        }

        // A ban decided on a reaches b and c, with its origin and its expiry. Five bans, each timed.
        List<Long> latencies = new ArrayList<>();
        JsonObject original = null;
        for (int i = 0; i < 5; i++) {
            String address = i == 0 ? "203.0.113.10" : "198.51.100." + (20 + i);
            Instant t0 = Instant.now();
            JsonObject posted = post("a", address, 2);
            original = i == 0 ? posted : original;
            long toB = millisUntilListed("b", address, t0, Duration.ofSeconds(10));
            long toC = millisUntilListed("c", address, t0, Duration.ofSeconds(10));
            assertTrue(toB >= 0 && toB < 1000, address + " on b within a second: " + toB);
            assertTrue(toC >= 0 && toC < 1000, address + " on c within a second: " + toC);
            latencies.add(toB);
            latencies.add(toC);
        }
        System.out.println("cluster ban propagation, POST on a -> listed on b, c (ms, 5 bans): " + latencies);
        JsonObject copy = ban("b", "203.0.113.10");
        assertEquals("peer:a", copy.getString("source"));
        assertEquals(original.getString("expires_at"), copy.getString("expires_at"));

        // c dies; a and b go on sharing.
        running.get("c").kill();
        JsonObject fromB = post("b", "203.0.113.11", 2);
        assertTrue(millisUntilListed("a", "203.0.113.11", Instant.now(), Duration.ofSeconds(5)) >= 0, "a still hears b");
        post("a", "203.0.113.12", 0.001); // 3.6 s: it will have expired before c comes back
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(15), () -> status("a").getJsonObject("cluster").getJsonArray("members")
                .stream().map(JsonObject.class::cast).anyMatch(m -> m.getString("sensor_id").equals("c") && m.getString("state").equals("gone"))),
                "a reports c gone: " + status("a").getJsonObject("cluster"));
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(15), () -> ban("a", "203.0.113.12") == null), "expired on a");

        // c comes back: it gets what was decided while it was away, and nothing that expired.
        start("c");
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(90), () -> ban("c", "203.0.113.11") != null),
                "c caught up: " + running.get("c").log());
        assertEquals(fromB.getString("expires_at"), ban("c", "203.0.113.11").getString("expires_at"));
        assertNotNull(ban("c", "203.0.113.10"));
        assertNull(ban("c", "203.0.113.12"), "what expired stays expired");
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> membersUp("a") == 3 && membersUp("c") == 3));

        // An unban on b is an unban everywhere.
        assertEquals(200, SensorProcess.http("DELETE", httpPorts.get("b"), "/blacklist/203.0.113.10", TOKEN, null).status());
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), () -> ban("a", "203.0.113.10") == null && ban("c", "203.0.113.10") == null));

        // An operator's false positive on a: the ban lifts everywhere and every sensor allowlists the address.
        post("a", "203.0.113.20", 2);
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), () -> ban("b", "203.0.113.20") != null && ban("c", "203.0.113.20") != null));
        SensorProcess.HttpAnswer fp = SensorProcess.http("POST", httpPorts.get("a"), "/feedback", TOKEN,
                "{\"address\":\"203.0.113.20\",\"verdict\":\"false_positive\",\"allowlist_for\":\"1d\",\"note\":\"our backup host\"}");
        assertEquals(200, fp.status(), fp.body());
        for (String id : List.of("b", "c")) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), () -> ban(id, "203.0.113.20") == null
                    && SensorProcess.http("GET", httpPorts.get(id), "/feedback", TOKEN, null).body().contains("from a: our backup host")),
                    id + ": " + SensorProcess.http("GET", httpPorts.get(id), "/feedback", TOKEN, null).body());
            assertEquals(409, SensorProcess.http("POST", httpPorts.get(id), "/blacklist", TOKEN, new JsonObject().put("address", "203.0.113.20")
                    .put("reason", "again").put("risk_level", "high").put("ttl_hours", 1).encode()).status(), id + " allowlists it too");
        }

        // Emergency stop for the whole cluster from a, and restore.
        SensorProcess.HttpAnswer stop = SensorProcess.http("POST", httpPorts.get("a"), "/control/emergency-stop?scope=cluster", TOKEN,
                "{\"reason\":\"cluster test\"}");
        assertEquals(200, stop.status(), stop.body());
        assertTrue(new JsonObject(stop.body()).getJsonObject("cluster").getBoolean("published"), stop.body());
        // (backend none here: the stop shows as the persisted stop file and the counter; EnforcementIT covers the kernel side)
        for (String id : ids) {
            Path stopFile = dir.resolve(id).resolve("aegis.emergency");
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), () -> Files.exists(stopFile)
                    && status(id).getJsonObject("enforcement").getLong("emergency_stops") >= 1), id + ": " + status(id));
        }
        SensorProcess.Result restore = SensorProcess.run(Map.of("ARGUS_IP_SALT", "cluster-it"), "emergency-restore", "--cluster",
                "--reason", "test over", "-conf", configs.get("c").toString());
        assertEquals(0, restore.code(), "the CLI restores the whole cluster through c: " + restore.output());
        for (String id : ids) {
            Path stopFile = dir.resolve(id).resolve("aegis.emergency");
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), () -> !Files.exists(stopFile)), id + " restored");
        }

        // The event-bus port talks only TLS, and only to a client with a member certificate.
        assertTrue(refusesClientWithoutCertificate(busPorts.get("a")), "no session without a member certificate");

        // A stranger: same member list and ports, but its own CA and another secret. It stays alone, and its bans stay home.
        config("x", strangerCerts, "another-secret-that-is-long-enough-000", hz[3], SensorProcess.freePort(), members);
        SensorProcess x = start("x");
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(60), () -> membersUp("x") == 1), x.log());
        post("x", "203.0.113.66", 2);
        Thread.sleep(3000);
        assertEquals(1, membersUp("x"), "the stranger is alone: " + status("x").getJsonObject("cluster"));
        for (String id : ids) {
            assertNull(ban(id, "203.0.113.66"), "no ban injected on " + id);
            assertEquals(3, membersUp(id), id + ": " + status(id).getJsonObject("cluster"));
        }
    }

    /** Connects with TLS, trusting any server but offering no client certificate; true when the sensor ends it. */
    private static boolean refusesClientWithoutCertificate(int port) throws Exception {
        javax.net.ssl.TrustManager[] trustAll = {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }};
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, trustAll, null);
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", port)) {
            assertTrue(plain.isConnected(), "the event-bus port is open"); // so a refusal below is the sensor's, not a closed port
        }
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            socket.getOutputStream().write(new byte[64]);
            socket.getOutputStream().flush();
            return socket.getInputStream().read() == -1;
        } catch (java.io.IOException refused) {
            return true; // handshake alert (certificate required) or reset
        }
    }
}
