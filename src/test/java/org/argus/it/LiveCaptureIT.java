package org.argus.it;

import static org.argus.it.Shell.have;
import static org.argus.it.Shell.must;
import static org.argus.it.Shell.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.argus.anon.Anonymizer;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture for real: two network namespaces joined by a veth pair (created and deleted by the test; the host's
 * interfaces are never touched). The sensor runs inside namespace A on its veth end; hping3 in namespace B sends
 * SYNs to 40 ports of A, whose kernel answers RST (and the sensor reports B's port scan). Then the interface is taken
 * down (health 503) and up again (capture resumes).
 */
class LiveCaptureIT {
    private static final String SALT = "live-it-salt";
    private final String nsA = "argus-it-a-" + ProcessHandle.current().pid();
    private final String nsB = "argus-it-b-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        assumeTrue(have("ip") && have("hping3") && have("curl"), "needs iproute2, hping3 and curl");
        Shell.vethPair(nsA, nsB, 77);
    }

    @AfterEach
    void cleanUp() throws Exception {
        sh("ip", "netns", "del", nsA);
        sh("ip", "netns", "del", nsB);
    }

    private int health(int port) throws Exception {
        Shell.Result r = sh("ip", "netns", "exec", nsA, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + port + "/health");
        try {
            return Integer.parseInt(r.out().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private boolean healthBecomes(int port, int code, Duration limit) throws InterruptedException {
        return SensorProcess.eventually(limit, () -> {
            try {
                return health(port) == code;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void capturesRealTrafficOnAVethAndSurvivesTheInterfaceGoingDown() throws Exception {
        Path out = dir.resolve("csv");
        int port = 18_080;
        Path conf = dir.resolve("live.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("interface", "va").put("stats_interval_seconds", 1)
                        .put("retry_initial_seconds", 1).put("retry_max_seconds", 2))
                .put("aggregation", new JsonObject().put("output_dir", out.toString()).put("close_grace_ms", 200))
                .put("http", new JsonObject().put("port", port))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("blacklist_db_path", dir.resolve("blacklist.db").toString())
                        .put("emergency_stop_file", dir.resolve("aegis.emergency").toString()))
                // 40 probes in 0.2 s: however a window boundary splits them, one window holds at least 20.
                .put("heuristics", new JsonObject().put("port_scan_min_targets", 20)).encodePrettily());
        Map<String, String> env = new HashMap<>(Map.of("ARGUS_IP_SALT", SALT));
        try (SensorProcess sensor = SensorProcess.start(List.of("ip", "netns", "exec", nsA), env, dir.resolve("live.log"),
                "-conf", conf.toString())) {
            assertTrue(healthBecomes(port, 200, Duration.ofSeconds(30)), "health 200 with live capture: " + sensor.log());

            Shell.Result hping = sh("ip", "netns", "exec", nsB, "hping3", "-S", "-p", "++2000", "-c", "40", "-i", "u5000", "10.77.0.1");
            assertTrue(hping.out().contains("40 packets transmitted"), hping.out());

            // Interface down: health must say so; up again: capture resumes.
            must("ip", "-n", nsA, "link", "set", "va", "down");
            assertTrue(healthBecomes(port, 503, Duration.ofSeconds(20)), "health 503 while the interface is down: " + sensor.log());
            must("ip", "-n", nsA, "link", "set", "va", "up");
            assertTrue(healthBecomes(port, 200, Duration.ofSeconds(20)), "health 200 once the interface is back: " + sensor.log());
            Thread.sleep(1500); // let the veth settle before the second burst
            Shell.Result again = sh("ip", "netns", "exec", nsB, "hping3", "-S", "-p", "++3000", "-c", "10", "-i", "u5000", "10.77.0.1");
            assertTrue(again.out().contains("10 packets transmitted"), again.out());
            Thread.sleep(1000);
            assertEquals(0, sensor.stop(), sensor.log());
        }

        Anonymizer anon = new Anonymizer(SALT);
        String a = anon.anonymize(IpAddress.parse("10.77.0.1")), b = anon.anonymize(IpAddress.parse("10.77.0.2"));
        List<String[]> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".csv")).toList()) {
                Files.readAllLines(f).stream().skip(1).map(l -> l.split(",", -1)).forEach(rows::add);
            }
        }
        List<String[]> scan = rows.stream().filter(r -> r[11].equals("TCP") && r[9].equals(b) && r[10].equals(a)).toList();
        // A probe whose SYN and RST fall on either side of a window boundary is one flow reported in two windows
        // (a row per window, as in the tshark ground truth), so count ports and add the packets up per port.
        Map<Integer, int[]> perPort = new HashMap<>();
        for (String[] r : scan) {
            int[] t = perPort.computeIfAbsent(Integer.parseInt(r[13]), k -> new int[3]);
            t[0] += Integer.parseInt(r[14]);
            t[1] += Integer.parseInt(r[15]);
            t[2] += Integer.parseInt(r[16]);
        }
        long first = perPort.keySet().stream().filter(p -> p >= 2000 && p < 2040).count();
        long second = perPort.keySet().stream().filter(p -> p >= 3000 && p < 3010).count();
        assertEquals(40, first, "one flow per scanned port, B as originator");
        assertEquals(10, second, "capture resumed after the interface came back");
        perPort.forEach((p, t) -> {
            assertEquals(1, t[0], "one SYN from B to port " + p);
            assertEquals(54, t[1], "SYN wire bytes to port " + p + " (Ethernet 14 + IP 20 + TCP 20)");
            assertEquals(1, t[2], "one RST from A, port " + p);
        });
        assertTrue(scan.size() <= 50 + 2, "at most a boundary split or two: " + scan.size() + " rows");
        // Detected live: a high port-scan decision about B, with its real address, and nothing high about A.
        List<JsonObject> decisions = Recording.decisions(out);
        assertTrue(decisions.stream().anyMatch(d -> d.getString("address").equals("10.77.0.2") && d.getString("risk").equals("high")
                && d.getString("detector").equals("port_scan") && d.getString("role").equals("attacker")), decisions.toString());
        assertTrue(decisions.stream().noneMatch(d -> d.getString("address").equals("10.77.0.1") && d.getString("risk").equals("high")),
                decisions.toString());
    }
}
