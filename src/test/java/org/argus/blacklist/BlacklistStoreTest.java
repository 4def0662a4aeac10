package org.argus.blacklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.argus.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite blacklist on a real file: TTLs, renewals, escalation, sweep, persistence, first start, corruption. */
class BlacklistStoreTest {
    static final BlacklistStore.Policy POLICY = new BlacklistStore.Policy(Duration.ofHours(24), 2, Duration.ofHours(72));

    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();
    final TestClock clock = new TestClock(Instant.parse("2026-11-22T12:00:00Z"));

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void bansRenewEscalateExpireAndSurviveAReopen() throws Exception {
        Path db = dir.resolve("blacklist.db");
        BlacklistStore s = await(BlacklistStore.open(vertx, db, POLICY, clock));
        Instant first = await(s.firstStart());
        BanTarget scanner = BanTarget.parse("192.0.2.7"), net = BanTarget.parse("2001:db8:1::5/48");
        assertEquals("2001:db8:1::/48", net.toString(), "host bits cleared");
        Ban b = await(s.ban(scanner, "port scan", "high", new BanSource.Detector("port_scan"), null, true));
        assertEquals(Duration.ofHours(24), Duration.between(b.createdAt(), b.expiresAt()));
        assertEquals(1, b.offences());
        clock.advance(Duration.ofHours(1));
        Ban renewed = await(s.ban(scanner, "port scan again", "high", new BanSource.Detector("port_scan"), null, true));
        assertEquals(2, renewed.hits());
        assertEquals(clock.instant().plus(Duration.ofHours(24)), renewed.expiresAt(), "renewal pushes the expiry");
        assertEquals("port scan", renewed.reason(), "the first reason stays");
        await(s.ban(net, "manual", "high", BanSource.OPERATOR, Duration.ofHours(2), false));
        assertEquals(2, await(s.active()).size());

        await(s.close());
        s = await(BlacklistStore.open(vertx, db, POLICY, clock));
        assertEquals(first, await(s.firstStart()), "the first start is remembered (dry-run clock)");
        assertEquals(List.of("2001:db8:1::/48", "192.0.2.7"), await(s.active()).stream().map(x -> x.target().toString()).toList());

        clock.advance(Duration.ofHours(3));
        List<Ban> swept = await(s.sweep());
        assertEquals(List.of("2001:db8:1::/48"), swept.stream().map(x -> x.target().toString()).toList());
        clock.advance(Duration.ofHours(30));
        assertEquals(1, await(s.sweep()).size());
        assertTrue(await(s.active()).isEmpty(), "expired bans do not come back");

        Ban again = await(s.ban(scanner, "port scan", "high", new BanSource.Detector("port_scan"), null, true));
        assertEquals(2, again.offences());
        assertEquals(Duration.ofHours(48), Duration.between(again.createdAt(), again.expiresAt()), "repeat offender: twice as long");
        clock.advance(Duration.ofHours(49));
        await(s.sweep());
        Ban third = await(s.ban(scanner, "port scan", "high", new BanSource.Detector("port_scan"), null, true));
        assertEquals(Duration.ofHours(72), Duration.between(third.createdAt(), third.expiresAt()), "capped at the maximum");
        assertTrue(await(s.unban(scanner)));
        assertFalse(await(s.unban(scanner)), "twice is harmless");
        await(s.close());
    }

    @Test
    void actionsUpgradeNeverDowngradeAndAnOlderDatabaseGetsTheColumn() throws Exception {
        Path db = dir.resolve("old.db");
        // a database as written before actions existed
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.createStatement().execute("CREATE TABLE bans (address TEXT PRIMARY KEY, reason TEXT NOT NULL, risk TEXT NOT NULL, "
                    + "source TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, hits INTEGER NOT NULL, offences INTEGER NOT NULL)");
            c.createStatement().execute("INSERT INTO bans VALUES ('198.51.100.1', 'old', 'high', 'manual', 0, 4102444800, 1, 1)");
        }
        BlacklistStore s = await(BlacklistStore.open(vertx, db, POLICY, clock));
        assertEquals(Action.BAN, await(s.get(BanTarget.parse("198.51.100.1"))).action(), "old rows are bans");
        BanTarget t = BanTarget.parse("198.51.100.2");
        Ban rl = await(s.ban(t, "flood", "medium", BanSource.OPERATOR, null, false, Action.RATE_LIMIT));
        assertEquals(Action.RATE_LIMIT, rl.action());
        Ban up = await(s.ban(t, "scan", "high", new BanSource.Detector("port_scan"), null, true, Action.BAN));
        assertEquals(Action.BAN, up.action());
        assertEquals("scan", up.reason(), "an upgrade takes the stronger request's reason");
        assertEquals(2, up.hits());
        Ban kept = await(s.ban(t, "again", "medium", BanSource.OPERATOR, null, false, Action.RATE_LIMIT));
        assertEquals(Action.BAN, kept.action(), "a weaker request only renews");
        assertEquals(Action.BAN, await(s.get(t)).action());
        await(s.close());
    }

    @Test
    void aCorruptFileIsRefusedWithItsName() throws Exception {
        Path db = dir.resolve("broken.db");
        Files.write(db, "SQLite format 3\0 this is not a database page at all...........................".repeat(60).getBytes());
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(BlacklistStore.open(vertx, db, POLICY, clock)));
        assertTrue(e.getCause().getMessage().contains(db.toString()) && e.getCause().getMessage().contains("cannot be used"),
                e.getCause().getMessage());
    }

    @Test
    void targetsParseAndRefuseNonsense() {
        assertEquals("198.51.100.0/24", BanTarget.parse("198.51.100.77/24").toString());
        assertEquals("198.51.100.77", BanTarget.parse("198.51.100.77/32").toString());
        assertTrue(BanTarget.parse("10.0.0.0/8").contains(org.argus.flow.IpAddress.parse("10.200.3.4")));
        assertFalse(BanTarget.parse("10.0.0.0/8").contains(org.argus.flow.IpAddress.parse("11.0.0.1")));
        for (String bad : new String[] {"", "host.example", "10.0.0.1/33", "2001:db8::/129", "10.0.0.1/x"}) {
            assertThrows(IllegalArgumentException.class, () -> BanTarget.parse(bad), bad);
        }
    }
}
