package org.argus.it;

import static org.argus.it.Shell.have;
import static org.argus.it.Shell.must;
import static org.argus.it.Shell.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pi install: {@code scripts/install-pi.sh} into a throwaway root (user, files, modes, a unit that
 * {@code systemd-analyze verify} accepts, idempotent, uninstall), and the sensor really running the way the unit runs
 * it — an unprivileged user holding only CAP_NET_RAW and CAP_NET_ADMIN (setpriv: ambient set, bounding set,
 * no-new-privs) — capturing live on a veth in a namespace and blocking a scanner in nftables.
 */
class InstallPiIT {
    @TempDir
    Path dir;

    @Test
    void installsIntoAThrowawayRootAndUninstallsCleanly() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the installer needs root");
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        for (String f : new String[] {"passwd", "group", "shadow", "gshadow"}) {
            Files.copy(Path.of("/etc", f), root.resolve("etc").resolve(f));
        }
        Shell.Result r = sh("scripts/install-pi.sh", "--root", root.toString(), "--jar", SensorProcess.jar().toString());
        assertEquals(0, r.code(), r.out());
        String passwd = Files.readString(root.resolve("etc/passwd"));
        assertTrue(passwd.lines().anyMatch(l -> l.startsWith("argus:") && l.endsWith(":/var/lib/argus:/usr/sbin/nologin")), passwd);
        assertTrue(Files.readString(root.resolve("etc/group")).lines().anyMatch(l -> l.startsWith("argus:")), "its own group");
        assertTrue(Files.size(root.resolve("opt/argus/argus-fat.jar")) > 1_000_000);
        Path env = root.resolve("etc/argus/argus.env");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
        String secrets = Files.readString(env);
        assertTrue(secrets.matches("(?s)ARGUS_IP_SALT=[0-9a-f]{64}\nARGUS_HTTP_TOKEN=[0-9a-f]{48}\n"), "fresh salt and token");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/argus"))));
        String unit = Files.readString(root.resolve("etc/systemd/system/argus.service"));
        for (String line : new String[] {"User=argus", "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
                "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ReadWritePaths=/var/lib/argus -/run/xtables.lock", "RuntimeDirectory=argus", "StandardOutput=journal"}) {
            assertTrue(unit.lines().anyMatch(l -> l.equals(line)), line + " in the unit");
        }
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(exec.contains("-Xmx384m") && exec.contains("-jar /opt/argus/argus-fat.jar -conf /etc/argus/pi.json"), exec);
        assertTrue(exec.contains("-XX:SharedArchiveFile=/var/lib/argus/argus.jsa"), "class-data archive in the writable state folder: " + exec);
        assertTrue(Files.isExecutable(Path.of(exec.substring("ExecStart=".length()).split(" ")[0])), "a Java that exists: " + exec);
        assertEquals("ip_set\nip_set_hash_net\nxt_set\nnf_tables\n", Files.readString(root.resolve("etc/modules-load.d/argus.conf")));
        if (have("systemd-analyze")) {
            Shell.Result v = sh("systemd-analyze", "verify", root.resolve("etc/systemd/system/argus.service").toString());
            assertEquals(0, v.code(), "systemd-analyze verify: " + v.out());
        }
        assertEquals(0, sh("scripts/install-pi.sh", "--root", root.toString(), "--jar", SensorProcess.jar().toString()).code());
        assertEquals(secrets, Files.readString(env), "a second install keeps the salt and token");

