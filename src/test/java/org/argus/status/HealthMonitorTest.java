package org.argus.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Alerts from readings (thresholds, severity, cooldown, resolution) and their webhook with retries on a real HTTP server. */
class HealthMonitorTest {
    static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
    static final HealthMonitor.Settings SETTINGS = new HealthMonitor.Settings(1.0, 1000, Duration.ofMinutes(5), true, true, "", 3);
    static final long MIB = 1 << 20;

    static HealthMonitor.Reading reading(long packets, long dropped, long queued, Boolean up, long free, String model,
                                         Map<String, ComponentState> components) {
        return new HealthMonitor.Reading(packets, dropped, queued, up, "eth0", free, 64 * MIB, true, model, components);
    }

    @Test
    void thresholdsRaiseAlertsOncePerCooldownAndTheyResolve() {
        HealthMonitor m = new HealthMonitor(SETTINGS);
        Map<String, ComponentState> fine = Map.of("capture", ComponentState.ok("running", "", 0));
        assertTrue(m.check(reading(1000, 0, 0, true, 500 * MIB, "v1", fine), T0).raised().isEmpty(), "first reading: a baseline");
        // 30 lost of 1030 since the last check: 2.9 % > 1 %; a queue of 5000; disk at 100 MiB (< 2 x 64); no model.
        HealthMonitor.Changes c = m.check(reading(2000, 30, 5000, true, 100 * MIB, null, fine), T0.plusSeconds(5));
        assertEquals(List.of("packet_loss", "queue", "disk", "model_missing"), c.raised().stream().map(Alert::name).toList());
        Alert loss = c.raised().get(0);
        assertEquals("critical", loss.severity());
        assertTrue(loss.message().contains("2.91%") && loss.message().contains("health.max_drop_rate_percent"), loss.message());
        assertEquals("warning", c.raised().get(2).severity(), "disk below twice the floor: warning");

        // Still lossy 5 s later: active, but not announced again within the cooldown; the disk worsens: escalated now.
        c = m.check(reading(3000, 60, 5000, true, 10 * MIB, null, fine), T0.plusSeconds(10));
        assertEquals(List.of("disk"), c.raised().stream().map(Alert::name).toList());
        assertEquals("critical", c.raised().get(0).severity());
        assertTrue(c.raised().get(0).message().contains("CSV writing is paused"));
        assertEquals(4, m.active().size());
        assertEquals(T0.plusSeconds(5), m.active().get(0).since(), "the episode keeps its start");

        // After the cooldown it is announced again.
        c = m.check(reading(4000, 90, 5000, true, 10 * MIB, null, fine), T0.plusSeconds(5 + 300));
        assertTrue(c.raised().stream().anyMatch(a -> a.name().equals("packet_loss")));

        // Everything recovers; the interface goes down; a component fails.
        Map<String, ComponentState> broken = Map.of("blacklist", ComponentState.bad("failing", "database corrupt", 0),
                "capture", ComponentState.bad("starting", "", 0));
        c = m.check(reading(5000, 90, 0, false, 500 * MIB, "v1", broken), T0.plusSeconds(320));
        assertEquals(List.of("packet_loss", "queue", "disk", "model_missing"), c.resolved().stream().map(Alert::name).toList());
        assertEquals(List.of("interface_down", "component:blacklist"), c.raised().stream().map(Alert::name).toList(),
                "a component still starting is not an alert");
        assertTrue(c.raised().get(1).message().contains("database corrupt"));
    }

    @Test
    @ExtendWith(VertxExtension.class)
    void theWebhookGetsRaisedAndResolvedAlertsRetryingAFailure(Vertx vertx, VertxTestContext ctx) {
        AtomicInteger calls = new AtomicInteger();
        Checkpoint raisedOnRetry = ctx.checkpoint(), resolved = ctx.checkpoint();
        HealthStats stats = new HealthStats();
        SensorHealth health = new SensorHealth(Clock.systemUTC());
        health.expect("blacklist");
        health.set("blacklist", false, "failing", "database corrupt");
        vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                req.response().setStatusCode(500).end(); // the first try fails
                return;
            }
            req.response().setStatusCode(204).end();
            JsonObject alert = b.toJsonObject();
            ctx.verify(() -> {
                assertEquals("component:blacklist", alert.getString("alert"));
                assertEquals("pi-1", alert.getString("sensor"));
                if (call == 2) {
                    assertEquals("raised", alert.getString("state"), "delivered on the second try");
                    assertEquals("critical", alert.getString("severity"));
                    assertEquals(1, stats.alerts.get().size());
                    raisedOnRetry.flag();
                    health.set("blacklist", true, "ok", "");
                } else {
                    assertEquals(3, call, "raised once, resolved once: nothing more");
                    assertEquals("resolved", alert.getString("state"));
                    assertTrue(stats.alerts.get().isEmpty());
                    resolved.flag();
                }
            });
        })).listen(0, "127.0.0.1").compose(server -> {
            HealthMonitor.Settings s = new HealthMonitor.Settings(1.0, 1000, Duration.ofMinutes(5), true, true,
                    "http://127.0.0.1:" + server.actualPort() + "/hook", 3);
            return vertx.deployVerticle(new HealthMonitorVerticle(s, stats, () -> new HealthMonitorVerticle.Counters(0, 0, 0, "v1"),
                    JsonObject::new, health, "pi-1", null, null, 0, d -> -1, 100));
        }).onComplete(ctx.succeeding(id -> { }));
    }
}
