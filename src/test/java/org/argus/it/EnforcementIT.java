package org.argus.it;

import static org.argus.it.Shell.have;
import static org.argus.it.Shell.must;
import static org.argus.it.Shell.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enforcement end to end, for real: a sensor namespace and an attacker namespace joined by a veth pair (made and
 * deleted by the test; the host's firewall and interfaces are never touched). The real jar runs inside the sensor
 * namespace, capturing on its veth end and managing iptables/ipset there; the attacker runs nmap. Control requests
 * are made with curl inside the sensor namespace, as an operator would.
 */
class EnforcementIT {
    private static final String TOKEN = "it-token-4f1c";
    private static final String CHAIN = "ARGUS-IT";
    private static final String SENSOR = "10.79.0.1", ATTACKER = "10.79.0.2";
    private final String nsS = "argus-en-s-" + ProcessHandle.current().pid();
    private final String nsA = "argus-en-a-" + ProcessHandle.current().pid();
    private final int port = 18_090;

    @TempDir
    Path dir;

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : new String[] {"ip", "nmap", "hping3", "curl", "ipset", "iptables"}) {
            assumeTrue(have(tool), "needs " + tool);
        }
        Shell.vethPair(nsS, nsA, 79);
    }

    @AfterEach
    void cleanUp() throws Exception {
        sh("ip", "netns", "del", nsS);
        sh("ip", "netns", "del", nsA);
    }

    private Path config(boolean dryRun) throws Exception {
        Path conf = dir.resolve("enforce.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("interface", "va").put("stats_interval_seconds", 1))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv").toString()).put("close_grace_ms", 200))
                .put("http", new JsonObject().put("port", port))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject()
                        .put("blacklist_db_path", dir.resolve("blacklist.db").toString())
                        .put("emergency_stop_file", dir.resolve("run/aegis.emergency").toString())
                        .put("iptables_chain_name", CHAIN)
                        .put("blacklist_cleanup_interval", 1)
                        .put("allowlist", new JsonArray().add("10.79.9.0/24"))
                        .put("dry_run_duration_days", dryRun ? 7 : 0)
                        .put("enforce_after_dry_run", true))
                .encodePrettily());
        return conf;
    }

    private SensorProcess start(Path conf, String log) throws Exception {
        SensorProcess p = SensorProcess.start(List.of("ip", "netns", "exec", nsS),
                Map.of("ARGUS_IP_SALT", "enforce-it", "ARGUS_HTTP_TOKEN", TOKEN), dir.resolve(log), "-conf", conf.toString());
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(40), () -> curl("GET", "/health", null, null).code == 200),
                "health 200: " + p.log());
        return p;
    }

    private record Answer(int code, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    /** curl inside the sensor namespace; {@code token} null sends no Authorization header. */
    private Answer curl(String method, String path, String token, String body) {
        try {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsS, "curl", "-s", "-m", "5", "-X", method,
                    "-w", "\n%{http_code}"));
            if (token != null) {
                cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
            }
            if (body != null) {
                cmd.addAll(List.of("-H", "Content-Type: application/json", "--data", body));
            }
            cmd.add("http://127.0.0.1:" + port + path);
            String out = sh(cmd.toArray(String[]::new)).out();
            int nl = out.lastIndexOf('\n');
            return new Answer(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, Math.max(0, nl)));
        } catch (Exception e) {
            return new Answer(-1, e.toString());
        }
    }

    private String ipsetMembers() throws Exception {
        Shell.Result r = sh("ip", "netns", "exec", nsS, "ipset", "list", CHAIN + "-v4");
        return r.code() == 0 ? r.out() : "";
    }

    private boolean argusInKernel() throws Exception {
        String sets = sh("ip", "netns", "exec", nsS, "ipset", "list", "-n").out();
        String rules = sh("ip", "netns", "exec", nsS, "iptables", "-S").out() + sh("ip", "netns", "exec", nsS, "ip6tables", "-S").out();
        return sets.contains(CHAIN) || rules.contains(CHAIN);
    }

    /** SYNs from the attacker to the sensor's port 22: how many answers (RSTs) come back. */
    private int answersToAttacker() throws Exception {
        String out = sh("ip", "netns", "exec", nsA, "hping3", "-S", "-p", "22", "-c", "3", "-i", "u100000", SENSOR).out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) packets received").matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private boolean eventually(Duration d, Check c) throws InterruptedException {
        return SensorProcess.eventually(d, () -> {
            try {
                return c.holds();
            } catch (Exception e) {
                return false;
            }
        });
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private JsonArray blacklist() {
        Answer a = curl("GET", "/blacklist", TOKEN, null);
        return a.code == 200 ? new JsonArray(a.body) : new JsonArray();
    }

    private static JsonObject entry(JsonArray list, String address) {
        for (Object o : list) {
            if (((JsonObject) o).getString("address").equals(address)) {
                return (JsonObject) o;
            }
        }
        return null;
    }

    @Test
    void anNmapScanIsBlockedSurvivesRestartsAndTheEmergencyStopClearsEverything() throws Exception {
        Path conf = config(false);
        SensorProcess sensor = start(conf, "enforce-1.log");
        try {
            // Auth: control endpoints need the token; health stays open.
            assertEquals(401, curl("GET", "/blacklist", null, null).code);
            assertEquals(401, curl("GET", "/blacklist", "wrong-token", null).code);
            assertEquals(401, curl("POST", "/control/emergency-stop", "wrong-token", "{}").code);
            assertEquals(200, curl("GET", "/health", null, null).code);
            assertTrue(answersToAttacker() > 0, "before the scan the attacker gets answers");

            long t0 = System.nanoTime();
            Process nmap = new ProcessBuilder("ip", "netns", "exec", nsA, "nmap", "-sS", "-n", "-Pn", "-T4", "-p", "1-1000", SENSOR)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nmap.txt").toFile()).start();
            assertTrue(eventually(Duration.ofSeconds(30), () -> ipsetMembers().contains(ATTACKER)),
                    "the attacker lands in the kernel set: " + ipsetMembers() + sensor.log());
            double reaction = (System.nanoTime() - t0) / 1e9;
            System.out.printf("enforcement IT: scan start to kernel set %.2f s%n", reaction);
            assertTrue(nmap.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "nmap ends");
            assertTrue(java.nio.file.Files.readString(dir.resolve("nmap.txt")).contains("Nmap done"));
            // early firing: decided inside the open 5-s window, not at its close (measured ~0.5 s; the bound leaves
            // room for a loaded CI machine and still fails if decisions wait for the window to close)
            assertTrue(reaction < 2.5, "scan start to kernel set " + reaction + " s: early firing");
            JsonObject early = Recording.decisions(dir.resolve("csv")).stream().filter(d -> d.getBoolean("early", false)).findFirst().orElse(null);
            assertTrue(early != null && early.getString("address").equals(ATTACKER)
                    && early.getString("detector").equals("port_scan"), "an early decision in the decision file: " + Recording.decisions(dir.resolve("csv")));
            JsonObject ban = entry(blacklist(), ATTACKER);
            assertTrue(ban != null && ban.getBoolean("enforced") && ban.getString("source").equals("detector:port_scan"),
                    "listed as enforced: " + blacklist());
            assertEquals(0, answersToAttacker(), "the attacker's packets are dropped");
            String counters = must("ip", "netns", "exec", nsS, "iptables", "-L", CHAIN, "-v", "-n", "-x").out();
            assertTrue(counters.lines().anyMatch(l -> l.contains("DROP") && !l.trim().startsWith("0 ")), counters);

            // Allowlist and validation.
            assertEquals(409, curl("POST", "/blacklist", TOKEN, "{\"address\":\"10.79.9.5\",\"reason\":\"t\"}").code, "configured CIDR");
            assertEquals(409, curl("POST", "/blacklist", TOKEN, "{\"address\":\"" + SENSOR + "\"}").code, "own address");
            assertEquals(409, curl("POST", "/blacklist", TOKEN, "{\"address\":\"127.0.0.1\"}").code, "loopback");
            assertEquals(409, curl("POST", "/blacklist", TOKEN, "{\"address\":\"10.79.0.0/16\"}").code, "a CIDR holding our own address");
            Answer bad = curl("POST", "/blacklist", TOKEN, "{\"address\":\"not-an-ip\"}");
            assertEquals(400, bad.code);
            assertTrue(bad.json().getString("error").contains("not-an-ip"), bad.body);
            assertEquals(400, curl("POST", "/blacklist", TOKEN, "{\"address\":\"192.0.2.5\",\"ttl_hours\":-1}").code);
            // A manual ban with a TTL of 4 s comes and goes; an IPv6 block goes to the v6 set.
            assertEquals(201, curl("POST", "/blacklist", TOKEN,
                    "{\"address\":\"192.0.2.99\",\"reason\":\"manual test\",\"risk_level\":\"medium\",\"ttl_hours\":0.0011}").code);
            assertEquals(201, curl("POST", "/blacklist", TOKEN, "{\"address\":\"2001:db8:bad::/48\",\"reason\":\"v6\"}").code);
            assertTrue(eventually(Duration.ofSeconds(5), () -> ipsetMembers().contains("192.0.2.99")), ipsetMembers());
            assertTrue(sh("ip", "netns", "exec", nsS, "ipset", "list", CHAIN + "-v6").out().contains("2001:db8:bad::/48"));
            assertTrue(eventually(Duration.ofSeconds(10), () -> !ipsetMembers().contains("192.0.2.99")), "expired and withdrawn");
            assertEquals(200, curl("DELETE", "/blacklist/2001:db8:bad::%2F48", TOKEN, null).code);
            assertEquals(404, curl("DELETE", "/blacklist/2001:db8:bad::%2F48", TOKEN, null).code);
            assertTrue(eventually(Duration.ofSeconds(5), () -> !sh("ip", "netns", "exec", nsS, "ipset", "list", CHAIN + "-v6").out().contains("2001:db8:bad")));

            // Emergency stop: everything of ours leaves the kernel at once; twice is harmless; restore brings it back.
            Answer stop = curl("POST", "/control/emergency-stop", TOKEN, "{\"reason\":\"IT drill\"}");
            assertEquals(200, stop.code, stop.body);
            assertFalse(argusInKernel(), "no Argus chain or set left right after the answer");
            assertTrue(stop.json().getLong("took_ms") < 1000, stop.body);
            assertTrue(answersToAttacker() > 0, "the attacker is answered again");
            assertEquals(200, curl("POST", "/control/emergency-stop", TOKEN, "{\"reason\":\"again\"}").code);
            assertTrue(Files.exists(dir.resolve("run/aegis.emergency")), "the stop persists as the stop file");
            assertEquals("emergency_stop", new JsonObject(curl("GET", "/status", null, null).body).getJsonObject("enforcement").getString("mode"));
            Answer restore = curl("POST", "/control/emergency-restore", TOKEN, "{\"reason\":\"drill over\"}");
            assertEquals(200, restore.code, restore.body);
            assertTrue(eventually(Duration.ofSeconds(5), () -> ipsetMembers().contains(ATTACKER)), "restored: " + sensor.log());

            // The CLI goes through the running sensor: the kernel follows at once.
            SensorProcess.Result add = cli("blacklist", "add", "198.51.100.44", "--reason", "cli test", "--ttl-hours", "2", "-conf", conf.toString());
            assertEquals(0, add.code(), add.output());
            assertTrue(add.output().contains("via the running sensor"), add.output());
            assertTrue(eventually(Duration.ofSeconds(5), () -> ipsetMembers().contains("198.51.100.44")));
            SensorProcess.Result refused = cli("blacklist", "add", "127.0.0.1", "-conf", conf.toString());
            assertEquals(1, refused.code(), refused.output());
            assertTrue(refused.output().contains("409") && refused.output().contains("loopback"), refused.output());
            assertEquals(0, cli("blacklist", "remove", "198.51.100.44", "-conf", conf.toString()).code());
            assertTrue(eventually(Duration.ofSeconds(5), () -> !ipsetMembers().contains("198.51.100.44")));

            // A ban that will expire while the sensor is down, then kill -9.
            assertEquals(201, curl("POST", "/blacklist", TOKEN, "{\"address\":\"192.0.2.100\",\"ttl_hours\":0.0014}").code);
            long leftBefore = entry(blacklist(), ATTACKER).getLong("seconds_left");
            sensor.kill();
        } finally {
            sensor.close();
        }
        // While it is down: someone's stray member in our set, and the expiring ban runs out.
        must("ip", "netns", "exec", nsS, "ipset", "add", CHAIN + "-v4", "10.79.0.77");
        Thread.sleep(6000);
        sensor = start(conf, "enforce-2.log");
        try {
            assertTrue(eventually(Duration.ofSeconds(10), () -> ipsetMembers().contains(ATTACKER) && !ipsetMembers().contains("10.79.0.77")
                    && !ipsetMembers().contains("192.0.2.100")), "kernel equals the database after kill -9: " + ipsetMembers());
            JsonArray list = blacklist();
            assertTrue(entry(list, "192.0.2.100") == null, "expired while down, stays gone: " + list);
            long left = entry(list, ATTACKER).getLong("seconds_left");
            assertTrue(left > 0 && left < 24 * 3600, "the remaining TTL, not a fresh one: " + left);
            assertEquals(0, answersToAttacker());

            // The stop file works without HTTP.
            Files.writeString(dir.resolve("run/aegis.emergency"), "operator\n");
            assertTrue(eventually(Duration.ofSeconds(2), () -> !argusInKernel()), "touching the stop file clears the kernel");
            Files.delete(dir.resolve("run/aegis.emergency"));
            assertTrue(eventually(Duration.ofSeconds(5), () -> ipsetMembers().contains(ATTACKER)), "removing it restores");

            assertEquals(0, sensor.stop(), sensor.log());
        } finally {
            sensor.close();
        }
        assertTrue(ipsetMembers().contains(ATTACKER), "a clean stop leaves the bans in force (remove_rules_on_stop false)");
        sensor = start(conf, "enforce-3.log");
        try {
            assertTrue(eventually(Duration.ofSeconds(10), () -> ipsetMembers().contains(ATTACKER)));
            JsonArray list = blacklist();
            assertEquals(1, list.size(), list.encode());
            assertEquals(0, sensor.stop());
        } finally {
            sensor.close();
        }

        // With no sensor running the CLI works on the database and the kernel itself.
        SensorProcess.Result list = cli("blacklist", "list", "--json", "-conf", conf.toString());
        assertEquals(0, list.code(), list.output());
        assertTrue(list.output().contains(ATTACKER), list.output());
        SensorProcess.Result export = cli("blacklist", "export", "--out", dir.resolve("export.json").toString(), "-conf", conf.toString());
        assertEquals(0, export.code(), export.output());
        JsonObject doc = new JsonObject(Files.readString(dir.resolve("export.json")));
        assertTrue(doc.getBoolean("address_anonymized"));
        String pseudonym = doc.getJsonArray("entries").getJsonObject(0).getString("address");
        assertEquals(new org.argus.anon.Anonymizer("enforce-it").anonymize(org.argus.flow.IpAddress.parse(ATTACKER)), pseudonym,
                "exported as the CSVs' pseudonym");
        SensorProcess.Result stop = cli("emergency-stop", "--reason", "sensor down", "-conf", conf.toString());
        assertEquals(0, stop.code(), stop.output());
        assertFalse(argusInKernel(), "the offline emergency stop removed our rules: " + stop.output());
        assertTrue(Files.exists(dir.resolve("run/aegis.emergency")));
        sensor = start(conf, "enforce-4.log");
        try {
            Thread.sleep(1500);
            assertFalse(argusInKernel(), "a sensor started during an emergency stop enforces nothing");
            assertEquals(0, cli("emergency-restore", "--reason", "done", "-conf", conf.toString()).code());
            assertTrue(eventually(Duration.ofSeconds(5), () -> ipsetMembers().contains(ATTACKER)));

            // Feedback: the operator says the scan was theirs; the ban lifts at once, a new ban is refused for a while.
            String id = Recording.decisions(dir.resolve("csv")).stream().filter(d -> d.getString("address").equals(ATTACKER))
                    .map(d -> d.getString("id")).findFirst().orElseThrow();
            long t0 = System.nanoTime();
            SensorProcess.Result fp = cli("feedback", "false-positive", id, "--allowlist-for", "2d", "--note", "our own audit", "-conf", conf.toString());
            assertEquals(0, fp.code(), fp.output());
            assertTrue(fp.output().contains("\"ban_lifted\" : true") || fp.output().contains("\"ban_lifted\":true"), fp.output());
            assertTrue(eventually(Duration.ofSeconds(1), () -> !ipsetMembers().contains(ATTACKER)), "lifted within 1 s: " + ipsetMembers());
            System.out.printf("enforcement IT: false positive to kernel set cleared %.2f s%n", (System.nanoTime() - t0) / 1e9);
            assertTrue(eventually(Duration.ofSeconds(5), () -> answersToAttacker() > 0), "the operator's traffic passes again");
            assertEquals(409, curl("POST", "/blacklist", TOKEN, "{\"address\":\"" + ATTACKER + "\"}").code, "allowlisted for 2 days");
            SensorProcess.Result fl = cli("feedback", "list", "-conf", conf.toString());
            assertTrue(fl.code() == 0 && fl.output().contains(id) && fl.output().contains("our own audit"), fl.output());
            assertTrue(new JsonObject(curl("GET", "/status", null, null).body).getJsonObject("enforcement").getJsonObject("feedback")
                    .getLong("false_positives") == 1);
            // the scan's flows went into the baseline store for the next training
            assertTrue(eventually(Duration.ofSeconds(10), () -> new JsonObject(curl("GET", "/status", null, null).body)
                    .getJsonObject("detection").getJsonObject("baseline").getLong("false_positive_files") == 1), sensor.log());
            // and the high decision about the scanner had its packets written as an evidence capture
            JsonObject high = Recording.decisions(dir.resolve("csv")).stream().filter(d -> d.getString("address").equals(ATTACKER)
                    && d.getString("risk").equals("high")).findFirst().orElseThrow();
            Path pcap = dir.resolve("evidence").resolve(high.getString("evidence"));
            // the first sensor was killed before the capture's range ended: its first, partial version is there
            assertTrue(Files.exists(pcap), "the capture " + pcap + " named by " + high.encode());
            assertTrue(Files.size(pcap) > 24 + 16 * 10, "the scan's packets: " + pcap + " " + Files.size(pcap));
            assertEquals(0xa1b23c4d, java.nio.ByteBuffer.wrap(Files.readAllBytes(pcap), 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
            assertEquals(0, sensor.stop());
        } finally {
            sensor.close();
        }
    }

    private SensorProcess.Result cli(String... args) throws Exception {
        return SensorProcess.run(List.of("ip", "netns", "exec", nsS), Map.of("ARGUS_IP_SALT", "enforce-it", "ARGUS_HTTP_TOKEN", TOKEN), args);
    }

    /** Whether our XDP program is attached to the sensor's interface. */
    private boolean xdpAttached() throws Exception {
        return sh("ip", "-n", nsS, "-d", "link", "show", "dev", "va").out().contains("name argus_xdp");
    }

    @Test
    void withTheXdpBackendTheScannerIsDroppedInTheDriverAndTheEmergencyStopDetachesIt() throws Exception {
        assumeTrue(have("bpftool"), "needs bpftool");
        Path conf = config(false);
        JsonObject c = new JsonObject(Files.readString(conf));
        c.getJsonObject("enforcement").put("backend", "xdp");
        Files.writeString(conf, c.encodePrettily());
        SensorProcess sensor = start(conf, "xdp.log");
        try {
            assertTrue(eventually(Duration.ofSeconds(10), this::xdpAttached), "attached at start: " + sensor.log());
            JsonObject en = new JsonObject(curl("GET", "/status", null, null).body).getJsonObject("enforcement");
            assertTrue(en.getString("hook").matches("xdp (native|generic) on va"), en.encode());
            assertTrue(answersToAttacker() > 0, "before the scan the attacker gets answers");
            Shell.Result scan = sh("ip", "netns", "exec", nsA, "nmap", "-sS", "-n", "-Pn", "-T4", "-p", "1-1000", SENSOR);
            assertTrue(scan.out().contains("Nmap done"), scan.out());
            assertTrue(eventually(Duration.ofSeconds(30), () -> entry(blacklist(), ATTACKER) != null), "banned: " + sensor.log());
            assertEquals(0, answersToAttacker(), "the attacker's packets are dropped");
            // the per-entry counter reaches /blacklist and the totals /metrics (read every 5 s)
            assertTrue(eventually(Duration.ofSeconds(15), () -> entry(blacklist(), ATTACKER).getLong("dropped_packets", 0L) >= 3),
                    blacklist().encode());
            String metrics = curl("GET", "/metrics", null, null).body;
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("argus_xdp_packets_total{result=\"dropped_ban\"}") && !l.endsWith(" 0.0")), metrics);
            assertTrue(metrics.contains("argus_ban_dropped_packets{target=\"" + ATTACKER + "\"}"), metrics);

            Answer stop = curl("POST", "/control/emergency-stop", TOKEN, "{\"reason\":\"XDP drill\"}");
            assertEquals(200, stop.code, stop.body);
            assertTrue(stop.json().getLong("took_ms") < 1000, stop.body);
            assertFalse(xdpAttached(), "detached right after the answer");
            assertTrue(answersToAttacker() > 0, "the attacker is answered again");
            assertEquals(200, curl("POST", "/control/emergency-restore", TOKEN, "{\"reason\":\"drill over\"}").code);
            assertTrue(eventually(Duration.ofSeconds(10), () -> xdpAttached() && answersToAttacker() == 0), "restored: " + sensor.log());
            assertEquals(0, sensor.stop(), sensor.log());
        } finally {
            sensor.close();
        }
        assertTrue(xdpAttached(), "a clean stop leaves the bans in force (remove_rules_on_stop false)");
        SensorProcess.Result stop = cli("emergency-stop", "--reason", "sensor down", "-conf", conf.toString());
        assertEquals(0, stop.code(), stop.output());
        assertFalse(xdpAttached(), "the offline emergency stop detached the program: " + stop.output());
    }

    @Test
    void duringTheDryRunTheSameScanOnlyListsWouldBlock() throws Exception {
        SensorProcess sensor = start(config(true), "dry.log");
        try {
            Shell.Result scan = sh("ip", "netns", "exec", nsA, "nmap", "-sS", "-n", "-Pn", "-T4", "-p", "1-1000", SENSOR);
            assertTrue(scan.out().contains("Nmap done"), scan.out());
            assertTrue(eventually(Duration.ofSeconds(30), () -> entry(blacklist(), ATTACKER) != null), "listed: " + sensor.log());
            JsonObject ban = entry(blacklist(), ATTACKER);
            assertFalse(ban.getBoolean("enforced"), ban.encode());
            JsonObject en = new JsonObject(curl("GET", "/status", null, null).body).getJsonObject("enforcement");
            assertEquals("dry_run", en.getString("mode"));
            assertEquals(1, en.getLong("would_block"));
            assertEquals("would have blocked 1 address", en.getString("summary"));
            assertTrue(en.getDouble("dry_run_remaining_days") > 6.9, en.encode());
            assertFalse(argusInKernel(), "nothing in the kernel during the dry-run");
            assertTrue(answersToAttacker() > 0);
            assertTrue(sensor.log().contains("event=would_block address=" + ATTACKER), "logged as would-block");
            // the softer actions are dry-run too, and the allowlist applies to them
            assertEquals(201, curl("POST", "/quarantine", TOKEN, "{\"address\":\"10.79.0.50\",\"reason\":\"infected\"}").code);
            assertEquals(201, curl("POST", "/blacklist", TOKEN, "{\"address\":\"198.51.100.60\",\"action\":\"rate_limit\"}").code);
            assertEquals(409, curl("POST", "/quarantine", TOKEN, "{\"address\":\"" + SENSOR + "\"}").code, "never the sensor itself");
            assertEquals(400, curl("POST", "/blacklist", TOKEN, "{\"address\":\"198.51.100.61\",\"action\":\"quarantine\"}").code,
                    "a quarantine is POST /quarantine");
            assertTrue(eventually(Duration.ofSeconds(5), () -> sensor.log().contains("event=would_quarantine address=10.79.0.50")
                    && sensor.log().contains("event=would_rate_limit address=198.51.100.60")), sensor.log());
            assertEquals("quarantine", new JsonArray(curl("GET", "/quarantine", TOKEN, null).body).getJsonObject(0).getString("action"));
            assertFalse(argusInKernel(), "still nothing in the kernel");
            assertEquals(0, sensor.stop());
        } finally {
            sensor.close();
        }
    }

    @Test
    void aCorruptDatabaseMeansEnforcementOffAndAClearHealthMessage() throws Exception {
        Files.write(dir.resolve("blacklist.db"), "SQLite format 3\0 garbage garbage garbage".repeat(200).getBytes());
        SensorProcess sensor = SensorProcess.start(List.of("ip", "netns", "exec", nsS),
                Map.of("ARGUS_IP_SALT", "enforce-it", "ARGUS_HTTP_TOKEN", TOKEN), dir.resolve("corrupt.log"), "-conf",
                config(false).toString());
        try {
            // 503 from the start ("starting"); wait for the blacklist's own verdict
            assertTrue(eventually(Duration.ofSeconds(40), () -> curl("GET", "/health", null, null).code == 503
                    && curl("GET", "/health", null, null).body.contains("enforcement is off")), sensor.log());
            Answer h = curl("GET", "/health", null, null);
            String blacklist = h.json().getJsonObject("components").getJsonObject("blacklist").getString("detail");
            assertTrue(blacklist.contains("blacklist.db") && blacklist.contains("enforcement is off"), h.body);
            assertEquals("unavailable", new JsonObject(curl("GET", "/status", null, null).body).getJsonObject("enforcement").getString("mode"));
            assertEquals(503, curl("GET", "/blacklist", TOKEN, null).code);
            assertEquals(200, curl("POST", "/control/emergency-stop", TOKEN, "{\"reason\":\"db broken\"}").code,
                    "the emergency stop works without the database");
            assertTrue(sensor.alive(), "still capturing");
            assertNotEquals(0, Files.size(dir.resolve("blacklist.db")), "the broken file is left for the operator");
            assertEquals(0, sensor.stop());
        } finally {
            sensor.close();
        }
    }
}
