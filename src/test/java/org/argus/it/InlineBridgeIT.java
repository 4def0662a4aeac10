package org.argus.it;

import static org.argus.it.Shell.have;
import static org.argus.it.Shell.must;
import static org.argus.it.Shell.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Pi inline as a transparent bridge, in three namespaces the test creates and deletes: a modem side (the attacker,
 * 10.81.0.1), the sensor with {@code br0} over two veth ports and no address of its own, and a LAN host (10.81.0.2).
 * {@code br_netfilter} is switched off inside the sensor's namespace (as on a stock Raspberry Pi OS), so only the
 * nftables {@code bridge} family can drop bridged frames: an nmap scan across the bridge gets its source banned and
 * dropped on the bridge (the LAN host's own nftables counter stops growing), {@code /status} names the bridge and the
 * hook, and the emergency stop restores forwarding; then the LAN host is quarantined with {@code argus quarantine add}
 * (listed apart from bans, dropped on the bridge) and lifted with {@code DELETE /quarantine}.
 */
class InlineBridgeIT {
    private static final String TOKEN = "bridge-token";
    private static final String ATTACKER = "10.81.0.1", LAN = "10.81.0.2";
    private final String nsM = "argus-br-m-" + ProcessHandle.current().pid();
    private final String nsS = "argus-br-s-" + ProcessHandle.current().pid();
    private final String nsL = "argus-br-l-" + ProcessHandle.current().pid();
    private int port;

    @TempDir
    Path dir;

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : new String[] {"ip", "nmap", "hping3", "nft", "sysctl"}) {
            assumeTrue(have(tool), "needs " + tool);
        }
        for (String ns : List.of(nsM, nsS, nsL)) {
            must("ip", "netns", "add", ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "-n", nsM, "link", "add", "vm", "type", "veth", "peer", "name", "pm", "netns", nsS);
        must("ip", "-n", nsL, "link", "add", "vl", "type", "veth", "peer", "name", "pl", "netns", nsS);
        must("ip", "-n", nsS, "link", "add", "br0", "type", "bridge");
        for (String p : List.of("pm", "pl")) {
            must("ip", "-n", nsS, "link", "set", p, "master", "br0");
            must("ip", "-n", nsS, "link", "set", p, "up");
        }
        must("ip", "-n", nsS, "link", "set", "br0", "up");
        brNetfilter(false);
        must("ip", "-n", nsM, "addr", "add", ATTACKER + "/24", "dev", "vm");
        must("ip", "-n", nsL, "addr", "add", LAN + "/24", "dev", "vl");
        must("ip", "-n", nsM, "link", "set", "vm", "up");
        must("ip", "-n", nsL, "link", "set", "vl", "up");
        // the LAN host counts what reaches it from the attacker, in its own namespace
        must("ip", "netns", "exec", nsL, "nft", "add table inet probe; add chain inet probe in { type filter hook input priority 0; };"
                + " add rule inet probe in ip saddr " + ATTACKER + " counter");
        must("ip", "netns", "exec", nsM, "nft", "add table inet probe; add chain inet probe in { type filter hook input priority 0; };"
                + " add rule inet probe in ip saddr " + LAN + " counter");
        port = SensorProcess.freePort();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String ns : List.of(nsM, nsS, nsL)) {
            sh("ip", "netns", "del", ns);
        }
    }

    /** Packets from the attacker that reached the LAN host so far. */
    private long reachedLan() throws Exception {
        return counter(nsL);
    }

    /** The probe counter of a namespace: packets from the other side that arrived. */
    private long counter(String ns) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)")
                .matcher(must("ip", "netns", "exec", ns, "nft", "list", "chain", "inet", "probe", "in").out());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Three SYNs from the attacker to the LAN host's port 22 across the bridge: how many answers come back. */
    private int answers() throws Exception {
        String out = sh("ip", "netns", "exec", nsM, "hping3", "-S", "-p", "22", "-c", "3", "-i", "u100000", LAN).out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) packets received").matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Whether two SYNs from the LAN host reach the modem side, by the modem side's own counter (not by its answers,
     * which a renewed ban of the modem-side scanner would drop).
     */
    private boolean lanReachesModem() {
        try {
            long before = counter(nsM);
            sh("ip", "netns", "exec", nsL, "hping3", "-S", "-p", "22", "-c", "2", "-i", "u100000", ATTACKER);
            return counter(nsM) > before;
        } catch (Exception e) {
            return false;
        }
    }

    private String curl(String method, String path, String body) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", nsS, "curl", "-s", "-m", "5", "-X", method,
                "-H", "Authorization: Bearer " + TOKEN));
        if (body != null) {
            cmd.addAll(List.of("-H", "Content-Type: application/json", "--data", body));
        }
        cmd.add("http://127.0.0.1:" + port + path);
        return sh(cmd.toArray(String[]::new)).out();
    }

    private boolean banned() {
        try {
            return new JsonArray(curl("GET", "/blacklist", null)).stream().anyMatch(o -> ((JsonObject) o).getString("address").equals(ATTACKER));
        } catch (Exception e) {
            return false;
        }
    }

    /** br_netfilter's hand-over of bridged frames to the IP hooks, in the sensor's namespace only. */
    private void brNetfilter(boolean on) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables")), "needs br_netfilter's sysctls");
        must("ip", "netns", "exec", nsS, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=" + (on ? 1 : 0),
                "net.bridge.bridge-nf-call-ip6tables=" + (on ? 1 : 0));
    }

    /** Whether any of our tables or sets is in the sensor's kernel (the bridge table, or the ipsets). */
    private boolean ours(String backend) throws Exception {
        return backend.equals("nftables") ? sh("ip", "netns", "exec", nsS, "nft", "list", "table", "bridge", "argus_br").code() == 0
                : sh("ip", "netns", "exec", nsS, "ipset", "list", "-n").out().contains("ARGUS-BR");
    }

    private Path config(String backend) throws Exception {
        Path conf = dir.resolve("bridge.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("interface", "br0"))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv").toString()).put("close_grace_ms", 200))
                .put("http", new JsonObject().put("port", port))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("devices", new JsonObject().put("enabled", false))
                .put("enforcement", new JsonObject().put("backend", backend).put("iptables_chain_name", "ARGUS-BR")
                        .put("blacklist_db_path", dir.resolve("blacklist.db").toString())
                        .put("emergency_stop_file", dir.resolve("run/stop").toString())
                        .put("dry_run_duration_days", 0).put("enforce_after_dry_run", true))
                .encodePrettily());
        return conf;
    }

    private SensorProcess start(Path conf) throws Exception {
        SensorProcess sensor = SensorProcess.start(List.of("ip", "netns", "exec", nsS),
                Map.of("ARGUS_IP_SALT", "bridge-it", "ARGUS_HTTP_TOKEN", TOKEN), dir.resolve("sensor.log"), "-conf", conf.toString());
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(40), () -> {
            try {
                return sh("ip", "netns", "exec", nsS, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5",
                        "http://127.0.0.1:" + port + "/health").out().trim().equals("200");
            } catch (Exception e) {
                return false;
            }
        }), sensor.log());
        return sensor;
    }

    /**
     * nftables with br_netfilter off (its bridge table drops), ipset with br_netfilter on (the iptables hooks see the
     * bridged frames).
     */
    @ParameterizedTest
    @ValueSource(strings = {"nftables", "ipset"})
    void aScanAcrossTheBridgeIsDroppedOnTheBridge(String backend) throws Exception {
        brNetfilter(backend.equals("ipset"));
        Path conf = config(backend);
        assertTrue(answers() > 0, "before: the LAN host answers across the bridge");
        long before = reachedLan();
        assertTrue(before >= 3, "the LAN host counted the SYNs: " + before);
        try (SensorProcess sensor = start(conf)) {
            JsonObject en = new JsonObject(curl("GET", "/status", null)).getJsonObject("enforcement");
            assertEquals("bridge", en.getJsonObject("topology").getString("role"), en.encodePrettily());
            assertEquals("br0", en.getJsonObject("topology").getString("bridge"));
            assertTrue(en.getString("hook").contains(backend.equals("nftables") ? "bridge argus_br input+forward on br0"
                    : "bridged traffic on br0 through br_netfilter"), en.getString("hook"));
            assertTrue(sensor.log().contains("event=topology role=bridge bridge=br0"), sensor.log());

            Shell.Result scan = sh("ip", "netns", "exec", nsM, "nmap", "-sS", "-n", "-Pn", "-T4", "-p", "1-1000", LAN);
            assertTrue(scan.out().contains("Nmap done"), scan.out());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), this::banned), "banned: " + sensor.log());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), () -> {
                try {
                    return backend.equals("nftables") ? sh("ip", "netns", "exec", nsS, "nft", "list", "set", "bridge", "argus_br", "v4").out().contains(ATTACKER)
                            : sh("ip", "netns", "exec", nsS, "ipset", "test", "ARGUS-BR-v4", ATTACKER).code() == 0;
                } catch (Exception e) {
                    return false;
                }
            }), "in the kernel's set");
            long reached = reachedLan();
            assertEquals(0, answers(), "dropped on the bridge");
            assertEquals(reached, reachedLan(), "the LAN host no longer sees the attacker");

            String stop = curl("POST", "/control/emergency-stop", "{\"reason\":\"bridge drill\"}");
            assertTrue(stop.contains("emergency_stop"), stop);
            assertFalse(ours(backend), "our tables and sets are gone");
            assertTrue(answers() > 0, "forwarding restored");
            assertTrue(reachedLan() > reached);
            curl("POST", "/control/emergency-restore", "{\"reason\":\"drill over\"}");
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> {
                try {
                    return ours(backend) && answers() == 0;
                } catch (Exception e) {
                    return false;
                }
            }), "restored: dropped again");

            // Quarantine of the LAN host through the CLI and the running sensor: listed apart from bans, its traffic
            // across the bridge dropped (the modem side is neither its gateway, a DNS server nor the sensor), lifted again
            assertTrue(lanReachesModem(), "before: the LAN host reaches the modem side");
            SensorProcess.Result q = SensorProcess.run(List.of("ip", "netns", "exec", nsS), Map.of("ARGUS_IP_SALT", "bridge-it",
                    "ARGUS_HTTP_TOKEN", TOKEN), "quarantine", "add", LAN, "--reason", "infected", "--ttl-hours", "1", "-conf", conf.toString());
            assertEquals(0, q.code(), q.output());
            assertTrue(q.output().contains("quarantined " + LAN + " (via the running sensor)"), q.output());
            JsonArray quarantined = new JsonArray(curl("GET", "/quarantine", null));
            assertEquals(1, quarantined.size(), quarantined.encode());
            assertEquals("quarantine", quarantined.getJsonObject(0).getString("action"));
            assertTrue(new JsonArray(curl("GET", "/blacklist", null)).stream().noneMatch(o -> ((JsonObject) o).getString("address").equals(LAN)),
                    "not among the bans");
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), () -> !lanReachesModem()), "quarantined: dropped on the bridge");
            assertEquals(1L, new JsonObject(curl("GET", "/status", null)).getJsonObject("enforcement").getJsonObject("by_action")
                    .getLong("quarantine"));
            assertTrue(curl("DELETE", "/blacklist/" + LAN, null).contains("not banned"), "DELETE /blacklist does not lift a quarantine");
            assertTrue(new JsonObject(curl("DELETE", "/quarantine/" + LAN, null)).getBoolean("removed", false));
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(5), this::lanReachesModem), "lifted: " + sensor.log());
            assertEquals(0, sensor.stop(), sensor.log());
        }
    }

    /** ipset on a bridge without br_netfilter cannot drop bridged frames: the start says so, and how to fix it. */
    @Test
    void ipsetWithoutBrNetfilterSaysBridgedTrafficIsNotEnforced() throws Exception {
        brNetfilter(false);
        try (SensorProcess sensor = start(config("ipset"))) {
            JsonObject en = new JsonObject(curl("GET", "/status", null)).getJsonObject("enforcement");
            assertFalse(en.getJsonObject("topology").getBoolean("br_netfilter"), en.encodePrettily());
            assertTrue(en.getString("hook").contains("bridged traffic on br0 is NOT enforced") && en.getString("hook").contains("modprobe br_netfilter"),
                    en.getString("hook"));
            assertTrue(sensor.log().contains("event=bridged_traffic_not_enforced bridge=br0"), sensor.log());
            assertEquals(0, sensor.stop(), sensor.log());
        }
    }
}
