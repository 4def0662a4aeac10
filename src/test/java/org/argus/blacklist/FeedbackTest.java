package org.argus.blacklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.argus.TestClock;
import org.argus.bus.Addresses;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.detect.Role;
import org.argus.flow.IpAddress;
import org.argus.status.SensorHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's false positive on a real Vert.x and SQLite file, time on a fake clock: the ban is lifted (published as
 * removed), the detector's next decision about the address is refused while the allowlist entry lasts, is banned
 * again once it ended, and the entry survives a restart; a true positive is only recorded.
 */
class FeedbackTest {
    @TempDir
    Path dir;
    final TestClock clock = new TestClock(Instant.parse("2026-12-02T12:00:00Z"));
    final List<BanChange> changes = new CopyOnWriteArrayList<>();
    Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static Decision decision(String address) {
        return new Decision(0, IpAddress.parse(address), address, false, Role.ATTACKER, Risk.HIGH, 0.95, "port_scan",
                List.of("port_scan"), List.of("60 ports probed"), List.of(), null);
    }

    BlacklistStats start() throws Exception {
        BlacklistSettings s = BlacklistVerticleTest.settings(dir, new JsonObject());
        Allowlist allow = Allowlist.discover(s.allowlist(), dir.resolve("no-proc"), dir.resolve("no-resolv")).clock(clock);
        BlacklistStats stats = new BlacklistStats();
        vertx.deployVerticle(new BlacklistVerticle(s, new BanPolicy(s, allow), stats, new SensorHealth(clock), clock))
                .await(10, TimeUnit.SECONDS);
        vertx.eventBus().<BanChange>consumer(Addresses.BAN_CHANGED, m -> changes.add(m.body())).completion().await(10, TimeUnit.SECONDS);
        return stats;
    }

    List<Ban> bans() throws Exception {
        return vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null).await(10, TimeUnit.SECONDS).body().bans();
    }

    boolean banned(String address) throws Exception {
        return bans().stream().anyMatch(b -> b.target().toString().equals(address));
    }

    void decide(String address) throws Exception {
        vertx.eventBus().publish(Addresses.DECISION, decision(address));
        Thread.sleep(300); // the verticle stores it; nothing to await on a publish
    }

    JsonObject feedback(FeedbackRequest f) throws Exception {
        return vertx.eventBus().<JsonObject>request(Addresses.FEEDBACK, f).await(10, TimeUnit.SECONDS).body();
    }

    @Test
    void aFalsePositiveLiftsTheBanAndAllowlistsForAWhileEvenAcrossARestart() throws Exception {
        BlacklistStats stats = start();
        decide("203.0.113.9");
        assertTrue(banned("203.0.113.9"));
        String id = decision("203.0.113.9").id();
        JsonObject r = feedback(new FeedbackRequest(id, BanTarget.parse("203.0.113.9"), true, Duration.ofDays(7), "our backup server"));
        assertEquals(true, r.getBoolean("ban_lifted"), r.encode());
        assertEquals("2026-12-09T12:00:00Z", r.getString("allowlisted_until"));
        assertTrue(!banned("203.0.113.9"), "lifted at once");
        assertTrue(changes.stream().anyMatch(c -> c.kind() == BanChange.Kind.REMOVED && c.ban().target().toString().equals("203.0.113.9")),
                "published, so enforcement and peers follow");
        assertEquals(1, stats.feedbackFalsePositives.sum());

        decide("203.0.113.9");
        assertTrue(!banned("203.0.113.9"), "the next decision is refused while the entry lasts");

        System.out.println("BEFORE RESTART " + bans());
        vertx.close().await(10, TimeUnit.SECONDS); // a restart: the entry comes back from the database
        vertx = Vertx.vertx();
        changes.clear();
        start();
        System.out.println("AFTER RESTART " + bans());
        clock.advance(Duration.ofDays(6));
        decide("203.0.113.9");
        assertTrue(!banned("203.0.113.9"), "still allowlisted after a restart, on day 6");
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        decide("203.0.113.9");
        assertTrue(banned("203.0.113.9"), "the entry ended on day 7: banned again");

        JsonArray list = vertx.eventBus().<JsonArray>request(Addresses.FEEDBACK_LIST, null).await(10, TimeUnit.SECONDS).body();
        assertEquals(1, list.size());
        assertEquals(id, list.getJsonObject(0).getString("decision_id"));
        assertEquals("false_positive", list.getJsonObject(0).getString("verdict"));
        assertEquals("our backup server", list.getJsonObject(0).getString("note"));
    }

    @Test
    void aTruePositiveIsRecordedAndChangesNothingElse() throws Exception {
        BlacklistStats stats = start();
        decide("198.51.100.7");
        JsonObject r = feedback(new FeedbackRequest(null, BanTarget.parse("198.51.100.7"), false, Duration.ZERO, ""));
        assertEquals(false, r.getBoolean("ban_lifted"));
        assertNull(r.getString("allowlisted_until"));
        assertTrue(banned("198.51.100.7"));
        assertEquals(1, stats.feedbackTruePositives.sum());
        JsonObject none = feedback(new FeedbackRequest(null, BanTarget.parse("192.0.2.1"), true, Duration.ZERO, "never banned"));
        assertEquals(false, none.getBoolean("ban_lifted"), "a false positive on an address without a ban is recorded all the same");
    }

    @Test
    void anUnbanSurvivesARestart() throws Exception {
        start();
        decide("203.0.113.50");
        assertTrue(banned("203.0.113.50"));
        assertEquals(true, vertx.eventBus().<Boolean>request(Addresses.BLACKLIST_REMOVE, "203.0.113.50").await(10, TimeUnit.SECONDS).body());
        assertTrue(!banned("203.0.113.50"));
        vertx.close().await(10, TimeUnit.SECONDS);
        vertx = Vertx.vertx();
        start();
        assertTrue(!banned("203.0.113.50"), "still unbanned after a restart: " + bans());
    }

    @Test
    void aDecisionsIdIsStable() {
        assertEquals(decision("203.0.113.9").id(), decision("203.0.113.9").id());
        assertTrue(decision("203.0.113.9").id().matches("d-[0-9a-f]{16}"));
        assertTrue(!decision("203.0.113.9").id().equals(decision("203.0.113.10").id()));
        assertEquals(decision("203.0.113.9").id(), decision("203.0.113.9").toJson().getString("id"));
    }

    @Test
    void aDecisionIsFoundByIdInTheDecisionFiles() throws Exception {
        try (org.argus.detect.DecisionLog log = new org.argus.detect.DecisionLog(dir, false)) {
            log.write(List.of(decision("203.0.113.9"), decision("198.51.100.7")));
        }
        assertEquals("198.51.100.7", org.argus.detect.DecisionLog.find(dir, decision("198.51.100.7").id(), 31));
        assertNull(org.argus.detect.DecisionLog.find(dir, decision("192.0.2.1").id(), 31));
        assertNull(org.argus.detect.DecisionLog.find(dir, "not-an-id", 31));
    }
}
