package org.argus.blacklist;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The blacklist in SQLite (sqlite-jdbc through vertx-jdbc-client's {@link JDBCPool}; every write in a transaction of
 * its own, since a bare statement after a pool transaction was found uncommitted), WAL journal with
 * {@code synchronous=FULL}: bans are written a few at a time, so paying one fsync per commit is cheap, and a ban
 * then survives a power cut — which a Pi on a wall plug will see — not only a crash of the JVM ({@code NORMAL} in
 * WAL mode may lose the last commits on power loss). One connection: SQLite has one writer anyway.
 *
 * <p>Tables: {@code bans} (active and not yet swept entries, each with its {@link Action}; a database from before
 * actions gets the column at open, its rows bans), {@code offenders} (how often each target was banned,
 * kept after a ban expires so repeat offenders get longer bans, like fail2ban's {@code bantime.increment}), and
 * {@code meta} (first start, for the persisted dry-run). TTL of an offence n: {@code default_ttl · factor^(n−1)},
 * at most {@code max_ttl}.
 */
public final class BlacklistStore {
    /**
     * TTL policy.
     *
     * @param defaultTtl first-offence ban length
     * @param factor     multiplier per repeat offence (1 = no escalation)
     * @param maxTtl     longest ban
     */
    public record Policy(Duration defaultTtl, double factor, Duration maxTtl) {
        /** Ban length of offence number {@code offences} (1-based) with the default first-offence TTL. */
        public Duration ttlFor(int offences) {
            return ttlFor(defaultTtl, offences);
        }

        /** Ban length of offence number {@code offences} (1-based) when a first offence costs {@code first}. */
        public Duration ttlFor(Duration first, int offences) {
            double seconds = first.toSeconds() * Math.pow(factor, Math.max(0, offences - 1));
            return seconds >= maxTtl.toSeconds() ? maxTtl : Duration.ofSeconds((long) seconds);
        }
    }

    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS bans (address TEXT PRIMARY KEY, reason TEXT NOT NULL, risk TEXT NOT NULL, "
                    + "source TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, "
                    + "hits INTEGER NOT NULL, offences INTEGER NOT NULL, action TEXT NOT NULL DEFAULT 'ban')",
            "CREATE INDEX IF NOT EXISTS bans_expiry ON bans (expires_at)",
            "CREATE TABLE IF NOT EXISTS offenders (address TEXT PRIMARY KEY, offences INTEGER NOT NULL, last_ban_at INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, decision_id TEXT, target TEXT NOT NULL, "
                    + "verdict TEXT NOT NULL, note TEXT NOT NULL, allowlist_until INTEGER, created_at INTEGER NOT NULL)");

    private final Pool pool;
    private final Policy policy;
    private final Clock clock;

    private BlacklistStore(Pool pool, Policy policy, Clock clock) {
        this.pool = pool;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Opens (creating when missing) the database and its schema, and checks the file's integrity.
     *
     * @return fails with a message naming the file when it cannot be opened or is corrupt
     */
    public static Future<BlacklistStore> open(Vertx vertx, Path file, Policy policy, Clock clock) {
        String url = "jdbc:sqlite:" + file.toAbsolutePath() + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000";
        Pool pool = JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(url), new PoolOptions().setMaxSize(1));
        BlacklistStore store = new BlacklistStore(pool, policy, clock);
        Future<Void> schema = Future.succeededFuture();
        for (String sql : SCHEMA) {
            schema = schema.compose(v -> pool.query(sql).execute().mapEmpty());
        }
        return schema
                // a database from before actions existed gets the column; its entries are bans
                .compose(v -> pool.query("SELECT name FROM pragma_table_info('bans') WHERE name = 'action'").execute())
                .compose(rows -> rows.size() > 0 ? Future.<Void>succeededFuture()
                        : pool.query("ALTER TABLE bans ADD COLUMN action TEXT NOT NULL DEFAULT 'ban'").execute().<Void>mapEmpty())
                .compose(v -> pool.query("PRAGMA quick_check").execute())
                .compose(rows -> {
                    String verdict = rows.iterator().hasNext() ? rows.iterator().next().getString(0) : "no answer";
                    return "ok".equals(verdict) ? Future.succeededFuture(store)
                            : Future.failedFuture("integrity check: " + verdict);
                })
                .recover(e -> pool.close().transform(ignored -> Future.failedFuture(new IllegalStateException(
                        "blacklist database " + file + " cannot be used: " + e.getMessage(), e))));
    }

    /**
     * Bans a target, or renews it when already banned (one more hit; the expiry moves to now + the TTL of the
     * current offence if that is later). A new ban after an earlier one expired is a repeat offence: longer TTL.
     *
     * @param ttl      first-offence TTL, or null for the policy's default
     * @param escalate multiply {@code ttl} by the escalation factor per earlier offence (detector bans); false takes
     *                 {@code ttl} as given (an operator's explicit TTL)
     * @return the entry as stored
     */
    public Future<Ban> ban(BanTarget target, String reason, String risk, BanSource source, Duration ttl, boolean escalate) {
        return ban(target, reason, risk, source, ttl, escalate, Action.BAN);
    }

    /**
     * {@link #ban(BanTarget, String, String, BanSource, Duration, boolean)} with an action: an active entry with a
     * weaker action is upgraded to this one (its reason, risk and source then become this request's); a stronger one
     * is only renewed.
     */
    public Future<Ban> ban(BanTarget target, String reason, String risk, BanSource source, Duration ttl, boolean escalate, Action action) {
        String key = target.toString();
        Instant now = clock.instant();
        return pool.withTransaction(c -> select(c, key).compose(existing -> {
            if (existing != null) {
                Duration d = ttlOf(ttl, escalate, existing.offences());
                Instant expires = max(existing.expiresAt(), now.plus(d));
                if (action.stronger(existing.action())) {
                    return c.preparedQuery("UPDATE bans SET hits = hits + 1, expires_at = ?, action = ?, reason = ?, risk = ?, source = ? WHERE address = ?")
                            .execute(Tuple.of(expires.getEpochSecond(), action.text(), reason, risk, source.text(), key))
                            .map(r -> new Ban(target, reason, risk, source, existing.createdAt(),
                                    Instant.ofEpochSecond(expires.getEpochSecond()), existing.hits() + 1, existing.offences(), action));
                }
                return c.preparedQuery("UPDATE bans SET hits = hits + 1, expires_at = ? WHERE address = ?")
                        .execute(Tuple.of(expires.getEpochSecond(), key))
                        .map(r -> new Ban(target, existing.reason(), existing.risk(), existing.source(), existing.createdAt(),
                                Instant.ofEpochSecond(expires.getEpochSecond()), existing.hits() + 1, existing.offences(), existing.action()));
            }
            return c.preparedQuery("SELECT offences FROM offenders WHERE address = ?").execute(Tuple.of(key))
                    .compose(rows -> {
                        int offences = rows.iterator().hasNext() ? rows.iterator().next().getInteger(0) + 1 : 1;
                        Duration d = ttlOf(ttl, escalate, offences);
                        long created = now.getEpochSecond(), expires = now.plus(d).getEpochSecond();
                        return c.preparedQuery("INSERT INTO bans (address, reason, risk, source, created_at, expires_at, hits, offences, action) "
                                        + "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)")
                                .execute(Tuple.of(key, reason, risk, source.text(), created, expires, offences, action.text()))
                                .compose(r -> c.preparedQuery("INSERT INTO offenders (address, offences, last_ban_at) VALUES (?, ?, ?) "
                                                + "ON CONFLICT(address) DO UPDATE SET offences = excluded.offences, last_ban_at = excluded.last_ban_at")
                                        .execute(Tuple.of(key, offences, created)))
                                .map(r -> new Ban(target, reason, risk, source, Instant.ofEpochSecond(created),
                                        Instant.ofEpochSecond(expires), 1, offences, action));
                    });
        }));
    }

    private Duration ttlOf(Duration ttl, boolean escalate, int offences) {
        Duration first = ttl != null ? ttl : policy.defaultTtl();
        return escalate ? policy.ttlFor(first, offences) : first;
    }

    /** The ban on exactly this target if one is active, else null. */
    public Future<Ban> get(BanTarget target) {
        long now = clock.instant().getEpochSecond();
        return pool.preparedQuery("SELECT * FROM bans WHERE address = ? AND expires_at > ?").execute(Tuple.of(target.toString(), now))
                .map(rows -> rows.iterator().hasNext() ? ban(rows.iterator().next()) : null);
    }

    /** Removes a ban (an operator's unban: the offence count stays). Succeeds with false when there was none. */
    public Future<Boolean> unban(BanTarget target) {
        // every write in a transaction of its own: after a pool transaction, a bare statement on the same SQLite
        // connection was not committed (an unban came back at the next start; FeedbackTest)
        return pool.withTransaction(c -> c.preparedQuery("DELETE FROM bans WHERE address = ?").execute(Tuple.of(target.toString()))
                .map(r -> r.rowCount() > 0));
    }

    /** Bans not yet expired, soonest expiry first. */
    public Future<List<Ban>> active() {
        return pool.preparedQuery("SELECT * FROM bans WHERE expires_at > ? ORDER BY expires_at")
                .execute(Tuple.of(clock.instant().getEpochSecond())).map(BlacklistStore::bans);
    }

    /** How many bans are active. */
    public Future<Long> count() {
        return pool.preparedQuery("SELECT COUNT(*) FROM bans WHERE expires_at > ?")
                .execute(Tuple.of(clock.instant().getEpochSecond())).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Deletes expired bans and returns them (their rules must be withdrawn). */
    public Future<List<Ban>> sweep() {
        long now = clock.instant().getEpochSecond();
        return pool.withTransaction(c -> c.preparedQuery("SELECT * FROM bans WHERE expires_at <= ?").execute(Tuple.of(now))
                .compose(rows -> c.preparedQuery("DELETE FROM bans WHERE expires_at <= ?").execute(Tuple.of(now))
                        .map(r -> bans(rows))));
    }

    /** The time of the first start, recorded on the first call ever (the dry-run clock). */
    public Future<Instant> firstStart() {
        long now = clock.instant().getEpochSecond();
        return pool.withTransaction(c -> c.preparedQuery("INSERT OR IGNORE INTO meta (key, value) VALUES ('first_start', ?)")
                        .execute(Tuple.of(Long.toString(now))))
                .compose(r -> pool.query("SELECT value FROM meta WHERE key = 'first_start'").execute())
                .map(rows -> Instant.ofEpochSecond(Long.parseLong(rows.iterator().next().getString(0))));
    }

    /**
     * Records an operator's verdict.
     *
     * @param allowlistUntil the end of the allowlist entry it made, or null
     */
    public Future<Void> feedback(FeedbackRequest f, Instant allowlistUntil) {
        return pool.withTransaction(c -> c.preparedQuery(
                        "INSERT INTO feedback (decision_id, target, verdict, note, allowlist_until, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(Tuple.of(f.decisionId(), f.target().toString(), f.verdict(), f.note(),
                        allowlistUntil == null ? null : allowlistUntil.getEpochSecond(), clock.instant().getEpochSecond())).mapEmpty());
    }

    /**
     * Verdicts, newest first, at most {@code limit}: {@code {"decision_id", "target", "verdict", "note",
     * "allowlist_until", "created_at"}}.
     */
    public Future<List<io.vertx.core.json.JsonObject>> feedback(int limit) {
        return pool.preparedQuery("SELECT * FROM feedback ORDER BY id DESC LIMIT ?").execute(Tuple.of(limit)).map(rows -> {
            List<io.vertx.core.json.JsonObject> out = new ArrayList<>();
            rows.forEach(r -> {
                Long until = r.getLong("allowlist_until");
                out.add(new io.vertx.core.json.JsonObject().put("decision_id", r.getString("decision_id")).put("target", r.getString("target"))
                        .put("verdict", r.getString("verdict")).put("note", r.getString("note"))
                        .put("allowlist_until", until == null ? null : Instant.ofEpochSecond(until).toString())
                        .put("created_at", Instant.ofEpochSecond(r.getLong("created_at")).toString()));
            });
            return out;
        });
    }

    /** Allowlist entries from false-positive verdicts that have not ended: target → end (the latest per target). */
    public Future<java.util.Map<BanTarget, Instant>> openAllowances() {
        return pool.preparedQuery("SELECT target, MAX(allowlist_until) AS until FROM feedback WHERE allowlist_until > ? GROUP BY target")
                .execute(Tuple.of(clock.instant().getEpochSecond())).map(rows -> {
                    java.util.Map<BanTarget, Instant> out = new java.util.LinkedHashMap<>();
                    rows.forEach(r -> out.put(BanTarget.parseCidr(r.getString("target")), Instant.ofEpochSecond(r.getLong("until"))));
                    return out;
                });
    }

    /** Closes the pool. */
    public Future<Void> close() {
        return pool.close();
    }

    private static Future<Ban> select(SqlConnection c, String key) {
        return c.preparedQuery("SELECT * FROM bans WHERE address = ?").execute(Tuple.of(key))
                .map(rows -> rows.iterator().hasNext() ? ban(rows.iterator().next()) : null);
    }

    private static List<Ban> bans(RowSet<Row> rows) {
        List<Ban> out = new ArrayList<>();
        rows.forEach(r -> out.add(ban(r)));
        return out;
    }

    private static Ban ban(Row r) {
        return new Ban(BanTarget.parseCidr(r.getString("address")), r.getString("reason"), r.getString("risk"),
                storedSource(r.getString("source")), Instant.ofEpochSecond(r.getLong("created_at")),
                Instant.ofEpochSecond(r.getLong("expires_at")), r.getLong("hits"), r.getInteger("offences"),
                Action.parse(r.getString("action")));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A stored source; text no version of Argus wrote (edited by hand) reads as the operator's. */
    private static BanSource storedSource(String text) {
        try {
            return BanSource.parse(text);
        } catch (IllegalArgumentException e) {
            return BanSource.OPERATOR;
        }
    }
}
