package org.argus.blacklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import org.argus.bus.Addresses;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.detect.Role;
import org.argus.flow.IpAddress;
import org.argus.status.SensorHealth;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blacklist verticle on a real Vert.x and a real SQLite file: which decisions become bans (risk policy, role,
 * allowlist, pseudonyms), and the request API's answers (400 bad input, 409 allowlisted). Driven through the bus only,
 * with {@link VertxTestContext}: assertions run in {@code ctx.verify}, nothing sleeps.
 */
@ExtendWith(VertxExtension.class)
class BlacklistVerticleTest {
    @TempDir
    Path dir;
    final BlacklistStats stats = new BlacklistStats();
    final List<BanChange> changes = new CopyOnWriteArrayList<>();

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

    /** Deploys the verticle; {@code onChange} sees every published change. */
    private Future<Void> start(Vertx vertx, BlacklistSettings s, Runnable onChange) {
        Allowlist allow = Allowlist.discover(s.allowlist(), dir.resolve("no-proc"), dir.resolve("no-resolv"));
        return vertx.deployVerticle(new BlacklistVerticle(s, new BanPolicy(s, allow), stats, new SensorHealth(Clock.systemUTC()),
                        Clock.systemUTC()))
                .compose(id -> vertx.eventBus().<BanChange>consumer(Addresses.BAN_CHANGED, m -> {
                    changes.add(m.body());
                    onChange.run();
                }).completion());
    }

    @Test
    void decisionsBecomeBansByPolicyAndVictimsOnlyRaiseAlerts(Vertx vertx, VertxTestContext ctx) throws Exception {
        BlacklistSettings s = settings(dir, new JsonObject().put("allowlist", new JsonArray().add("10.99.0.0/16"))
                .put("ban_ttl_hours", new JsonObject().put("medium", 2)));
        Promise<Void> threeAdded = Promise.promise(), renewed = Promise.promise();
        var bus = vertx.eventBus();
        start(vertx, s, () -> {
            if (changes.size() == 3) {
                threeAdded.tryComplete();
            } else if (changes.size() == 4) {
                renewed.tryComplete();
            }
        }).compose(v -> {
            bus.publish(Addresses.DECISION, decision("198.51.100.7", Role.ATTACKER, Risk.HIGH, false));
            bus.publish(Addresses.DECISION, decision("2001:db8::7", Role.ATTACKER, Risk.HIGH, false));
            bus.publish(Addresses.DECISION, decision("198.51.100.8", Role.ATTACKER, Risk.MEDIUM, false));
            bus.publish(Addresses.DECISION, decision("198.51.100.6", Role.ATTACKER, Risk.LOW, false));
            bus.publish(Addresses.DECISION, decision("198.51.100.9", Role.VICTIM, Risk.HIGH, false));
            bus.publish(Addresses.DECISION, decision("2001:db8::ff", Role.ATTACKER, Risk.HIGH, true));
            bus.publish(Addresses.DECISION, decision("10.99.1.1", Role.ATTACKER, Risk.HIGH, false));
            return threeAdded.future();
        }).compose(v -> {
            bus.publish(Addresses.DECISION, decision("198.51.100.7", Role.ATTACKER, Risk.HIGH, false));
            return renewed.future();
        }).compose(v -> bus.<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null)).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
            assertEquals(List.of("ADDED 198.51.100.7", "ADDED 2001:db8::7", "ADDED 198.51.100.8", "RENEWED 198.51.100.7"),
                    changes.stream().map(c -> c.kind() + " " + c.ban().target()).toList());
            Map<String, Ban> byAddress = new java.util.HashMap<>();
            reply.body().bans().forEach(b -> byAddress.put(b.target().toString(), b));
            assertEquals(Duration.ofHours(2), Duration.between(byAddress.get("198.51.100.8").createdAt(),
                    byAddress.get("198.51.100.8").expiresAt()), "medium bans for the configured 2 h");
            // Renewed by the second decision: now + 24 h again, a second later when the clock crossed a second between them.
            Duration high = Duration.between(byAddress.get("198.51.100.7").createdAt(), byAddress.get("198.51.100.7").expiresAt());
            assertTrue(!high.minusHours(24).isNegative() && high.minusHours(24).toSeconds() <= 2, "high bans for 24 h: " + high);
            assertEquals("detector:port_scan", byAddress.get("198.51.100.7").source().text());
            assertEquals(2, byAddress.get("198.51.100.7").hits());
            assertEquals(1, stats.victimAlerts.sum(), "the victim is an alert, not a ban");
            assertEquals(1, stats.decisionsNotBanned.sum(), "a pseudonym cannot be banned");
            assertEquals(1, stats.bansRefused.sum(), "the allowlisted CIDR is refused");
            assertEquals(3, stats.bansActive.get());
            ctx.completeNow();
        })));
    }

    @Test
    void requestsAnswerWithCodesAnOperatorCanActOn(Vertx vertx, VertxTestContext ctx) throws Exception {
        BlacklistSettings s = settings(dir, new JsonObject().put("allowlist", new JsonArray().add("10.99.0.0/16")));
        Checkpoint addedAndRemoved = ctx.checkpoint(2), verified = ctx.checkpoint();
        var bus = vertx.eventBus();
        List<Integer> codes = new CopyOnWriteArrayList<>();
        start(vertx, s, addedAndRemoved::flag)
                .compose(v -> bus.<Ban>request(Addresses.BLACKLIST_ADD,
                        new BanRequest("203.0.113.0/24", "manual", "medium", Duration.ofHours(5), BanSource.OPERATOR)))
                .compose(reply -> {
                    ctx.verify(() -> {
                        assertEquals("203.0.113.0/24", reply.body().target().toString());
                        assertEquals(Duration.ofHours(5), Duration.between(reply.body().createdAt(), reply.body().expiresAt()),
                                "an explicit TTL is taken as given");
                    });
                    Future<?> f = Future.succeededFuture();
                    for (BanRequest r : List.of(new BanRequest("nope", "", "high", null, BanSource.OPERATOR),
                            new BanRequest("203.0.113.9", "", "severe", null, BanSource.OPERATOR),
                            new BanRequest("10.99.0.0/8", "", "high", null, BanSource.OPERATOR),
                            new BanRequest("::1", "", "high", null, BanSource.OPERATOR))) {
                        f = f.compose(x -> bus.request(Addresses.BLACKLIST_ADD, r).transform(ar -> {
                            codes.add(ar.succeeded() ? 200 : ((ReplyException) ar.cause()).failureCode());
                            return Future.succeededFuture();
                        }));
                    }
                    return f;
                })
                .compose(v -> bus.<Boolean>request(Addresses.BLACKLIST_REMOVE, "203.0.113.0/24"))
                .compose(first -> bus.<Boolean>request(Addresses.BLACKLIST_REMOVE, "203.0.113.0/24").map(second -> List.of(first.body(), second.body())))
                .onComplete(ctx.succeeding(removals -> ctx.verify(() -> {
                    assertEquals(List.of(400, 400, 409, 409), codes, "bad address, bad risk; a block holding an allowlisted CIDR, loopback");
                    assertEquals(List.of(true, false), removals, "removed once, then not banned");
                    assertEquals("ADDED", changes.get(0).kind().name());
                    verified.flag();
                })));
    }
}
