package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.argus.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threat feeds end to end through the real jar: the sensor reads gnutella.pcap (a client at 10.0.2.15) with two feeds
 * listing one peer that connected in (84.197.97.94) and one the client called (187.37.87.189): an attacker decision
 * and a ban for the first, a compromised decision (no ban) about the client for the second, the client's trust
 * reputation lowered, {@code /status} and {@code /metrics} counting, and {@code argus intel lookup|reload|status}
 * through the running sensor; then {@code argus replay} with the same configuration decides the same.
 */
class IntelIT {
    private static final String INBOUND = "84.197.97.94", OUTBOUND = "187.37.87.189", CLIENT = "10.0.2.15";

    @TempDir
    Path dir;

    private static List<JsonObject> decisions(Path dir) {
        try {
            return Recording.decisions(dir);
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    @Test
    void feedsTurnContactsIntoDecisionsBothWays() throws Exception {
        Path c2 = dir.resolve("c2.txt"), scanners = dir.resolve("scanners.csv");
        Files.writeString(c2, "# C2 servers\n" + OUTBOUND + "\n0.0.0.0/8\n");
        Files.writeString(scanners, "# address,category,reputation\n" + INBOUND + ",1,120\nbad line\n");
        int port = SensorProcess.freePort();
        Path csv = dir.resolve("csv"), conf = dir.resolve("sensor.json");
        JsonObject config = new JsonObject()
                .put("capture", new JsonObject().put("file", TestData.shared().resolve("pcaps/gnutella.pcap").toString()).put("interface", ""))
                .put("aggregation", new JsonObject().put("output_dir", csv.toString()))
                .put("http", new JsonObject().put("port", port).put("token", "intel-token"))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("backend", "none").put("blacklist_db_path", dir.resolve("b.db").toString())
                        .put("emergency_stop_file", dir.resolve("stop").toString()))
                .put("devices", new JsonObject().put("local_networks", new JsonArray().add("10.0.2.0/24")))
                .put("intel", new JsonObject().put("feeds", new JsonArray()
                        .add(new JsonObject().put("name", "c2").put("path", c2.toString()).put("format", "plain").put("category", "botnet_cc").put("score", 95))
                        .add(new JsonObject().put("name", "scanners").put("path", scanners.toString()).put("format", "suricata")
                                .put("category", "scanner").put("score", 92))))
                .put("enrichment", new JsonObject().put("geoip_city_db", TestData.shared().resolve("geoip/GeoLite2-City-Test.mmdb").toString())
                        .put("geoip_asn_db", TestData.shared().resolve("geoip/GeoLite2-ASN-Test.mmdb").toString()));
        Files.writeString(conf, config.encodePrettily());
        Map<String, String> env = Map.of("ARGUS_IP_SALT", "intel-salt");
        try (SensorProcess p = SensorProcess.start(List.of(), env, dir.resolve("sensor.log"), "-conf", conf.toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> p.log().contains("event=capture_file_done")), p.log());
            // the client calls the inbound peer at 129 s (window 02:05) and the C2 address at 131 s (window 02:10): wait for both
            // windows' decisions, which are written after the file has been read
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> decisions(csv).stream()
                    .anyMatch(d -> d.getString("address").equals(CLIENT) && "compromised".equals(d.getString("role"))
                            && d.getJsonArray("reasons").getString(0).contains(OUTBOUND))), p.log());
            List<JsonObject> decisions = Recording.decisions(csv);
            JsonObject attacker = decisions.stream().filter(d -> d.getString("address").equals(INBOUND)).findFirst().orElseThrow();
            assertEquals("attacker", attacker.getString("role"));
            assertEquals("high", attacker.getString("risk"));
            assertTrue(attacker.getJsonArray("detectors").contains("threat_intel"), attacker.encode());
            assertTrue(attacker.getJsonArray("reasons").getString(0).contains("scanners (scanner, score 92) lists " + INBOUND), attacker.encode());
            // (the peer-to-peer client also calls the inbound peer: a compromised decision of its own)
            assertTrue(decisions.stream().anyMatch(d -> d.getString("address").equals(CLIENT) && "compromised".equals(d.getString("role"))
                    && d.getJsonArray("reasons").getString(0).contains(OUTBOUND + " (c2 (botnet_cc, score 95)")), decisions.toString());
            assertTrue(decisions.stream().noneMatch(d -> d.getString("address").equals(OUTBOUND)), "only answering is no attack");
            // the inbound peer is banned, the client is not
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> SensorProcess.http("GET", port, "/blacklist", "intel-token", null)
                    .body().contains(INBOUND)));
            JsonArray bans = new JsonArray(SensorProcess.http("GET", port, "/blacklist", "intel-token", null).body());
            assertTrue(bans.stream().map(JsonObject.class::cast).noneMatch(b -> b.getString("address", b.getString("target", "")).equals(CLIENT)
                    && b.encode().contains("threat_intel")), "no threat-intel ban of the client: " + bans.encodePrettily());
            assertTrue(bans.stream().map(JsonObject.class::cast).anyMatch(b -> b.encode().contains(INBOUND) && b.encode().contains("detector:threat_intel")),
                    bans.encodePrettily());
            assertTrue(p.log().contains("event=alert role=compromised address=" + CLIENT), "logged as an alert");
            // the client's reputation
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> new JsonObject(SensorProcess.http("GET", port, "/devices/" + CLIENT,
                    "intel-token", null).body()).getJsonObject("trust", new JsonObject()).getDouble("reputation", 100.0) < 100));
            // status and metrics
            JsonObject intel = new JsonObject(SensorProcess.get(port, "/status").body()).getJsonObject("intel");
            assertEquals(2, intel.getInteger("entries"), intel.encodePrettily());
            JsonObject c2Status = intel.getJsonArray("feeds").getJsonObject(0), scannerStatus = intel.getJsonArray("feeds").getJsonObject(1);
            assertEquals(1, c2Status.getInteger("refused"), "0.0.0.0/8 refused");
            assertEquals(1, scannerStatus.getInteger("bad_lines"));
            assertTrue(c2Status.getLong("matches") >= 1 && scannerStatus.getLong("matches") >= 1, intel.encodePrettily());
            JsonObject enrichment = new JsonObject(SensorProcess.get(port, "/status").body()).getJsonObject("enrichment");
            assertEquals(2, enrichment.getJsonArray("databases").size(), enrichment.encode());
            assertTrue(enrichment.getLong("lookups") > 0, "decisions about public addresses were looked up: " + enrichment.encode());
            assertTrue(p.log().contains("event=geoip_on"), "said once at start");
            String metrics = SensorProcess.get(port, "/metrics").body();
            assertTrue(metrics.contains("argus_intel_entries 2.0"), metrics);
            assertTrue(metrics.contains("argus_intel_matches_total{feed=\"c2\"}"), metrics);
            // the CLI through the running sensor
            SensorProcess.Result lookup = SensorProcess.run(env, "intel", "lookup", OUTBOUND, "-conf", conf.toString());
            assertEquals(0, lookup.code(), lookup.output());
            assertTrue(lookup.output().contains("c2 (botnet_cc, score 95) lists " + OUTBOUND), lookup.output());
            SensorProcess.Result notListed = SensorProcess.run(env, "intel", "lookup", "192.0.2.1", "-conf", conf.toString());
            assertEquals(1, notListed.code(), notListed.output());
            assertTrue(notListed.output().contains("not listed"), notListed.output());
            Files.writeString(c2, "192.0.2.99\n", java.nio.file.StandardOpenOption.APPEND);
            SensorProcess.Result reload = SensorProcess.run(env, "intel", "reload", "-conf", conf.toString());
            assertEquals(0, reload.code(), reload.output());
            assertTrue(reload.output().contains("3 entries"), reload.output());
            SensorProcess.Result status = SensorProcess.run(env, "intel", "status", "-conf", conf.toString());
            assertEquals(0, status.code(), status.output());
            assertTrue(status.output().contains("scanners") && status.output().contains("c2"), status.output());
            assertEquals(401, SensorProcess.http("POST", port, "/intel/reload", null, "").status(), "reload needs the token");
        }
        // a GeoIP database of the wrong kind fails the start, naming the key
        Files.writeString(conf, config.copy().put("enrichment", new JsonObject()
                .put("geoip_asn_db", TestData.shared().resolve("geoip/GeoLite2-Country-Test.mmdb").toString())).encodePrettily());
        SensorProcess.Result wrong = SensorProcess.run(env, "-conf", conf.toString());
        assertEquals(1, wrong.code(), wrong.output());
        assertTrue(wrong.output().contains("enrichment.geoip_asn_db: ") && wrong.output().contains("not an ASN one"), wrong.output());
        Files.writeString(conf, config.encodePrettily());
        // the same configuration offline
        Path out = dir.resolve("replay");
        SensorProcess.Result replay = SensorProcess.run(env, "replay", TestData.shared().resolve("pcaps/gnutella.pcap").toString(),
                "--out", out.toString(), "-conf", conf.toString());
        assertEquals(0, replay.code(), replay.output());
        assertTrue(replay.output().contains("intel feed c2: 2 entries"), replay.output());
        List<JsonObject> offline = Recording.decisions(out);
        assertTrue(offline.stream().anyMatch(d -> d.getString("address").equals(INBOUND) && d.getJsonArray("detectors").contains("threat_intel")),
                offline.toString());
        assertTrue(offline.stream().anyMatch(d -> d.getString("address").equals(CLIENT) && "compromised".equals(d.getString("role"))));
    }
}
