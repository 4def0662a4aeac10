package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blocklist mirror as a router's URL table pulls it: curl, the token or a client network, a conditional request. */
class BlocklistMirrorIT {
    @TempDir
    Path dir;

    private static String curl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-i", "--max-time", "5"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.replace("\r\n", "\n");
    }

    private Path config(int port, boolean serveDryRun, int dryRunDays, List<String> clients) throws Exception {
        Path pcap = dir.resolve("quiet.pcap");
        if (!Files.exists(pcap)) {
            SensorProcess.Result gen = SensorProcess.run(Map.of(), "generate", "--out", pcap.toString(), "--sessions", "50", "--no-scan");
            assertEquals(0, gen.code(), gen.output());
        }
        Path conf = dir.resolve("sensor-" + port + ".json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("file", pcap.toString()).put("interface", ""))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv-" + port).toString()))
                .put("http", new JsonObject().put("port", port).put("token", "mirror-token-0123456789"))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("devices", new JsonObject().put("enabled", false))
                .put("enforcement", new JsonObject().put("backend", "none").put("dry_run_duration_days", dryRunDays)
                        .put("blacklist_db_path", dir.resolve("b-" + port + ".db").toString())
                        .put("emergency_stop_file", dir.resolve("stop-" + port).toString()))
                .put("lapi", new JsonObject().put("serve_dry_run", serveDryRun).put("mirror_clients", new io.vertx.core.json.JsonArray(clients)))
                .encodePrettily());
        return conf;
    }

    @Test
    void tokenOrClientNetworkEtagAnd304() throws Exception {
        int port = SensorProcess.freePort();
        String token = "mirror-token-0123456789";
        try (SensorProcess p = SensorProcess.start(List.of(), Map.of("ARGUS_IP_SALT", "it"), dir.resolve("a.log"),
                "-conf", config(port, false, 0, List.of()).toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> SensorProcess.get(port, "/health").status() == 200
                    || SensorProcess.get(port, "/health").body().contains("degraded")), p.log());
            for (String target : new String[] {"203.0.113.9", "2001:db8::66", "198.51.100.0/24"}) {
                SensorProcess.HttpAnswer a = SensorProcess.http("POST", port, "/blacklist", token,
                        "{\"address\":\"" + target + "\",\"reason\":\"it\",\"risk_level\":\"high\"}");
                assertEquals(201, a.status(), a.body());
            }
            String noToken = curl("http://127.0.0.1:" + port + "/blocklist.txt");
            assertTrue(noToken.startsWith("HTTP/1.1 401"), noToken);
            String first = curl("-H", "Authorization: Bearer " + token, "http://127.0.0.1:" + port + "/blocklist.txt");
            assertTrue(first.startsWith("HTTP/1.1 200"), first);
            assertTrue(first.endsWith("\n\n198.51.100.0/24\n203.0.113.9\n2001:db8::66\n"), first);
            String etag = first.lines().filter(l -> l.toLowerCase().startsWith("etag:")).findFirst().orElseThrow().substring(5).strip();
            String again = curl("-H", "Authorization: Bearer " + token, "-H", "If-None-Match: " + etag, "http://127.0.0.1:" + port + "/blocklist.txt");
            assertTrue(again.startsWith("HTTP/1.1 304"), again);
            String json = curl("-H", "Authorization: Bearer " + token, "http://127.0.0.1:" + port + "/blocklist.json");
            JsonObject body = new JsonObject(json.substring(json.indexOf("\n\n") + 2));
            assertEquals(3, body.getInteger("count"), json);
            // a change gives a new tag: the poller's old one no longer matches
            assertEquals(200, SensorProcess.http("DELETE", port, "/blacklist/203.0.113.9", token, null).status());
            String changed = curl("-H", "Authorization: Bearer " + token, "-H", "If-None-Match: " + etag, "http://127.0.0.1:" + port + "/blocklist.txt");
            assertTrue(changed.startsWith("HTTP/1.1 200") && changed.endsWith("\n\n198.51.100.0/24\n2001:db8::66\n"), changed);
            // the emergency stop empties it
            assertEquals(200, SensorProcess.http("POST", port, "/control/emergency-stop", token, "{\"reason\":\"it\"}").status());
            String stopped = curl("-H", "Authorization: Bearer " + token, "http://127.0.0.1:" + port + "/blocklist.json");
            assertTrue(stopped.contains("\"serving\":false") && stopped.contains("emergency stop in force"), stopped);
        }
        // a router's network pulls without the token; the dry-run serves nothing unless lapi.serve_dry_run
        int port2 = SensorProcess.freePort();
        try (SensorProcess p = SensorProcess.start(List.of(), Map.of("ARGUS_IP_SALT", "it"), dir.resolve("b.log"),
                "-conf", config(port2, false, 7, List.of("127.0.0.0/8")).toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> SensorProcess.get(port2, "/health").status() == 200
                    || SensorProcess.get(port2, "/health").body().contains("degraded")), p.log());
            assertEquals(201, SensorProcess.http("POST", port2, "/blacklist", token, "{\"address\":\"203.0.113.9\",\"reason\":\"it\"}").status());
            String dry = curl("http://127.0.0.1:" + port2 + "/blocklist.json");
            assertTrue(dry.startsWith("HTTP/1.1 200") && dry.contains("\"serving\":false") && dry.contains("dry-run until"), dry);
        }
    }
}
