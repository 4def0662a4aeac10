package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.argus.payload.PayloadTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escalation path end to end, with the jar and defaults only: a client in one namespace probes a real HTTP server
 * in another with attack strings the model never trained on (the held-out fifth of the shared corpus), while a second
 * client browses; tcpdump records it; {@code argus replay --models} names the prober with {@code payload_classifier}
 * and not the browser. Shared captures it did not train on raise no payload decision.
 */
class PayloadIT {
    static final String SERVER = "10.87.0.1", PROBER = "10.87.0.2", BROWSER = "10.87.0.3";
    static final List<String> CLASSES = List.of("sql_injection", "xss", "path_traversal", "command_injection");
    /** Benign captures the model trains on. */
    static final List<String> TRAIN = List.of("1kxun.pcap", "http_ip4and6.pcapng", "netflix.pcap", "wechat.pcap");
    /** Captures it never saw, which must raise no payload decision. */
    static final List<String> UNSEEN = List.of("KakaoTalk_talk.pcap", "gnutella.pcap", "http-fault-post.pcap", "ocs.pcap",
            "tcp_0_1000_20190821.pcap", "udp_0_1000_20190821.pcap", "hydra-4_tasks.pcap");

    @TempDir
    Path dir;

    @Test
    void heldOutWebAttacksNameTheirClientAndBrowsingDoesNot() throws Exception {
        for (String tool : List.of("ip", "tcpdump", "python3", "curl")) {
            assumeTrue(Shell.have(tool), "needs " + tool);
        }
        Path shared = Path.of("..", "shared");
        Path models = dir.resolve("models");
        List<String> train = new ArrayList<>(List.of("train-payload", "--attacks", shared.resolve("payloads/attacks").toString(),
                "--benign"));
        TRAIN.forEach(f -> train.add(shared.resolve("pcaps").resolve(f).toString()));
        train.addAll(List.of("--out", models.toString()));
        SensorProcess.Result trained = SensorProcess.run(Map.of(), train.toArray(String[]::new));
        assertEquals(0, trained.code(), trained.output());

        // ten held-out lines of each class, as the raw strings a scanner would put in a parameter
        List<String> probes = new ArrayList<>();
        java.util.Map<String, Integer> perClass = new java.util.HashMap<>();
        for (PayloadTrainer.Sample s : PayloadTrainer.attacks(shared.resolve("payloads/attacks"))) {
            String text = new String(s.bytes(), StandardCharsets.UTF_8);
            if (s.heldOut() && CLASSES.contains(s.label()) && !text.startsWith("GET ") && !text.startsWith("POST ")
                    && !text.contains("\n") && perClass.merge(s.label(), 1, Integer::sum) <= 10) {
                probes.add(text);
            }
        }
        assertEquals(40, probes.size(), "ten held-out lines of each class");
        Files.write(dir.resolve("probes.txt"), probes);
        Files.write(dir.resolve("browse.txt"), List.of("/", "/index.html", "/search?q=garden+chairs&page=2", "/products/lamp-42",
                "/search?q=blue%20sofa", "/cart?item=1337&qty=2", "/account/orders?sort=date", "/help/faq#returns",
                "/api/v1/items?limit=20&offset=40", "/static/app.css", "/static/app.js?v=3.2.1", "/images/logo.png",
                "/blog/2026/11/winter-garden", "/search?q=o%27reilly+books", "/search?q=rock+%26+roll", "/login?next=%2Faccount"));

        long pid = ProcessHandle.current().pid();
        String a = "argus-pl-a-" + pid, b = "argus-pl-b-" + pid;
        Process server = null;
        try {
            Shell.vethPair(a, b, 87);
            Shell.must("ip", "-n", b, "addr", "add", BROWSER + "/24", "dev", "vb");
            Files.createDirectories(dir.resolve("www"));
            Files.writeString(dir.resolve("www/index.html"), "<html><body>shop</body></html>");
            server = new ProcessBuilder("ip", "netns", "exec", a, "python3", "-m", "http.server", "8080", "--bind", "0.0.0.0",
                    "--directory", dir.resolve("www").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("http.log").toFile()).start();
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> AttackClassesIT.listens(a, 8080)), "the server listens");
            String curl = "ip netns exec " + b + " curl -s -o /dev/null -m 5 ";
            String script = "while IFS= read -r p; do " + curl + "--interface " + BROWSER + " \"http://" + SERVER + ":8080$p\"; "
                    + "done < " + dir.resolve("browse.txt") + "; "
                    + "while IFS= read -r p; do " + curl + "--interface " + PROBER + " -G --data-urlencode \"q=$p\" "
                    + "http://" + SERVER + ":8080/search; done < " + dir.resolve("probes.txt") + "; "
                    + "sleep 1; while IFS= read -r p; do " + curl + "--interface " + BROWSER
                    + " \"http://" + SERVER + ":8080$p\"; done < " + dir.resolve("browse.txt");
            Path cap = dir.resolve("web.pcap");
            assertEquals(0, Recording.record(a, "va", cap, script));

