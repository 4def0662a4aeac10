package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.argus.VertxWait;
import org.argus.bus.Addresses;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.flow.FlowWindow;
import org.argus.gen.CaptureGenerator;
import org.argus.status.SensorHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live learning period on a real Vert.x: windows of the project's generated office traffic arrive on
 * {@code argus.window.closed}; for the first 3 minutes of packet time the sensor runs on heuristics and says it is
 * learning; then it trains, writes a model and card, and scores the following windows with it — none dropped.
 */
@ExtendWith(VertxExtension.class)
class LearningPeriodTest {
    @TempDir
    Path tmp;

    @Test
    @io.vertx.junit5.Timeout(value = 90, timeUnit = java.util.concurrent.TimeUnit.SECONDS)
    void learnsABaselineThenSwitchesToItWithoutDroppingWindows(Vertx vertx, VertxTestContext ctx) throws Exception {
        Path capture = tmp.resolve("office.pcap");
        CaptureGenerator.write(capture, 4000, 5, 1_700_000_000L, 600, true);
        List<FlowWindow> windows = WindowsOf.read(capture);
        Path models = tmp.resolve("models");
        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("generate_salt", true))
                .put("model", new JsonObject().put("model_local_path", models.toString()).put("learning_hours", 0.05)
                        .put("min_model_age_hours", 5)), Map.of()));
        DetectionStats stats = new DetectionStats();
        SensorHealth health = new SensorHealth(Clock.systemUTC());
        List<Decision> decisions = new CopyOnWriteArrayList<>();
        vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> decisions.add(m.body()));
        vertx.deployVerticle(new PredictionVerticle(c.detection(), tmp.resolve("out"), false, stats, health)).compose(id -> {
            ctx.verify(() -> {
                assertEquals("learning", health.snapshot().get(SensorHealth.PREDICTION).state());
                assertNull(stats.modelVersion.get());
            });
            for (FlowWindow w : windows) {
                vertx.eventBus().publish(Addresses.WINDOW_CLOSED, w);
            }
            return VertxWait.until(vertx, Duration.ofSeconds(30), () -> stats.windowsScored.sum() >= windows.size(),
                    () -> stats.windowsScored.sum() + " of " + windows.size() + " windows scored");
        }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            assertEquals(windows.size(), stats.windowsScored.sum(), "every window scored, none dropped during training");
            assertNotNull(stats.modelVersion.get(), "switched to its own model: " + health.snapshot());
            assertEquals("running", health.snapshot().get(SensorHealth.PREDICTION).state());
            try (var s = Files.list(models)) {
                assertEquals(2, s.count(), "model file and card written");
            }
            long learningEnd = windows.get(0).startNanos() + 180_000_000_000L;
            assertTrue(decisions.stream().filter(d -> d.windowStartNanos() < learningEnd).allMatch(d -> d.modelVersion() == null),
                    "heuristics only while learning");
            assertTrue(decisions.stream().filter(d -> d.windowStartNanos() > learningEnd + 5_000_000_000L)
                    .allMatch(d -> stats.modelVersion.get().equals(d.modelVersion())), "the new model afterwards");
            assertTrue(stats.modelFlowsScored.sum() > 0);
            ctx.completeNow();
        })));
    }
}
