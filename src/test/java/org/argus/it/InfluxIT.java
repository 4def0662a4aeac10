package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.argus.export.InfluxExporter;
import org.argus.export.InfluxSettings;
import org.argus.export.InfluxStats;
import org.argus.export.InfluxWriter;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowStats;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowAssembler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The InfluxDB export against a real InfluxDB 1.x (Debian's {@code influxd}) started on loopback ports by the test:
 * the sensor's windows read back with InfluxQL equal its CSVs, and a server stopped mid-run and started again misses
 * nothing.
 */
class InfluxIT {
    private static final Path SHARED = Path.of("../shared/pcaps");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** One influxd with its data in a folder of the test and its three listeners on free loopback ports. */
    static final class Influxd implements AutoCloseable {
        final int port;
        private final Path config;
        private final Path log;
        private Process process;

        Influxd(Path dir) throws IOException, InterruptedException {
            port = SensorProcess.freePort();
            int rpc = SensorProcess.freePort(), ifql = SensorProcess.freePort();
            Process p = new ProcessBuilder("influxd", "config").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            text = text.replace("/var/lib/influxdb", dir.resolve("influxdb").toString())
                    .replace("bind-address = \"127.0.0.1:8088\"", "bind-address = \"127.0.0.1:" + rpc + "\"")
                    .replace("bind-address = \":8086\"", "bind-address = \"127.0.0.1:" + port + "\"")
                    .replace("bind-address = \":8082\"", "bind-address = \"127.0.0.1:" + ifql + "\"")
                    .replace("reporting-disabled = false", "reporting-disabled = true");
            config = dir.resolve("influxdb.conf");
            log = dir.resolve("influxd.log");
            Files.writeString(config, text);
            start();
            query("CREATE DATABASE argus", true);
        }

        void start() throws IOException, InterruptedException {
            process = new ProcessBuilder("influxd", "-config", config.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(30), () -> ping() == 204), "influxd up: " + tail());
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }

        int ping() {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException | InterruptedException e) {
                return -1;
            }
        }

        /** InfluxQL through {@code /query}; the JSON answer. */
        JsonObject query(String q, boolean post) throws IOException, InterruptedException {
            String url = "http://127.0.0.1:" + port + "/query?db=argus&epoch=ns&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
            HttpResponse<String> r = HTTP.send(post ? b.POST(HttpRequest.BodyPublishers.noBody()).build() : b.build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return new JsonObject(r.body());
        }

        /** The rows of the first series of a query's answer (empty when none). */
        List<JsonArray> rows(String q) throws IOException, InterruptedException {
            JsonObject result = query(q, false).getJsonArray("results").getJsonObject(0);
            List<JsonArray> out = new ArrayList<>();
            if (result.getJsonArray("series") != null) {
                for (Object s : result.getJsonArray("series")) {
                    for (Object v : ((JsonObject) s).getJsonArray("values")) {
                        out.add((JsonArray) v);
                    }
                }
            }
            return out;
        }

        String tail() {
            try {
                String s = Files.exists(log) ? Files.readString(log) : "";
                return s.substring(Math.max(0, s.length() - 2000));
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null && process.isAlive()) {
                stop();
            }
        }
    }

    @Test
    void theSensorsWindowsInInfluxEqualItsCsvs() throws Exception {
        try (Influxd influx = new Influxd(dir)) {
            Path out = dir.resolve("csv");
            int port = SensorProcess.freePort();
            Path conf = dir.resolve("sensor.json");
            Files.writeString(conf, new JsonObject()
                    .put("capture", new JsonObject().put("file", SHARED.resolve("1kxun.pcap").toAbsolutePath().toString()).put("interface", ""))
                    .put("aggregation", new JsonObject().put("output_dir", out.toString()).put("file_rotation_count", 0))
                    .put("http", new JsonObject().put("port", port))
                    .put("model", new JsonObject().put("model_local_path", dir.resolve("models").toString()))
                    .put("enforcement", new JsonObject().put("backend", "none").put("blacklist_db_path", dir.resolve("b.db").toString())
                            .put("emergency_stop_file", dir.resolve("stop").toString()))
                    .put("staging", new JsonObject().put("min_age_seconds", 3600))
                    .put("devices", new JsonObject().put("enabled", false))
                    .encodePrettily());
            Map<String, String> env = Map.of("ARGUS_IP_SALT", "it-salt", "ARGUS_EXPORT_INFLUX_ENABLED", "true",
                    "ARGUS_EXPORT_INFLUX_URL", "http://127.0.0.1:" + influx.port, "ARGUS_EXPORT_INFLUX_FLUSH_INTERVAL", "1s",
                    "ARGUS_EXPORT_INFLUX_AGGREGATION_INTERVAL", "30s");
            try (SensorProcess p = SensorProcess.start(List.of(), env, dir.resolve("sensor.log"), "-conf", conf.toString())) {
                assertTrue(SensorProcess.eventually(Duration.ofSeconds(60), () -> p.log().contains("event=capture_file_done")), p.log());
                assertTrue(SensorProcess.eventually(Duration.ofSeconds(20), () -> new JsonObject(SensorProcess.get(port, "/status").body())
                        .getJsonObject("export").getJsonObject("influx").getLong("points_sent") > 0), p.log());
                assertEquals(0, p.stop(), p.log()); // the clean stop flushes the open window and interval
                assertTrue(p.log().contains("event=influx_export_stopped"), p.log());
            }
            // per window: packets and bytes as in the CSV's window columns; every CSV row's flow bytes in argus_flows
            Map<Long, long[]> csvWindows = new TreeMap<>();
            long csvFlowBytes = 0, csvRows = 0;
            try (Stream<Path> files = Files.walk(out)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".csv")).toList()) {
                    for (String line : Files.readAllLines(f).subList(1, Files.readAllLines(f).size())) {
                        String[] c = line.split(",");
                        long start = Instant.parse(c[1]).toEpochMilli() * 1_000_000L;
                        csvWindows.put(start, new long[] {Long.parseLong(c[4]), Long.parseLong(c[5]), Long.parseLong(c[6])});
                        csvFlowBytes += Long.parseLong(c[15]) + Long.parseLong(c[17]);
                        csvRows++;
                    }
                }
            }
            assertTrue(csvWindows.size() > 5, "a capture with several windows: " + csvWindows.size());
            Map<Long, long[]> influxWindows = new TreeMap<>();
            for (JsonArray r : influx.rows("SELECT packets, bytes, flows FROM argus_window")) {
                influxWindows.put(r.getLong(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3)});
            }
            assertEquals(csvWindows.keySet(), influxWindows.keySet(), "one point per window, at the window's start");
            csvWindows.forEach((t, v) -> assertEquals(List.of(v[0], v[1], v[2]), List.of(influxWindows.get(t)[0], influxWindows.get(t)[1],
                    influxWindows.get(t)[2]), "window at " + t));
            JsonArray flows = influx.rows("SELECT sum(orig_bytes), sum(resp_bytes), sum(flows) FROM argus_flows").get(0);
            assertEquals(csvFlowBytes, flows.getLong(1) + flows.getLong(2), "flow bytes both ways, aggregated per 30 s");
            assertEquals(csvRows, flows.getLong(3), "one CSV row per flow and window");
            List<JsonArray> srcs = influx.rows("SHOW TAG VALUES FROM argus_flows WITH KEY = src");
            assertTrue(srcs.stream().allMatch(r -> r.getString(1).startsWith("ip_")), "pseudonyms, as in the CSVs: " + srcs);
            // the repository's Grafana dashboard: every query runs on this data without an error
            JsonObject dashboard = new JsonObject(Files.readString(Path.of("grafana/argus-influxdb.json")));
            int queries = 0;
            for (Object panel : dashboard.getJsonArray("panels")) {
                for (Object t : ((JsonObject) panel).getJsonArray("targets")) {
                    String q = dashboardQuery(((JsonObject) t).getString("query"));
                    JsonObject result = influx.query(q, false).getJsonArray("results").getJsonObject(0);
                    assertTrue(result.getString("error") == null, ((JsonObject) panel).getString("title") + ": " + q + " → " + result.encode());
                    queries++;
                }
            }
            assertTrue(queries >= 10, "queries: " + queries);
            assertTrue(!influx.rows(dashboardQuery(dashboard.getJsonArray("panels").getJsonObject(8).getJsonArray("targets").getJsonObject(0)
                    .getString("query"))).isEmpty(), "top talkers found");
        }
    }

    /** A dashboard query as Grafana would send it for the capture's years (1kxun.pcap spans 2016 and 2022), daily. */
    private static String dashboardQuery(String q) {
        return q.replace("$timeFilter", "time >= '2016-01-01T00:00:00Z' AND time < '2023-01-01T00:00:00Z'").replace("$sensor", ".*")
                .replace("$__interval", "1d");
    }

    @Test
    void aServerStoppedMidRunAndStartedAgainMissesNothing() throws Exception {
        List<FlowWindow> windows = new ArrayList<>();
        WindowAssembler.readFile(SHARED.resolve("gnutella.pcap"), FlowSettings.defaults(), 512, new FlowStats(), windows::add);
        assertTrue(windows.size() > 10, "windows: " + windows.size());
        try (Influxd influx = new Influxd(dir)) {
            InfluxSettings s = new InfluxSettings(true, "http://127.0.0.1:" + influx.port, InfluxSettings.Api.V1, "argus", "", "", "", "",
                    "", "", Duration.ofMinutes(1), false, 20, Duration.ofSeconds(1), 16L << 20, dir.resolve("queue"), Duration.ofSeconds(2), 10_000);
            InfluxStats stats = new InfluxStats();
            InfluxExporter ex = new InfluxExporter(s, "it", "salt", new InfluxWriter(s)::send, stats, Clock.systemUTC());
            int half = windows.size() / 2;
            for (FlowWindow w : windows.subList(0, half)) {
                ex.onWindow(w);
            }
            ex.tick(Map::of);
            influx.stop();
            for (FlowWindow w : windows.subList(half, windows.size())) {
                ex.onWindow(w);
            }
            ex.tick(Map::of);
            assertTrue(stats.queuedBatches.get() > 0, "batches wait on disk while the server is down");
            assertTrue(stats.errors.sum() > 0);
            influx.start();
            assertTrue(SensorProcess.eventually(Duration.ofSeconds(90), () -> {
                try {
                    ex.tick(Map::of);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return stats.queuedBatches.get() == 0;
            }), "the queue drains once the server is back: " + stats.toJson());
            ex.close();
            assertEquals(0, stats.pointsDropped.sum() + stats.pointsRejected.sum(), stats.toJson().encode());
            long packets = windows.stream().mapToLong(w -> w.totals().packets()).sum();
            long flowPackets = windows.stream().flatMap(w -> w.flows().stream()).mapToLong(FlowRecord::packets).sum();
            JsonArray sums = influx.rows("SELECT count(packets), sum(packets) FROM argus_window").get(0);
            assertEquals(windows.size(), sums.getLong(1), "every window");
            assertEquals(packets, sums.getLong(2));
            JsonArray fl = influx.rows("SELECT sum(orig_packets), sum(resp_packets) FROM argus_flows").get(0);
            assertEquals(flowPackets, fl.getLong(1) + fl.getLong(2), "every flow's packets");
        }
    }
}
