package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Busy benign traffic produced in namespaces — web browsing six connections at a time across ten sites, software
 * updates, a backup job of many short uploads to one server (curl), DNS lookups and NTP, a one-way video stream,
 * mDNS and SSDP chatter — recorded on the client's interface into {@code target/attack-classes/benign-mix.pcap} and
 * replayed with the jar: no high-risk decision about anyone. Medium ones are printed (the issue asks for them to be
 * counted and explained). Needs root, curl, tcpdump and python3.
 */
class BenignMixIT {
    @TempDir
    Path dir;

    @Test
    void busyBenignTrafficIsNeverHighRisk() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : List.of("ip", "tcpdump", "python3", "curl")) {
            assumeTrue(Shell.have(tool), "needs " + tool);
        }
        long pid = ProcessHandle.current().pid();
        String servers = "argus-bm-s-" + pid, clients = "argus-bm-c-" + pid;
        Process serving = null;
        try {
            Shell.vethPair(servers, clients, 84);
            for (int i = 201; i <= 210; i++) {
                Shell.must("ip", "-n", servers, "addr", "add", "10.84.0." + i + "/24", "dev", "va");
            }
            Shell.must("ip", "-n", clients, "route", "add", "224.0.0.0/4", "dev", "vb");
            Path script = Path.of(BenignMixIT.class.getResource("benign.py").toURI());
            Path www = Files.createDirectories(dir.resolve("www"));
            serving = new ProcessBuilder("ip", "netns", "exec", servers, "python3", script.toString(), "servers", www.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("servers.log").toFile()).start();
            assertTrue(SensorProcess.eventually(java.time.Duration.ofSeconds(20), () -> AttackClassesIT.listens(servers, 8080)),
                    "servers up");
            String hosts = IntStream.rangeClosed(201, 210).mapToObj(i -> "10.84.0." + i).collect(Collectors.joining(","));
            Path cap = Files.createDirectories(Path.of("target", "attack-classes")).resolve("benign-mix.pcap");
            Recording.record(clients, "vb", cap, "ip netns exec " + clients + " python3 " + script + " clients " + hosts + " 40");
            List<JsonObject> decisions = Recording.replay(cap, dir.resolve("out"), "benign-mix");
            List<String> high = new ArrayList<>(), medium = new ArrayList<>();
            for (JsonObject d : decisions) {
                String line = d.getString("address") + " " + d.getString("role") + " " + d.getString("risk") + " "
                        + d.getJsonArray("reasons").getString(0);
                (d.getString("risk").equals("high") ? high : d.getString("risk").equals("medium") ? medium : new ArrayList<String>()).add(line);
            }
            System.out.println("benign mix: " + decisions.size() + " decisions, " + medium.size() + " medium: " + medium);
            assertTrue(Files.size(cap) > 10_000_000, "the mix was busy: " + Files.size(cap) + " bytes");
            assertEquals(List.of(), high, "no high-risk decision on benign traffic");
        } finally {
            if (serving != null) {
                serving.destroyForcibly().waitFor();
            }
            Shell.sh("ip", "netns", "del", servers);
            Shell.sh("ip", "netns", "del", clients);
        }
    }
}
