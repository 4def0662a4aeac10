package org.argus.blacklist;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.detect.Decision;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the blacklist database ({@link BlacklistStore}) and wires the {@link BanPolicy} to the bus. Consumes
 * {@code argus.decision} and list/add/remove requests; what a decision or request does is the policy's (ban, victim
 * alert, refusal, nothing). Sweeps expired bans every {@code blacklist_cleanup_interval}, and publishes every change
 * on {@code argus.blacklist.changed}.
 *
 * <p>When the database cannot be opened (corrupt, truncated, unwritable), the verticle still starts: the sensor keeps
 * capturing, {@code /health} names the file and the reason, every request fails 503, and nothing is enforced.
 */
public final class BlacklistVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(BlacklistVerticle.class);

    private final BlacklistSettings settings;
    private final BanPolicy policy;
    private final BlacklistStats stats;
    private final SensorHealth health;
    private final Clock clock;
    private BlacklistStore store;
    private Instant firstStart;
    private String unavailable;

    public BlacklistVerticle(BlacklistSettings settings, BanPolicy policy, BlacklistStats stats, SensorHealth health, Clock clock) {
        this.settings = settings;
        this.policy = policy;
        this.stats = stats;
        this.health = health;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        for (Class<?> c : new Class<?>[] {Decision.class, BanChange.class, BanRequest.class, BlacklistSnapshot.class, Ban.class,
                FeedbackRequest.class}) {
            LocalCodec.registerFor(vertx.eventBus(), c);
        }
        vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> onDecision(m.body()));
        vertx.eventBus().localConsumer(Addresses.BLACKLIST_LIST, this::onList);
        vertx.eventBus().<BanRequest>localConsumer(Addresses.BLACKLIST_ADD, this::onAdd);
        vertx.eventBus().<String>localConsumer(Addresses.BLACKLIST_REMOVE, m -> onRemove(m, false));
        vertx.eventBus().<String>localConsumer(Addresses.QUARANTINE_LIFT, m -> onRemove(m, true));
        vertx.eventBus().<FeedbackRequest>localConsumer(Addresses.FEEDBACK, this::onFeedback);
        vertx.eventBus().localConsumer(Addresses.FEEDBACK_LIST, m -> {
            if (available(m)) {
                store.feedback(1000).onSuccess(l -> m.reply(new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(l))))
                        .onFailure(e -> m.fail(503, "blacklist database: " + e.getMessage()));
            }
        });
        return vertx.executeBlocking(() -> {
                    Path dir = settings.database().toAbsolutePath().getParent();
                    Files.createDirectories(dir);
                    SqliteNative.prepare(dir); // before the first connection: spares the driver's per-start lookup
                    return null;
                })
                .compose(v -> BlacklistStore.open(vertx, settings.database(), settings.policy(), clock))
                .compose(s -> {
                    store = s;
                    return s.firstStart();
                })
                .compose(first -> {
                    firstStart = first;
                    return store.openAllowances();
                })
                .compose(open -> {
                    open.forEach((t, until) -> policy.allowlist().allowUntil(t, "operator: false positive", until));
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
                    LOG.error("event=blacklist_unavailable reason=\"{}\"", LogText.escape(unavailable));
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
        switch (policy.onDecision(d)) {
            case BanPolicy.VictimAlert v -> {
                stats.victimAlerts.increment();
                LOG.warn("event=alert role={} address={} risk={} detector={} reasons=\"{}\"", v.role().text(), v.address(),
                        v.risk().text(), v.detector(), LogText.escape(v.reasons()));
            }
            case BanPolicy.Ignored i -> { }
            case BanPolicy.NotBannable n -> stats.decisionsNotBanned.increment();
            case BanPolicy.Refused r -> {
                stats.bansRefused.increment();
                LOG.warn("event=ban_refused address={} detector={} why=\"{}\"", r.target(), d.detector(), LogText.escape(r.why()));
            }
            case BanPolicy.Ban b -> {
                if (store == null) {
                    stats.decisionsNotBanned.increment();
                    return;
                }
                ban(b).onFailure(e -> {
                    stats.decisionsNotBanned.increment();
                    LOG.error("event=ban_failed address={} reason=\"{}\"", b.target(), LogText.escape(e.getMessage()));
                });
            }
        }
    }

    private Future<Ban> ban(BanPolicy.Ban b) {
        return store.ban(b.target(), b.reason(), b.risk().text(), b.source(), b.ttl(), b.escalate(), b.action()).map(stored -> {
            boolean added = stored.hits() == 1;
            (added ? stats.bansAdded : stats.bansRenewed).increment();
            if (added) {
                stats.bansActive.incrementAndGet();
                LOG.info("event={} address={} risk={} source={} ttl_s={} offence={} reason=\"{}\"", stored.action().text(), b.target(), b.risk().text(),
                        b.source().text(), stored.expiresAt().getEpochSecond() - stored.createdAt().getEpochSecond(), stored.offences(),
                        LogText.escape(b.reason()));
            }
            vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(added ? BanChange.Kind.ADDED : BanChange.Kind.RENEWED, stored));
            return stored;
        });
    }

    private void sweep() {
        store.sweep().onSuccess(expired -> {
            for (Ban b : expired) {
                stats.bansExpired.increment();
                LOG.info("event=ban_expired address={} source={}", b.target(), b.source().text());
                vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.EXPIRED, b));
            }
            refreshCount();
            health.set(SensorHealth.BLACKLIST, true, "ok", settings.database().toString());
        }).onFailure(e -> {
            health.set(SensorHealth.BLACKLIST, false, "failing", "sweep failed: " + e.getMessage());
            LOG.error("event=blacklist_sweep_failed reason=\"{}\"", LogText.escape(e.getMessage()));
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
        switch (policy.onRequest(m.body())) {
            case BanPolicy.Refused r -> {
                if (r.code() == 409) {
                    stats.bansRefused.increment();
                    LOG.warn("event=ban_refused address={} source={} why=\"{}\"", r.target(), m.body().source().text(),
                            LogText.escape(r.why()));
                }
                m.fail(r.code(), r.why());
            }
            case BanPolicy.Ban b -> ban(b).onSuccess(m::reply).onFailure(e -> m.fail(503, "blacklist database: " + e.getMessage()));
            default -> m.fail(500, "unexpected outcome for a request");
        }
    }

    /**
     * An operator's verdict: a false positive lifts the target's ban or rate limit now (published as removed, so
     * enforcement and cluster peers follow), allowlists the target until the end given and records the verdict; a
     * true positive is recorded.
     */
    private void onFeedback(Message<FeedbackRequest> m) {
        if (!available(m)) {
            return;
        }
        FeedbackRequest f = m.body();
        Instant until = f.falsePositive() && !f.allowlistFor().isZero() ? clock.instant().plus(f.allowlistFor()) : null;
        Future<Boolean> lifted = Future.succeededFuture(false);
        if (f.falsePositive()) {
            if (until != null) {
                policy.allowlist().allowUntil(f.target(), "operator: false positive" + (f.note().isEmpty() ? "" : " (" + f.note() + ")"), until);
            }
            lifted = store.get(f.target()).compose(existing -> existing == null || existing.action() == Action.QUARANTINE
                    ? Future.succeededFuture(false) : store.unban(f.target()).map(removed -> {
                if (removed) {
                    stats.bansRemoved.increment();
                    stats.bansActive.decrementAndGet();
                    vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.REMOVED, existing));
                }
                return removed;
            }));
        }
        lifted.compose(removed -> store.feedback(f, until).map(removed)).onSuccess(removed -> {
            (f.falsePositive() ? stats.feedbackFalsePositives : stats.feedbackTruePositives).increment();
            LOG.info("event=feedback verdict={} target={} decision={} ban_lifted={} allowlisted_until={} note=\"{}\"", f.verdict(),
                    f.target(), f.decisionId(), removed, until, LogText.escape(f.note()));
            vertx.eventBus().publish(Addresses.FEEDBACK_RECORDED, f);
            m.reply(new io.vertx.core.json.JsonObject().put("verdict", f.verdict()).put("target", f.target().toString())
                    .put("decision_id", f.decisionId()).put("ban_lifted", removed)
                    .put("allowlisted_until", until == null ? null : until.toString()));
        }).onFailure(e -> m.fail(503, "blacklist database: " + e.getMessage()));
    }

    /** Removes a ban or rate limit ({@code quarantine} false), or lifts a quarantine (true); the other kind is left. */
    private void onRemove(Message<String> m, boolean quarantine) {
        if (!available(m)) {
            return;
        }
        BanTarget target;
        try {
            target = BanTarget.parseCidr(m.body());
        } catch (IllegalArgumentException e) {
            m.fail(400, e.getMessage());
            return;
        }
        store.get(target).compose(existing -> existing != null && (existing.action() == Action.QUARANTINE) != quarantine
                ? Future.succeededFuture(false) : store.unban(target).map(removed -> {
            if (removed) {
                stats.bansRemoved.increment();
                stats.bansActive.decrementAndGet();
                LOG.info("event={} address={}", quarantine ? "quarantine_lifted" : "unban", target);
                Ban gone = existing != null ? existing
                        : new Ban(target, "", "", BanSource.OPERATOR, clock.instant(), clock.instant(), 0, 0);
                vertx.eventBus().publish(Addresses.BAN_CHANGED, new BanChange(BanChange.Kind.REMOVED, gone));
            }
            return removed;
        })).onSuccess(m::reply).onFailure(e -> m.fail(503, "blacklist database: " + e.getMessage()));
    }
}
