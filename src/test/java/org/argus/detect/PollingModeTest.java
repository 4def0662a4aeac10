package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.argus.TestData;
import org.argus.anon.Anonymizer;
import org.argus.app.Replay;
import org.argus.bus.Addresses;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.csv.CsvSettings;
import org.argus.flow.FlowSettings;
import org.argus.flow.IpAddress;
import org.argus.status.SensorHealth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prediction verticle in CSV-polling mode on a real Vert.x: Retina CSVs written by the real rotator from a real
 * scan capture are each processed once, across a restart, and yield the same port-scan decision (about the
 * scanner's pseudonym); a file that is not a Retina CSV is given up on after {@code max_poll_errors} polls.
 */
class PollingModeTest {
    static final String SALT = "polling-test-salt";

    @TempDir
    Path tmp;
    Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachCsvIsProcessedOnceAcrossRestartsAndBadFilesAreSkipped() throws Exception {
        Path csv = tmp.resolve("csv"), out = tmp.resolve("out");
        Replay.run(List.of(TestData.shared().resolve("pcaps/synscan.pcapng")), FlowSettings.defaults(),
                new CsvSettings(csv, 500, Duration.ofHours(1), 0, false), SALT, 512, null, m -> { }, null);
        long files;
        try (Stream<Path> s = Files.list(csv)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).count();
        }
        assertTrue(files >= 2, "the scan spans several CSV files: " + files);
        Files.writeString(csv.resolve("hermes_20100704_202500.csv"), "not,a,retina,csv\n1,2,3,4\n");

        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("salt", SALT))
                .put("model", new JsonObject().put("model_local_path", tmp.resolve("models").toString()))
                .put("polling", new JsonObject().put("enabled", true).put("csv_directory", csv.toString())
                        .put("poll_interval_seconds", 0.1).put("max_poll_errors", 2)
                        .put("state_file", tmp.resolve("state/polled.json").toString())), Map.of()));
        String scanner = new Anonymizer(SALT).anonymize(IpAddress.parse("172.16.0.8"));

        DetectionStats stats = new DetectionStats();
        List<Decision> seen = run(c, out, stats, () -> stats.polledFiles.sum() == files && stats.polledFilesFailed.sum() == 1);
        List<Decision> high = seen.stream().filter(d -> d.risk() == Risk.HIGH).toList();
        assertTrue(high.stream().anyMatch(d -> d.addressText().equals(scanner) && d.detector().equals(Heuristics.PORT_SCAN)
                && d.anonymized()), "port scan found on the CSVs, named by pseudonym: " + high);
        assertTrue(high.stream().allMatch(d -> d.addressText().equals(scanner)), "nobody else: " + high);
        String lines;
        try (Stream<Path> s = Files.list(out)) {
            Path log = s.filter(p -> p.getFileName().toString().startsWith("decisions-")).findFirst().orElseThrow();
            lines = Files.readString(log);
        }
        assertEquals(seen.size(), lines.lines().count(), "every decision written once");
        assertTrue(lines.contains("\"address_anonymized\":true"));
        JsonObject state = new JsonObject(Files.readString(tmp.resolve("state/polled.json")));
        assertEquals(files, state.getJsonObject("processed").size());
        assertTrue(state.getJsonObject("failed").getString("hermes_20100704_202500.csv").contains("not a Retina CSV"));

        // Restart: nothing is processed again; a new file is processed once.
        DetectionStats again = new DetectionStats();
        List<Decision> second = run(c, out, again, () -> again.windowsScored.sum() == 0 && pollsHappened(again));
        assertEquals(List.of(), second, "processed files are remembered across restarts");
        try (Stream<Path> s = Files.list(csv)) {
            Path first = s.filter(p -> p.getFileName().toString().matches("[a-z]+_\\d{8}_\\d{6}\\.csv"))
                    .filter(p -> !p.getFileName().toString().startsWith("hermes")).sorted().findFirst().orElseThrow();
            Files.copy(first, csv.resolve("selene_20100704_203000.csv"));
        }
        DetectionStats third = new DetectionStats();
        run(c, out, third, () -> third.polledFiles.sum() == 1);
        assertEquals(1, third.polledFiles.sum());
    }

    private static boolean pollsHappened(DetectionStats s) {
        return s.modelVersion.get() == null; // the verticle reported at least once; windows stay at zero
    }

    private List<Decision> run(ArgusConfig c, Path out, DetectionStats stats, BooleanSupplier done) throws Exception {
        List<Decision> seen = new CopyOnWriteArrayList<>();
        var consumer = vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> seen.add(m.body()));
        SensorHealth health = new SensorHealth(Clock.systemUTC());
        String id = vertx.deployVerticle(new PredictionVerticle(c.detection(), out, false, stats, health)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // a few more polls: nothing more may happen
        assertTrue(done.getAsBoolean(), "polling finished; stats: files=" + stats.polledFiles.sum() + " failed="
                + stats.polledFilesFailed.sum() + " windows=" + stats.windowsScored.sum());
        assertEquals("degraded", health.snapshot().get(SensorHealth.PREDICTION).state(), "no model: heuristics only");
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        consumer.unregister();
        return seen;
    }
}
