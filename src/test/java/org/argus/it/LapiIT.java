package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bouncer API with a client no one here wrote: Debian's {@code crowdsec-firewall-bouncer} (nftables mode) in a
 * router namespace, pulling from the sensor running in the same namespace, fills its sets with the sensor's IPv4 and
 * IPv6 bans and drops the banned host's traffic; an unban and an expiry take the entries out, a bouncer restart
 * ({@code startup=true}) gets the full list back, the emergency stop empties it; a missing or wrong key is 403.
 */
class LapiIT {
    static final String TOKEN = "lapi-token-0123456789";
    static final String ATTACKER4 = "10.88.0.2", ATTACKER6 = "2001:db8:88::2";

    @TempDir
    Path dir;

    static Shell.Result in(String ns, String... cmd) throws Exception {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return Shell.sh(all.toArray(String[]::new));
    }

    /** curl inside the namespace: status line and body. */
    static String curl(String ns, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("curl", "-s", "-i", "--max-time", "5"));
        all.addAll(List.of(args));
        return in(ns, all.toArray(String[]::new)).out().replace("\r\n", "\n");
    }

    static boolean inSet(String ns, String family, String table, String set, String address) {
        try {
            return in(ns, "nft", "list", "set", family, table, set).out().contains(address);
        } catch (Exception e) {
            return false;
        }
    }

    static boolean pings(String ns, String target) {
        try {
            return in(ns, "busybox", "ping", "-c", "1", "-W", "1", target).code() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static String ruleset(String ns) {
        try {
            return in(ns, "nft", "list", "ruleset").out();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static String blogText(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    static Process bouncer(String ns, Path config, Path log) throws Exception {
        return new ProcessBuilder("ip", "netns", "exec", ns, "crowdsec-firewall-bouncer", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Test
    void theFirewallBouncerEnforcesTheSensorsBans() throws Exception {
        for (String tool : List.of("ip", "nft", "curl", "busybox", "crowdsec-firewall-bouncer")) {
            assumeTrue(Shell.have(tool), "needs " + tool);
        }
        long pid = ProcessHandle.current().pid();
        String r = "argus-lapi-r-" + pid, x = "argus-lapi-x-" + pid;
        int port = SensorProcess.freePort();
        Path pcap = dir.resolve("quiet.pcap");
        assertEquals(0, SensorProcess.run(Map.of(), "generate", "--out", pcap.toString(), "--sessions", "50", "--no-scan").code());
        Path conf = dir.resolve("sensor.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("file", pcap.toString()).put("interface", ""))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv").toString()))
                .put("http", new JsonObject().put("port", port).put("token", TOKEN))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("devices", new JsonObject().put("enabled", false))
                .put("enforcement", new JsonObject().put("backend", "none").put("dry_run_duration_days", 0)
                        .put("blacklist_db_path", dir.resolve("b.db").toString())
                        .put("emergency_stop_file", dir.resolve("stop").toString()))
                .put("lapi", new JsonObject().put("enabled", true))
                .encodePrettily());
        SensorProcess.Result added = SensorProcess.run(Map.of(), "bouncers", "add", "router-fw", "-conf", conf.toString());
        assertEquals(0, added.code(), added.output());
        String key = added.output().lines().filter(l -> l.matches("[A-Za-z0-9_-]{43}")).findFirst().orElseThrow(() -> new AssertionError(added.output()));
        Path bouncerConf = dir.resolve("bouncer.yaml");
        Files.writeString(bouncerConf, String.join("\n",
                "mode: nftables", "pid_dir: " + dir, "update_frequency: 1s", "daemonize: false", "log_mode: stdout", "log_level: info",
                "api_url: http://127.0.0.1:" + port + "/", "api_key: " + key, "insecure_skip_verify: false", "disable_ipv6: false",
                "deny_action: DROP", "deny_log: false", "supported_decisions_types:", "  - ban",
                "blacklists_ipv4: crowdsec-blacklists", "blacklists_ipv6: crowdsec6-blacklists",
                "nftables:", "  ipv4:", "    enabled: true", "    set-only: false", "    table: crowdsec", "    chain: crowdsec-chain",
                "  ipv6:", "    enabled: true", "    set-only: false", "    table: crowdsec6", "    chain: crowdsec6-chain",
                "prometheus:", "  enabled: false", ""));
        String base = "http://127.0.0.1:" + port;
        Path blog = dir.resolve("bouncer.log");
        Process fw = null;
        SensorProcess sensor = null;
        try {
            Shell.vethPair(r, x, 88);
            Shell.must("ip", "-n", r, "addr", "add", "2001:db8:88::1/64", "dev", "va", "nodad");
            Shell.must("ip", "-n", x, "addr", "add", ATTACKER6 + "/64", "dev", "vb", "nodad");
            sensor = SensorProcess.start(List.of("ip", "netns", "exec", r), Map.of("ARGUS_IP_SALT", "lapi-it"), dir.resolve("sensor.log"),
                    "-conf", conf.toString());
            SensorProcess s = sensor;
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> {
                try {
                    return curl(r, base + "/health").contains("\"status\"");
                } catch (Exception e) {
                    return false;
                }
            }), s.log());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> pings(x, "10.88.0.1") && pings(x, "2001:db8:88::1")),
                    "traffic flows before any ban");

            String none = curl(r, base + "/v1/decisions/stream?startup=true");
            assertTrue(none.startsWith("HTTP/1.1 403") && none.contains("access forbidden"), none);
            String wrong = curl(r, "-H", "X-Api-Key: " + key + "x", base + "/v1/decisions");
            assertTrue(wrong.startsWith("HTTP/1.1 403"), wrong);

            for (String[] ban : new String[][] {{ATTACKER4, "1"}, {ATTACKER6, "1"}, {"198.51.100.0/24", "1"}, {"192.0.2.55", "0.002"}}) {
                String a = curl(r, "-X", "POST", "-H", "Authorization: Bearer " + TOKEN, "-H", "content-type: application/json",
                        "--data", "{\"address\":\"" + ban[0] + "\",\"reason\":\"lapi it\",\"risk_level\":\"high\",\"ttl_hours\":" + ban[1] + "}",
                        base + "/blacklist");
                assertTrue(a.startsWith("HTTP/1.1 201"), a);
            }
            String listed = curl(r, "-H", "X-Api-Key: " + key, base + "/v1/decisions?ip=" + ATTACKER4);
            assertTrue(listed.startsWith("HTTP/1.1 200") && listed.contains("\"value\":\"" + ATTACKER4 + "\"")
                    && listed.contains("\"scope\":\"Ip\""), listed);

            // (this bouncer's nftables sets have no interval flag: a Range decision is kept as its network address)
            fw = bouncer(r, bouncerConf, blog);
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> inSet(r, "ip", "crowdsec", "crowdsec-blacklists", ATTACKER4)
                    && inSet(r, "ip6", "crowdsec6", "crowdsec6-blacklists", ATTACKER6)
                    && inSet(r, "ip", "crowdsec", "crowdsec-blacklists", "198.51.100.0 ")),
                    () -> ruleset(r) + blogText(blog));
            assertTrue(!pings(x, "10.88.0.1") && !pings(x, "2001:db8:88::1"), "the banned host's traffic is dropped");
            assertTrue(ruleset(r).matches("(?s).*ip saddr @crowdsec-blacklists counter packets [1-9].*"), "by the bouncer's rule: " + ruleset(r));
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> !inSet(r, "ip", "crowdsec", "crowdsec-blacklists", "192.0.2.55")),
                    "the 7-second ban expired out of the set: " + in(r, "nft", "list", "set", "ip", "crowdsec", "crowdsec-blacklists").out());

            String status = curl(r, base + "/status");
            assertTrue(status.contains("\"router-fw\"") && status.contains("\"last_pull\""), status);

            String lifted = curl(r, "-X", "DELETE", "-H", "Authorization: Bearer " + TOKEN, base + "/blacklist/" + ATTACKER4);
            assertTrue(lifted.startsWith("HTTP/1.1 200"), lifted);
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> !inSet(r, "ip", "crowdsec", "crowdsec-blacklists", ATTACKER4)),
                    Files.readString(blog));
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> pings(x, "10.88.0.1")), "an unbanned host passes again");
            assertTrue(!pings(x, "2001:db8:88::1"), "the other ban stays");

            // a bouncer restart asks with startup=true and gets the whole list back
            fw.destroy();
            assertTrue(fw.waitFor(10, TimeUnit.SECONDS));
            in(r, "nft", "delete", "table", "ip6", "crowdsec6");
            in(r, "nft", "delete", "table", "ip", "crowdsec");
            fw = bouncer(r, bouncerConf, blog);
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> inSet(r, "ip6", "crowdsec6", "crowdsec6-blacklists", ATTACKER6)
                    && inSet(r, "ip", "crowdsec", "crowdsec-blacklists", "198.51.100.0 ")), () -> ruleset(r) + blogText(blog));

            // the emergency stop takes everything out of the router's sets
            String stop = curl(r, "-X", "POST", "-H", "Authorization: Bearer " + TOKEN, "-H", "content-type: application/json",
                    "--data", "{\"reason\":\"lapi it\"}", base + "/control/emergency-stop");
            assertTrue(stop.startsWith("HTTP/1.1 200"), stop);
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> !inSet(r, "ip6", "crowdsec6", "crowdsec6-blacklists", ATTACKER6)
                    && !inSet(r, "ip", "crowdsec", "crowdsec-blacklists", "198.51.100.0 ")), () -> ruleset(r) + blogText(blog));
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> pings(x, "2001:db8:88::1")),
                    "nothing is dropped under the emergency stop");
        } finally {
            if (fw != null) {
                fw.destroy();
                if (!fw.waitFor(10, TimeUnit.SECONDS)) {
                    fw.destroyForcibly().waitFor();
                }
            }
            if (sensor != null) {
                sensor.close();
            }
            Shell.sh("ip", "netns", "del", r);
            Shell.sh("ip", "netns", "del", x);
        }
    }
}