            SensorProcess.Result replay = SensorProcess.run(Map.of("ARGUS_IP_SALT", "payload-it"), "replay", cap.toString(),
                    "--out", dir.resolve("out").toString(), "--models", models.toString());
            assertEquals(0, replay.code(), replay.output());
            JsonObject summary = new JsonObject(replay.output().lines().filter(l -> l.startsWith("{")).reduce((x, y) -> y).orElseThrow());
            JsonObject routing = summary.getJsonObject("routing");
            assertTrue(routing.getLong("payloads_inspected") > 0, summary.encode());
            List<JsonObject> decisions = Recording.decisions(dir.resolve("out"));
            List<JsonObject> payload = decisions.stream().filter(d -> d.getJsonArray("detectors").contains("payload_classifier")).toList();
            assertTrue(payload.stream().anyMatch(d -> d.getString("address").equals(PROBER)), decisions.toString());
            assertTrue(payload.stream().allMatch(d -> d.getString("address").equals(PROBER)), "only the prober: " + payload);
            assertTrue(decisions.stream().noneMatch(d -> d.getString("address").equals(BROWSER) && !d.getString("risk").equals("low")),
                    "nothing above low about the browser: " + decisions);
            String reason = payload.get(0).getJsonArray("reasons").getString(0);
            assertTrue(reason.startsWith("payload classifier: ") && reason.contains(" at byte "), reason);
            System.out.println("PayloadIT default routing: " + routing.encode());
            SensorProcess.Result every = SensorProcess.run(Map.of("ARGUS_IP_SALT", "payload-it", "ARGUS_PAYLOAD_SAMPLE", "1.0"), "replay",
                    cap.toString(), "--out", dir.resolve("out-all").toString(), "--models", models.toString());
            assertEquals(0, every.code(), every.output());
            JsonObject all = new JsonObject(every.output().lines().filter(l -> l.startsWith("{")).reduce((x, y) -> y).orElseThrow());
            System.out.println("PayloadIT every payload (40 probes, 32 browsing requests): " + all.getJsonObject("routing").encode());
            assertTrue(Recording.decisions(dir.resolve("out-all")).stream().noneMatch(d -> d.getString("address").equals(BROWSER)
                    && d.getJsonArray("detectors").contains("payload_classifier")), "no browsing request is a hit");

            // Live, the model appearing after the start: payload capture and the escalation path switch on, no restart.
            Path liveModels = dir.resolve("live-models"), liveOut = dir.resolve("live-out");
            Files.createDirectories(liveModels);
            int port = SensorProcess.freePort();
            Path conf = dir.resolve("live.json");
            Files.writeString(conf, new JsonObject()
                    .put("capture", new JsonObject().put("interface", "va"))
                    .put("aggregation", new JsonObject().put("output_dir", liveOut.toString()).put("close_grace_ms", 200))
                    .put("http", new JsonObject().put("port", port))
                    .put("model", new JsonObject().put("model_local_path", liveModels.toString()).put("reload_interval_seconds", 1))
                    .put("payload", new JsonObject().put("sample", 1.0))
                    .put("enforcement", new JsonObject().put("backend", "none").put("blacklist_db_path", dir.resolve("live.db").toString())
                            .put("emergency_stop_file", dir.resolve("live.stop").toString()))
                    .put("devices", new JsonObject().put("enabled", false)).encodePrettily());
            try (SensorProcess sensor = SensorProcess.start(List.of("ip", "netns", "exec", a), Map.of("ARGUS_IP_SALT", "payload-it"),
                    dir.resolve("live.log"), "-conf", conf.toString())) {
                assertTrue(SensorProcess.eventually(Duration.ofSeconds(40), () -> sensor.log().contains("event=payload_inspection_off")),
                        sensor.log());
                try (java.util.stream.Stream<Path> files = Files.list(models)) {
                    List<Path> all2 = files.sorted((x, y) -> Boolean.compare(x.toString().endsWith(".json"), y.toString().endsWith(".json"))).toList();
                    for (Path f : all2) { // the card last, as the model sync writes them
                        Files.copy(f, liveModels.resolve(f.getFileName()));
                    }
                }
                assertTrue(SensorProcess.eventually(Duration.ofSeconds(15), () -> sensor.log().contains("event=payload_inspection_on")),
                        Shell.sh("ls", "-la", liveModels.toString()).out() + sensor.log());
                Thread.sleep(500); // a batch or two for the capture to take it up
                String probe = "while IFS= read -r p; do " + curl + "--interface " + PROBER + " -G --data-urlencode \"q=$p\" "
                        + "http://" + SERVER + ":8080/search; done < " + dir.resolve("probes.txt");
                assertEquals(0, Shell.sh("bash", "-c", probe).code());
                assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> {
                    try {
                        return Recording.decisions(liveOut).stream().anyMatch(d -> d.getString("address").equals(PROBER)
                                && d.getJsonArray("detectors").contains("payload_classifier"));
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }),
                        "the live sensor names the prober: " + Recording.decisions(liveOut) + sensor.log());
                assertEquals(0, sensor.stop(), sensor.log());
            }
        } finally {
            if (server != null) {
                server.destroyForcibly().waitFor();
            }
            Shell.sh("ip", "netns", "del", a);
            Shell.sh("ip", "netns", "del", b);
        }

        for (String f : UNSEEN) {
            Path out = dir.resolve("benign-" + f);
            SensorProcess.Result r = SensorProcess.run(Map.of("ARGUS_IP_SALT", "payload-it"), "replay",
                    shared.resolve("pcaps").resolve(f).toString(), "--out", out.toString(), "--models", models.toString());
            assertEquals(0, r.code(), r.output());
            assertEquals(List.of(), Recording.decisions(out).stream()
                    .filter(d -> d.getJsonArray("detectors").contains("payload_classifier")).toList(), f);
        }
    }
}
