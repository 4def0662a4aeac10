package org.argus.blacklist;

import static org.argus.blacklist.BlacklistStoreTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.argus.bus.Addresses;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.detect.Role;
import org.argus.flow.IpAddress;
import org.argus.status.SensorHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blacklist verticle on a real Vert.x and a real SQLite file: which decisions become bans (risk policy, role,
 * allowlist, pseudonyms), and the request API's answers (400 bad input, 409 allowlisted).
 */
class BlacklistVerticleTest {
    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();
    final BlacklistStats stats = new BlacklistStats();
    final List<BanChange> changes = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    static BlacklistSettings settings(Path dir, JsonObject enforcement) throws Exception {
        JsonObject user = new JsonObject().put("anonymization", new JsonObject().put("generate_salt", true))
                .put("enforcement", enforcement.put("blacklist_db_path", dir.resolve("b.db").toString())
                        .put("emergency_stop_file", dir.resolve("stop").toString()));
        return ArgusConfig.from(ConfigLoader.merge(user, Map.of())).blacklist();
    }

    private static Decision decision(String address, Role role, Risk risk, boolean anonymized) {
        return new Decision(0, IpAddress.parse(address), address, anonymized, role, risk, 0.95, "port_scan",
                List.of("port_scan"), List.of("60 ports probed"), List.of(), null);
    }

    private void start(BlacklistSettings s) throws Exception {
        Allowlist allow = Allowlist.discover(s.allowlist(), dir.resolve("no-proc"), dir.resolve("no-resolv"));
        await(vertx.deployVerticle(new BlacklistVerticle(s, new BanPolicy(s, allow), stats, new SensorHealth(Clock.systemUTC()), Clock.systemUTC())));
        vertx.eventBus().<BanChange>consumer(Addresses.BAN_CHANGED, m -> changes.add(m.body()));
    }

    private void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 100 && !c.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void decisionsBecomeBansByPolicyAndVictimsOnlyRaiseAlerts() throws Exception {
        start(settings(dir, new JsonObject().put("allowlist", new JsonArray().add("10.99.0.0/16"))
                .put("ban_ttl_hours", new JsonObject().put("medium", 2))));
        var bus = vertx.eventBus();
        bus.publish(Addresses.DECISION, decision("198.51.100.7", Role.ATTACKER, Risk.HIGH, false));
        bus.publish(Addresses.DECISION, decision("2001:db8::7", Role.ATTACKER, Risk.HIGH, false));
        bus.publish(Addresses.DECISION, decision("198.51.100.8", Role.ATTACKER, Risk.MEDIUM, false));
        bus.publish(Addresses.DECISION, decision("198.51.100.6", Role.ATTACKER, Risk.LOW, false));
        bus.publish(Addresses.DECISION, decision("198.51.100.9", Role.VICTIM, Risk.HIGH, false));
        bus.publish(Addresses.DECISION, decision("2001:db8::ff", Role.ATTACKER, Risk.HIGH, true));
        bus.publish(Addresses.DECISION, decision("10.99.1.1", Role.ATTACKER, Risk.HIGH, false));
        waitFor(() -> changes.size() >= 3);
        bus.publish(Addresses.DECISION, decision("198.51.100.7", Role.ATTACKER, Risk.HIGH, false));
        waitFor(() -> changes.size() >= 4);

        assertEquals(List.of("ADDED 198.51.100.7", "ADDED 2001:db8::7", "ADDED 198.51.100.8", "RENEWED 198.51.100.7"),
                changes.stream().map(c -> c.kind() + " " + c.ban().target()).toList());
        BlacklistSnapshot snap = (BlacklistSnapshot) await(bus.request(Addresses.BLACKLIST_LIST, null)).body();
        Map<String, Ban> byAddress = new java.util.HashMap<>();
        snap.bans().forEach(b -> byAddress.put(b.target().toString(), b));
        assertEquals(Duration.ofHours(2), Duration.between(byAddress.get("198.51.100.8").createdAt(), byAddress.get("198.51.100.8").expiresAt()),
                "medium bans for the configured 2 h");
        // Renewed by the second decision: now + 24 h again, which is a second later when the clock crossed a second between them.
        Duration high = Duration.between(byAddress.get("198.51.100.7").createdAt(), byAddress.get("198.51.100.7").expiresAt());
        assertTrue(!high.minusHours(24).isNegative() && high.minusHours(24).toSeconds() <= 2, "high bans for 24 h: " + high);
        assertEquals("detector:port_scan", byAddress.get("198.51.100.7").source().text());
        assertEquals(2, byAddress.get("198.51.100.7").hits());
        assertEquals(1, stats.victimAlerts.sum(), "the victim is an alert, not a ban");
        assertEquals(1, stats.decisionsNotBanned.sum(), "a pseudonym cannot be banned");
        assertEquals(1, stats.bansRefused.sum(), "the allowlisted CIDR is refused");
        assertEquals(3, stats.bansActive.get());
    }

    @Test
    void requestsAnswerWithCodesAnOperatorCanActOn() throws Exception {
        start(settings(dir, new JsonObject().put("allowlist", new JsonArray().add("10.99.0.0/16"))));
        var bus = vertx.eventBus();
        Ban b = (Ban) await(bus.request(Addresses.BLACKLIST_ADD, new BanRequest("203.0.113.0/24", "manual", "medium", Duration.ofHours(5), BanSource.OPERATOR))).body();
        assertEquals("203.0.113.0/24", b.target().toString());
        assertEquals(Duration.ofHours(5), Duration.between(b.createdAt(), b.expiresAt()), "an explicit TTL is taken as given");
        assertEquals(400, failure(() -> bus.request(Addresses.BLACKLIST_ADD, new BanRequest("nope", "", "high", null, BanSource.OPERATOR))));
        assertEquals(400, failure(() -> bus.request(Addresses.BLACKLIST_ADD, new BanRequest("203.0.113.9", "", "severe", null, BanSource.OPERATOR))));
        assertEquals(409, failure(() -> bus.request(Addresses.BLACKLIST_ADD, new BanRequest("10.99.0.0/8", "", "high", null, BanSource.OPERATOR))),
                "a block that contains an allowlisted CIDR is refused too");
        assertEquals(409, failure(() -> bus.request(Addresses.BLACKLIST_ADD, new BanRequest("::1", "", "high", null, BanSource.OPERATOR))));
        assertEquals(true, await(bus.request(Addresses.BLACKLIST_REMOVE, "203.0.113.0/24")).body());
        assertEquals(false, await(bus.request(Addresses.BLACKLIST_REMOVE, "203.0.113.0/24")).body());
        waitFor(() -> changes.size() >= 2);
        assertEquals(List.of("ADDED", "REMOVED"), changes.stream().map(c -> c.kind().name()).toList());
    }

    private interface Call {
        io.vertx.core.Future<?> run();
    }

    private static int failure(Call c) throws Exception {
        try {
            await(c.run());
            return 200;
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof ReplyException, e.toString());
            return ((ReplyException) e.getCause()).failureCode();
        }
    }
}
