package org.argus.blacklist;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.detect.Role;
import org.argus.enforce.EnforcementSettings;
import org.argus.status.SensorHealth;
import org.argus.status.SensorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the blacklist database ({@link BlacklistStore}). Consumes {@code argus.decision}: an attacker decision whose
 * risk is in {@code enforcement.ban_ttl_hours} becomes (or renews) a ban, unless the address is allowlisted (refused,
 * logged, counted); victim decisions (spoofed floods, amplification) are alerts, never bans; decisions about CSV
 * pseudonyms cannot be enforced and are only counted. Answers list/add/remove requests, sweeps expired bans every
 * {@code blacklist_cleanup_interval}, and publishes every change on {@code argus.blacklist.changed}.
 *
 * <p>When the database cannot be opened (corrupt, truncated, unwritable), the verticle still starts: the sensor keeps
 * capturing, {@code /health} names the file and the reason, every request fails 503, and nothing is enforced.
 */
public final class BlacklistVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(BlacklistVerticle.class);

    private final EnforcementSettings settings;
    private final Allowlist allowlist;
    private final SensorStats stats;
    private final SensorHealth health;
    private final Clock clock;
    private BlacklistStore store;
    private Instant firstStart;
    private String unavailable;

    public BlacklistVerticle(EnforcementSettings settings, Allowlist allowlist, SensorStats stats, SensorHealth health, Clock clock) {
        this.settings = settings;
        this.allowlist = allowlist;
        this.stats = stats;
        this.health = health;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        for (Class<?> c : new Class<?>[] {Decision.class, BanChange.class, BanRequest.class, BlacklistSnapshot.class, Ban.class}) {
            LocalCodec.registerFor(vertx.eventBus(), c);
        }
        vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> onDecision(m.body()));
        vertx.eventBus().localConsumer(Addresses.BLACKLIST_LIST, this::onList);
        vertx.eventBus().<BanRequest>localConsumer(Addresses.BLACKLIST_ADD, this::onAdd);
        vertx.eventBus().<String>localConsumer(Addresses.BLACKLIST_REMOVE, this::onRemove);
        return vertx.executeBlocking(() -> {
                    Files.createDirectories(settings.database().toAbsolutePath().getParent());
                    return null;
                })
                .compose(v -> BlacklistStore.open(vertx, settings.database(), settings.policy(), clock))
                .compose(s -> {
                    store = s;
                    return s.firstStart();
                })
                .compose(first -> {
                    firstStart = first;
                    return refreshCount();
                })
                .map(n -> {
                    vertx.setPeriodic(settings.sweepInterval().toMillis(), id -> sweep());
                    health.set(SensorHealth.BLACKLIST, true, "ok", settings.database().toString());
                    LOG.info("event=blacklist_open file={} active_bans={} first_start={}", settings.database(), n, firstStart);
                    return (Void) null;
                })
                .recover(e -> {
                    unavailable = e.getMessage() + " — enforcement is off; move the file aside (a new database starts a new"
                            + " dry-run) or restore a backup, then restart";
                    health.set(SensorHealth.BLACKLIST, false, "unavailable", unavailable);
                    LOG.error("event=blacklist_unavailable reason=\"{}\"", unavailable);
                    return Future.succeededFuture();
                });
    }

    @Override
    public Future<?> stop() {
        return store == null ? Future.succeededFuture() : store.close();
    }

    private Future<Long> refreshCount() {
        return store.count().onSuccess(stats.bansActive::set);
    }

    private void onDecision(Decision d) {
        if (d.role() == Role.VICTIM) {
            stats.victimAlerts.increment();
            LOG.warn("event=alert role=victim address={} risk={} detector={} reasons=\"{}\"", d.addressText(), d.risk().text(),
                    d.detector(), String.join("; ", d.reasons()));
            return;
        }
        Double hours = settings.banTtlHoursByRisk().get(d.risk());
        if (hours == null) {
            return;
        }
        if (d.anonymized() || store == null) {
            stats.decisionsNotBanned.increment();
            return;
        }
        BanTarget target = BanTarget.of(d.address());
        Optional<String> refusal = allowlist.refusal(target);
        if (refusal.isPresent()) {
            stats.bansRefused.increment();
            LOG.warn("event=ban_refused address={} detector={} why=\"{}\"", target, d.detector(), refusal.get());
            return;
        }
        String reason = d.detector() + ": " + (d.reasons().isEmpty() ? "score " + d.score() : d.reasons().get(0));
        ban(target, reason, d.risk().text(), "detector:" + d.detector(), Duration.ofSeconds(Math.round(hours * 3600)), true)
                .onFailure(e -> {
                    stats.decisionsNotBanned.increment();
                    LOG.error("event=ban_failed address={} reason=\"{}\"", target, e.getMessage());
                });
    }

    private Future<Ban> ban(BanTarget target, String reason, String risk, String source, Duration ttl, boolean escalate) {
        return store.ban(target, reason, risk, source, ttl, escalate).map(b -> {
            boolean added = b.hits() == 1;
            (added ? stats.bansAdded : stats.bansRenewed).increment();
            if (added) {
                stats.bansActive.incrementAndGet();
                LOG.info("event=ban address={} risk={} source={} ttl_s={} offence={} reason=\"{}\"", target, risk, source,
                        b.expiresAt().getEpochSecond() - b.createdAt().getEpochSecond(), b.offences(), reason);
            }
            vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(added ? BanChange.Kind.ADDED : BanChange.Kind.RENEWED, b));
            return b;
        });
    }

    private void sweep() {
        store.sweep().onSuccess(expired -> {
            for (Ban b : expired) {
                stats.bansExpired.increment();
                LOG.info("event=ban_expired address={} source={}", b.target(), b.source());
                vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.EXPIRED, b));
            }
            refreshCount();
            health.set(SensorHealth.BLACKLIST, true, "ok", settings.database().toString());
        }).onFailure(e -> {
            health.set(SensorHealth.BLACKLIST, false, "failing", "sweep failed: " + e.getMessage());
            LOG.error("event=blacklist_sweep_failed reason=\"{}\"", e.getMessage());
        });
    }

    private boolean available(Message<?> m) {
        if (store == null) {
            m.fail(503, unavailable == null ? "blacklist database not open yet" : unavailable);
            return false;
        }
        return true;
    }

    private void onList(Message<Object> m) {
        if (available(m)) {
            store.active().onSuccess(bans -> m.reply(new BlacklistSnapshot(firstStart, bans)))
                    .onFailure(e -> m.fail(503, "blacklist database: " + e.getMessage()));
        }
    }

    private void onAdd(Message<BanRequest> m) {
        if (!available(m)) {
            return;
        }
        BanRequest r = m.body();
        BanTarget target;
        Risk risk;
        try {
            target = BanTarget.parse(r.address());
            risk = Risk.parse(r.risk() == null ? "high" : r.risk());
        } catch (IllegalArgumentException e) {
            m.fail(400, e.getMessage() == null || e.getMessage().startsWith("No enum")
                    ? "risk_level must be low, medium or high, not \"" + r.risk() + "\"" : e.getMessage());
            return;
        }
        if (r.ttl() != null && (r.ttl().isNegative() || r.ttl().isZero())) {
            m.fail(400, "ttl_hours must be greater than 0");
            return;
        }
        Optional<String> refusal = allowlist.refusal(target);
        if (refusal.isPresent()) {
            stats.bansRefused.increment();
            LOG.warn("event=ban_refused address={} source={} why=\"{}\"", target, r.source(), refusal.get());
            m.fail(409, refusal.get());
            return;
        }
        String reason = r.reason() == null || r.reason().isBlank() ? "manual ban" : r.reason();
        ban(target, reason, risk.text(), r.source(), r.ttl(), false)
                .onSuccess(m::reply)
                .onFailure(e -> m.fail(503, "blacklist database: " + e.getMessage()));
    }

    private void onRemove(Message<String> m) {
        if (!available(m)) {
            return;
        }
        BanTarget target;
        try {
            target = BanTarget.parse(m.body());
        } catch (IllegalArgumentException e) {
            m.fail(400, e.getMessage());
            return;
        }
        store.get(target).compose(existing -> store.unban(target).map(removed -> {
            if (removed) {
                stats.bansRemoved.increment();
                stats.bansActive.decrementAndGet();
                LOG.info("event=unban address={}", target);
                Ban gone = existing != null ? existing
                        : new Ban(target, "", "", "", clock.instant(), clock.instant(), 0, 0);
                vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.REMOVED, gone));
            }
            return removed;
        })).onSuccess(m::reply).onFailure(e -> m.fail(503, "blacklist database: " + e.getMessage()));
    }
}
