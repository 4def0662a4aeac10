package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.argus.TestData;
import org.argus.csv.CsvRotator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real jar as a user runs it: the sensor on a file, /health and /status, clean stop, crash recovery, the CLI. */
class SensorIT {
    @TempDir
    Path dir;

    private Path config(Path capture, Path out, int port) throws IOException {
        Path conf = dir.resolve("sensor.json");
        Files.writeString(conf, new JsonObject()
                .put("capture", new JsonObject().put("file", capture.toString()).put("interface", ""))
                .put("aggregation", new JsonObject().put("output_dir", out.toString()).put("max_rows_per_file", 500)
                        .put("file_rotation_count", 0))
                .put("http", new JsonObject().put("port", port))
                .put("health", new JsonObject().put("stats_interval_seconds", 1))
                .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                .put("enforcement", new JsonObject().put("backend", "none").put("blacklist_db_path", dir.resolve("blacklist.db").toString())
                        .put("emergency_stop_file", dir.resolve("aegis.emergency").toString()))
                .encodePrettily());
        return conf;
    }

    private static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void sensorOnAFileServesHealthAndStatusAndStopsCleanly() throws Exception {
        Path pcap = dir.resolve("office.pcap");
        SensorProcess.Result gen = SensorProcess.run(Map.of(), "generate", "--out", pcap.toString(), "--sessions", "500",
                "--start", "2026-11-22T12:00:00Z");
        assertEquals(0, gen.code(), gen.output());
        Path out = dir.resolve("csv");
        Files.createDirectories(out);
        // a temporary file left by a crash: must be recovered at start
        Files.writeString(out.resolve("zeus_20261122_115500.csv.part"), CsvRotator.HEADER
                + "\n2026-11-22T11:55:00Z,2026-11-22T11:55:00Z,2026-11-22T11:55:05Z,5.0,1,60,1,0.2,96.0,ip_a,ip_b,TCP,1,2,1,60,0,0\n2026-11-22T11:55");
        int port = SensorProcess.freePort();
        Path conf = config(pcap, out, port);
        try (SensorProcess p = SensorProcess.start(List.of(), Map.of("ARGUS_IP_SALT", "it-salt"), dir.resolve("sensor.log"),
                "-conf", conf.toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> SensorProcess.get(port, "/health").status() == 200),
                    "health 200: " + p.log());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> p.log().contains("event=capture_file_done")), p.log());
            JsonObject status = new JsonObject(SensorProcess.get(port, "/status").body());
            long packets = Long.parseLong(gen.output().replaceAll("(?s).*\"packets\":(\\d+).*", "$1"));
            assertEquals(packets, status.getLong("packets"), "every generated packet counted");
            JsonObject health = new JsonObject(SensorProcess.get(port, "/health").body());
            assertEquals("finished", health.getJsonObject("components").getJsonObject("capture").getString("state"));
            assertEquals("degraded", health.getString("status"), "no model configured: heuristics only");
            assertTrue(health.getJsonObject("components").getJsonObject("prediction").getString("detail").startsWith("no model"));
            // the file's last window is scored after capture_file_done: wait for its decision to reach /metrics (a
            // detector's counter is registered at the scrape after its first decision)
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> SensorProcess.get(port, "/metrics").body()
                    .contains("argus_decisions_by_detector_total{detector=\"port_scan\"}")), "a port_scan decision in /metrics");
            SensorProcess.HttpAnswer metrics = SensorProcess.get(port, "/metrics");
            assertEquals(200, metrics.status());
            for (String line : new String[] {"argus_packets_total " + (double) packets, "argus_decisions_total{risk=\"high\"} 1.0",
                    "argus_decisions_by_detector_total{detector=\"port_scan\"} 1.0", "argus_model_info{version=\"none\"} 1",
                    "argus_dropped_packets_total{where=\"kernel\"} 0.0"}) {
                assertTrue(metrics.body().lines().anyMatch(l -> l.equals(line)), line + " in /metrics: " + metrics.body().lines().filter(l -> l.startsWith("argus_decisions")).toList());
            }
            for (String family : new String[] {"vertx_eventbus_published_total", "vertx_http_server_bytes_written_total", "jvm_memory_used_bytes",
                    "argus_csv_rows_total", "argus_bans_active", "argus_uploaded_bytes_total"}) {
                assertTrue(metrics.body().contains(family), family + " in /metrics");
            }
            // The operator's read commands, through HTTP, and the stats file.
            SensorProcess.Result st = SensorProcess.run(Map.of("ARGUS_IP_SALT", "it-salt"), "status", "-conf", conf.toString());
            assertEquals(0, st.code(), st.output());
            assertTrue(st.output().contains("traffic    " + packets + " packets"), st.output());
            assertTrue(st.output().contains("decisions high 1"), st.output());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> SensorProcess.get(port, "/health").body().contains("model_missing")));
            SensorProcess.Result hl = SensorProcess.run(Map.of("ARGUS_IP_SALT", "it-salt"), "health", "-conf", conf.toString());
            assertEquals(0, hl.code(), "degraded is not a failure: " + hl.output());
            assertTrue(hl.output().startsWith("degraded") && hl.output().contains("ALERT warning  model_missing"), hl.output());
            SensorProcess.Result js = SensorProcess.run(Map.of("ARGUS_IP_SALT", "it-salt"), "stats", "--json", "-conf", conf.toString());
            assertEquals(0, js.code(), js.output());
            JsonObject stats = new JsonObject(js.output().substring(js.output().indexOf('{')));
            assertEquals(packets, stats.getJsonObject("component_stats").getJsonObject("capture").getLong("packets"));
            Path statsFile = dir.resolve("stats.json");
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> Files.exists(statsFile)), "stats.json beside the CSV folder");
            JsonObject written = new JsonObject(Files.readString(statsFile));
            assertEquals(1, written.getJsonObject("component_stats").getJsonObject("prediction_engine").getLong("anomalies_detected"));
            assertEquals("degraded", written.getJsonObject("daemon_stats").getString("health_status"));
            assertEquals(0, p.stop(), "clean exit on SIGTERM");
            assertTrue(p.log().contains("event=csv_recovered"), p.log());
        }
        // The generated capture holds one port scan (192.168.1.99 -> 192.168.1.5, 200 ports): one high decision.
        List<Path> decisionFiles = list(out).stream().filter(f -> f.getFileName().toString().startsWith("decisions-")).toList();
        assertEquals(1, decisionFiles.size(), "one decisions file: " + list(out));
        List<JsonObject> decisions = Files.readAllLines(decisionFiles.get(0)).stream().map(JsonObject::new).toList();
        assertTrue(decisions.stream().anyMatch(d -> d.getString("address").equals("192.168.1.99")
                && d.getString("risk").equals("high") && d.getString("detector").equals("port_scan")), decisions.toString());
        assertTrue(decisions.stream().noneMatch(d -> d.getString("risk").equals("high") && !d.getString("address").equals("192.168.1.99")),
                "no other high decision: " + decisions);
        List<Path> files = list(out).stream().filter(f -> f.toString().endsWith(".csv")).toList();
        assertFalse(files.stream().anyMatch(f -> f.toString().endsWith(".part")), "no temporary file after a clean stop: " + files);
        long rows = 0;
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            assertEquals(CsvRotator.HEADER, lines.get(0));
            for (String row : lines.subList(1, lines.size())) {
                assertEquals(18, row.split(",", -1).length, "whole rows only: " + row);
            }
            rows += lines.size() - 1;
        }
        assertTrue(rows > 500, "rows written: " + rows);
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("zeus_20261122_115500.csv")), files.toString());
    }

    @Test
    void aFullDiskPausesCsvWritingCleanlyAndSaysSoInHealth() throws Exception {
        Path pcap = dir.resolve("busy.pcap");
        SensorProcess.Result gen = SensorProcess.run(Map.of(), "generate", "--out", pcap.toString(), "--sessions", "30000",
                "--span-seconds", "300", "--start", "2026-11-22T12:00:00Z");
        assertEquals(0, gen.code(), gen.output());
        Path out = dir.resolve("small-disk");
        Files.createDirectories(out);
        Path conf = config(pcap, out, SensorProcess.freePort());
        JsonObject c = new JsonObject(Files.readString(conf));
        c.getJsonObject("aggregation").put("min_free_mb", 2);
        Files.writeString(conf, c.encodePrettily());
        int port = c.getJsonObject("http").getInteger("port");
        // A 4 MiB disk of its own: tmpfs mounted in a private mount namespace that dies with the process.
        List<String> prefix = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o size=4m argus-it " + out + " && exec \"$@\"", "sh");
        try (SensorProcess p = SensorProcess.start(prefix, Map.of("ARGUS_IP_SALT", "it-salt"), dir.resolve("disk.log"),
                "-conf", conf.toString())) {
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(60), () -> p.log().contains("event=capture_file_done")), p.log());
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> SensorProcess.get(port, "/health").status() == 503), p.log());
            JsonObject csv = new JsonObject(SensorProcess.get(port, "/health").body()).getJsonObject("components").getJsonObject("csv");
            assertEquals("disk_full", csv.getString("state"), csv.encode());
            assertTrue(csv.getString("detail").contains("below aggregation.min_free_mb (2)"), csv.encode());
            JsonObject status = new JsonObject(SensorProcess.get(port, "/status").body()).getJsonObject("files");
            assertTrue(status.getLong("rows_not_written") > 0, status.encode());
            assertTrue(status.getLong("rows") > 0, status.encode());
            assertTrue(p.alive());
            // The files as the sensor sees them (its own mount namespace): every file closed whole, none left open.
            Path seen = Path.of("/proc/" + p.pid() + "/root" + out);
            List<Path> files = list(seen).stream().filter(f -> f.toString().contains(".csv")).toList();
            assertFalse(files.isEmpty());
            assertFalse(files.stream().anyMatch(f -> f.toString().endsWith(".part")), "the open file was closed: " + files);
            long rows = 0;
            for (Path f : files) {
                String text = Files.readString(f);
                assertTrue(text.endsWith("\n"), f + " ends with a whole row");
                List<String> lines = text.lines().toList();
                assertEquals(CsvRotator.HEADER, lines.get(0));
                for (String row : lines.subList(1, lines.size())) {
                    assertEquals(18, row.split(",", -1).length, "whole rows only: " + row);
                }
                rows += lines.size() - 1;
            }
            assertEquals(status.getLong("rows"), rows, "every row counted as written is in a closed file");
            assertEquals(0, p.stop(), "clean exit on SIGTERM");
        }
    }

    @Test
    void badStartsAreClearErrorsNotStackTraces() throws Exception {
        SensorProcess.Result missing = SensorProcess.run(Map.of(), "-conf", dir.resolve("nope.json").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.output().contains("nope.json: no such file"), missing.output());
        assertFalse(missing.output().contains("\tat "), missing.output());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "capture:\n  snaplen: 5\n  colour: blue\n");
        SensorProcess.Result validate = SensorProcess.run(Map.of(), "validate", "-conf", bad.toString());
        assertEquals(1, validate.code(), validate.output());
        assertTrue(validate.output().contains("capture.colour: unknown key"), validate.output());
        SensorProcess.Result ok = SensorProcess.run(Map.of(), "validate", "-conf", "conf/demo.json");
        assertEquals(0, ok.code(), ok.output());

        Path invalid = TestData.shared().resolve("pcaps/pcap-invalid-version-1.pcap");
        SensorProcess.Result replay = SensorProcess.run(Map.of(), "replay", invalid.toString(), "--out", dir.resolve("r").toString());
        assertEquals(2, replay.code(), replay.output());
        assertTrue(replay.output().contains("pcap-invalid-version-1.pcap: not a readable pcap or pcapng file"), replay.output());
        assertFalse(replay.output().contains("\tat "), replay.output());
    }

    @Test
    void replayPrintsOneJsonSummaryLine() throws Exception {
        Path capture = TestData.shared().resolve("pcaps/http_ip4and6.pcapng");
        SensorProcess.Result r = SensorProcess.run(Map.of("ARGUS_IP_SALT", "x"), "replay", capture.toString(),
                "--out", dir.resolve("out").toString());
        assertEquals(0, r.code(), r.output());
        String last = r.output().strip().lines().reduce((a, b) -> b).orElseThrow();
        JsonObject s = new JsonObject(last);
        assertEquals(20, s.getLong("packets"));
        assertEquals(2695, s.getLong("bytes"));
        assertEquals(2, s.getLong("windows"));
        for (String k : List.of("flows", "malformed", "elapsed_s", "pps")) {
            assertTrue(s.containsKey(k), k);
        }
    }
}