        Shell.Result un = sh("scripts/install-pi.sh", "--uninstall", "--purge", "--root", root.toString());
        assertEquals(0, un.code(), un.out());
        for (String gone : new String[] {"opt/argus", "etc/argus", "var/lib/argus", "etc/systemd/system/argus.service",
                "etc/modules-load.d/argus.conf"}) {
            assertFalse(Files.exists(root.resolve(gone)), gone + " removed");
        }
        assertFalse(Files.readString(root.resolve("etc/passwd")).contains("argus:"), "user removed");
    }

    @Test
    void theSensorCapturesAndBlocksWithOnlyNetRawAndNetAdmin() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to make namespaces and drop to a user");
        assumeTrue(have("ip") && have("hping3") && have("curl") && have("setpriv") && have("nft"), "needs iproute2, hping3, curl, setpriv, nft");
        String nsA = "argus-cap-a-" + ProcessHandle.current().pid(), nsB = "argus-cap-b-" + ProcessHandle.current().pid();
        Shell.vethPair(nsA, nsB, 78);
        try {
            Path work = dir.resolve("sensor");
            Files.createDirectories(work);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            must("chown", "65534:65534", work.toString());
            int port = 18_081;
            Path conf = dir.resolve("caps.json");
            Files.writeString(conf, new JsonObject()
                    .put("capture", new JsonObject().put("interface", "va"))
                    .put("aggregation", new JsonObject().put("output_dir", work.resolve("csv").toString()).put("close_grace_ms", 200))
                    .put("http", new JsonObject().put("port", port))
                    .put("model", new JsonObject().put("model_local_path", work.resolve("models").toString()))
                    .put("heuristics", new JsonObject().put("port_scan_min_targets", 20))
                    .put("enforcement", new JsonObject().put("backend", "nftables").put("iptables_chain_name", "ARGUS-CAPS")
                            .put("dry_run_duration_days", 0).put("enforce_after_dry_run", true)
                            .put("blacklist_db_path", work.resolve("blacklist.db").toString())
                            .put("emergency_stop_file", work.resolve("aegis.emergency").toString())).encodePrettily());
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> prefix = List.of("ip", "netns", "exec", nsA, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=-all,+net_raw,+net_admin", "--ambient-caps=-all,+net_raw,+net_admin",
                    "--bounding-set=-all,+net_raw,+net_admin", "--no-new-privs");
            // nobody cannot enter a checkout under /root (0700): run a copy it can read, in a folder it can enter
            Path jar = Files.copy(SensorProcess.jar(), dir.resolve("argus-fat.jar"));
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            try (SensorProcess p = SensorProcess.start(prefix, jar, Map.of("ARGUS_IP_SALT", "caps-salt", "HOME", work.toString()),
                    dir.resolve("caps.log"), "-conf", conf.toString())) {
                assertTrue(SensorProcess.eventually(Duration.ofSeconds(40), () -> {
                    String h = curl(nsA, port, "/health"); // 200 (ok or degraded): every component is up, capture included
                    return h.contains("\"status\"") && !h.contains("unhealthy");
                }), p.log());
                String status = sh("ip", "netns", "exec", nsA, "grep", "-E", "^(Uid|CapEff|CapBnd)", "/proc/" + p.pid() + "/status").out();
                assertTrue(status.contains("65534"), "runs as nobody: " + status);
                assertTrue(status.contains("CapEff:\t0000000000003000"), "exactly CAP_NET_ADMIN (12) and CAP_NET_RAW (13): " + status);
                Shell.Result scan = sh("ip", "netns", "exec", nsB, "hping3", "-S", "-p", "++2000", "-c", "40", "-i", "u5000", "10.78.0.1");
                assertTrue(scan.out().contains("40 packets transmitted"), scan.out());
                assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> {
                    try {
                        return sh("ip", "netns", "exec", nsA, "nft", "list", "set", "inet", "argus_caps", "v4").out().contains("10.78.0.2");
                    } catch (Exception e) {
                        return false;
                    }
                }), "the scanner is in the kernel set, put there by an unprivileged process: " + p.log());
                assertTrue(Files.list(work.resolve("csv")).findAny().isPresent(), "CSV written as nobody");
                assertEquals(0, p.stop(), p.log());
            }
        } finally {
            sh("ip", "netns", "del", nsA);
            sh("ip", "netns", "del", nsB);
        }
    }

    private static String curl(String ns, int port, String path) {
        try {
            return sh("ip", "netns", "exec", ns, "curl", "-s", "http://127.0.0.1:" + port + path).out();
        } catch (Exception e) {
            return "";
        }
    }
}
