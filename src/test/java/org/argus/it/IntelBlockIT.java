package org.argus.it;

import static org.argus.it.Shell.have;
import static org.argus.it.Shell.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pre-emptive blocking of feed entries ({@code intel.block_listed}) in the kernel, inside two network namespaces
 * joined by a veth pair: the sensor's feed lists the other namespace's address; with each backend (ipset, nftables)
 * that address's HTTP requests to the sensor go unanswered once the feed is loaded, pass again during an emergency
 * stop and are dropped again after the restore; during the dry-run nothing is dropped and the log says what would be.
 */
class IntelBlockIT {
    private static final String TOKEN = "intel-block-token";
    private static final String SENSOR = "10.81.0.1", LISTED = "10.81.0.2";
    private final String nsS = "argus-ib-s-" + ProcessHandle.current().pid();
    private final String nsA = "argus-ib-a-" + ProcessHandle.current().pid();
    private final int port = 18_093;

    @TempDir
    Path dir;

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : new String[] {"ip", "curl", "ipset", "iptables", "nft"}) {
            assumeTrue(have(tool), "needs " + tool);
        }
        Shell.vethPair(nsS, nsA, 81);
    }

    @AfterEach
    void cleanUp() throws Exception {
        sh("ip", "netns", "del", nsS);
        sh("ip", "netns", "del", nsA);
    }

    private Path config(String backend, boolean dryRun) throws Exception {
        Path feed = dir.resolve("listed.netset");
        Files.writeString(feed, "# the other namespace, a documentation block, an IPv6 block\n" + LISTED + "\n203.0.113.0/24\n2001:db8:bad::/48\n");
        Path conf = dir.resolve("block.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("interface", "va"))
                .put("aggregation", new JsonObject().put("output_dir", dir.resolve("csv").toString()))
                .put("http", new JsonObject().put("port", port).put("host", "0.0.0.0"))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("backend", backend)
                        .put("blacklist_db_path", dir.resolve("blacklist.db").toString())
                        .put("emergency_stop_file", dir.resolve("run/aegis.emergency").toString())
                        .put("iptables_chain_name", "ARGUS-IB")
                        .put("dry_run_duration_days", dryRun ? 7 : 0).put("enforce_after_dry_run", true))
                .put("intel", new JsonObject().put("refuse_private", false).put("block_listed", true).put("feeds", new JsonArray()
                        .add(new JsonObject().put("name", "local_list").put("path", feed.toString()).put("format", "plain"))))
                .encodePrettily());
        return conf;
    }

    /** Whether the listed namespace gets an answer from the sensor's HTTP port within 2 s. */
    private boolean listedIsAnswered() throws Exception {
        return sh("ip", "netns", "exec", nsA, "curl", "-s", "-m", "2", "-o", "/dev/null", "-w", "%{http_code}",
                "http://" + SENSOR + ":" + port + "/health").out().trim().matches("200|503");
    }

    private JsonObject status() throws Exception {
        return new JsonObject(sh("ip", "netns", "exec", nsS, "curl", "-s", "-m", "5", "http://127.0.0.1:" + port + "/status").out());
    }

    private int control(String action) throws Exception {
        return Integer.parseInt(sh("ip", "netns", "exec", nsS, "curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                "-H", "Authorization: Bearer " + TOKEN, "-H", "Content-Type: application/json", "--data", "{\"reason\":\"test\"}",
                "http://127.0.0.1:" + port + "/control/" + action).out().trim());
    }

    private SensorProcess start(Path conf) throws Exception {
        SensorProcess p = SensorProcess.start(List.of("ip", "netns", "exec", nsS), Map.of("ARGUS_IP_SALT", "ib", "ARGUS_HTTP_TOKEN", TOKEN),
                dir.resolve("sensor.log"), "-conf", conf.toString());
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(40), () -> {
            try {
                return status().containsKey("enforcement");
            } catch (Exception e) {
                return false;
            }
        }), "the sensor answers: " + p.log());
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipset", "nftables"})
    void listedAddressesAreDroppedInTheKernelAndTheEmergencyStopLetsThemThrough(String backend) throws Exception {
        try (SensorProcess p = start(config(backend, false))) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> {
                try {
                    return status().getJsonObject("enforcement").getLong("listed_in_kernel") == 3;
                } catch (Exception e) {
                    return false;
                }
            }), "three feed blocks in the kernel: " + status().getJsonObject("enforcement") + p.log());
            String kernel = backend.equals("ipset")
                    ? sh("ip", "netns", "exec", nsS, "ipset", "list", "ARGUS-IB-i4").out() + sh("ip", "netns", "exec", nsS, "ipset", "list", "ARGUS-IB-i6").out()
                    : sh("ip", "netns", "exec", nsS, "nft", "list", "table", "inet", "argus_ib").out();
            assertTrue(kernel.contains(LISTED) && kernel.contains("203.0.113.0/24") && kernel.contains("2001:db8:bad::/48"), kernel);
            assertTrue(p.log().contains("event=listed_blocked entries=3"), p.log());
            assertTrue(!listedIsAnswered(), "the listed address is dropped");
            assertTrue(sh("ip", "netns", "exec", nsS, "curl", "-s", "-m", "2", "http://" + SENSOR + ":" + port + "/health").out().contains("status"),
                    "others still get through");
            assertEquals(200, control("emergency-stop"));
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> {
                try {
                    return listedIsAnswered();
                } catch (Exception e) {
                    return false;
                }
            }), "the emergency stop clears the feed sets too");
            assertEquals(200, control("emergency-restore"));
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(15), () -> {
                try {
                    return !listedIsAnswered();
                } catch (Exception e) {
                    return false;
                }
            }), "dropped again after the restore: " + p.log());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nftables"})
    void duringTheDryRunNothingIsDropped(String backend) throws Exception {
        try (SensorProcess p = start(config(backend, true))) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> p.log().contains("event=would_block_listed entries=3 mode=dry_run")),
                    p.log());
            assertTrue(listedIsAnswered(), "nothing dropped in the dry-run");
            assertEquals(0L, status().getJsonObject("enforcement").getLong("listed_in_kernel"));
            assertEquals(3L, status().getJsonObject("enforcement").getLong("listed_wanted"));
        }
    }
}
