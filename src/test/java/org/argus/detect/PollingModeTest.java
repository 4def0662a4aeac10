package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
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
import org.argus.VertxWait;
import org.argus.status.SensorHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prediction verticle in CSV-polling mode on a real Vert.x: Retina CSVs written by the real rotator from a real
 * scan capture are each processed once, across a restart, and yield the same port-scan decision (about the
 * scanner's pseudonym); a file that is not a Retina CSV is given up on after {@code max_poll_errors} polls.
 */
@ExtendWith(VertxExtension.class)
class PollingModeTest {
    private Vertx vertx;
    static final String SALT = "polling-test-salt";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
    void eachCsvIsProcessedOnceAcrossRestartsAndBadFilesAreSkipped(Vertx vertx, VertxTestContext ctx) throws Exception {
        this.vertx = vertx;
        Path csv = tmp.resolve("csv"), out = tmp.resolve("out");
        Replay.run(List.of(TestData.shared().resolve("pcaps/synscan.pcapng")), FlowSettings.defaults(),
                new CsvSettings(csv, 500, Duration.ofHours(1), 0, false), SALT, 512, null, m -> { }, null);
        long files;
        try (Stream<Path> s = Files.list(csv)) {
            files = s.filter(p -> p.toString().endsWith(".csv")).count();
        }
        assertTrue(files >= 2, "the scan spans several CSV files: " + files);
        // one of them as the archive keeps it: polling reads .csv.gz too
        Path gz;
        try (Stream<Path> s = Files.list(csv)) {
            gz = s.filter(p -> p.toString().endsWith(".csv")).sorted().findFirst().orElseThrow();
        }
        try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz.resolveSibling(gz.getFileName() + ".gz")))) {
            Files.copy(gz, o);
        }
        Files.delete(gz);
        Files.writeString(csv.resolve("hermes_20100704_202500.csv"), "not,a,retina,csv\n1,2,3,4\n");

        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("salt", SALT))
                .put("model", new JsonObject().put("model_local_path", tmp.resolve("models").toString()))
                .put("polling", new JsonObject().put("enabled", true).put("csv_directory", csv.toString())
                        .put("poll_interval_seconds", 0.1).put("max_poll_errors", 2)
                        .put("state_file", tmp.resolve("state/polled.json").toString())), Map.of()));
        String scanner = new Anonymizer(SALT).anonymize(IpAddress.parse("172.16.0.8"));

        DetectionStats stats = new DetectionStats(), again = new DetectionStats(), third = new DetectionStats();
        run(c, out, stats, () -> stats.polledFiles.sum() == files && stats.polledFilesFailed.sum() == 1).compose(seen -> {
            ctx.verify(() -> {
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
            });
            // Restart: nothing is processed again; a new file is processed once.
            return run(c, out, again, () -> again.windowsScored.sum() == 0 && pollsHappened(again));
        }).compose(second -> {
            ctx.verify(() -> {
                assertEquals(List.of(), second, "processed files are remembered across restarts");
                try (Stream<Path> s = Files.list(csv)) {
                    Path first = s.filter(p -> p.getFileName().toString().matches("[a-z]+_\\d{8}_\\d{6}\\.csv"))
                            .filter(p -> !p.getFileName().toString().startsWith("hermes")).sorted().findFirst().orElseThrow();
                    Files.copy(first, csv.resolve("selene_20100704_203000.csv"));
                }
            });
            return run(c, out, third, () -> third.polledFiles.sum() == 1);
        }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            assertEquals(1, third.polledFiles.sum());
            ctx.completeNow();
        })));
    }

    private static boolean pollsHappened(DetectionStats s) {
        return s.modelVersion.get() == null; // the verticle reported at least once; windows stay at zero
    }

    /** Deploys the verticle until {@code done}, then 500 ms more (nothing more may happen), then undeploys it. */
    private Future<List<Decision>> run(ArgusConfig c, Path out, DetectionStats stats, BooleanSupplier done) {
        List<Decision> seen = new CopyOnWriteArrayList<>();
        var consumer = vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> seen.add(m.body()));
        SensorHealth health = new SensorHealth(Clock.systemUTC());
        return vertx.deployVerticle(new PredictionVerticle(c.detection(), out, false, stats, health)).compose(id ->
                VertxWait.until(vertx, Duration.ofSeconds(20), done, () -> "polling: files=" + stats.polledFiles.sum() + " failed="
                                + stats.polledFilesFailed.sum() + " windows=" + stats.windowsScored.sum())
                        .compose(v -> vertx.timer(500)) // a few more polls: nothing more may happen
                        .compose(v -> {
                            if (!done.getAsBoolean()) {
                                return Future.failedFuture("more happened after polling finished: files=" + stats.polledFiles.sum());
                            }
                            if (!"degraded".equals(health.snapshot().get(SensorHealth.PREDICTION).state())) {
                                return Future.failedFuture("no model: heuristics only, but health says " + health.snapshot());
                            }
                            return vertx.undeploy(id);
                        }))
                .compose(v -> consumer.unregister())
                .map(v -> seen);
    }
}
