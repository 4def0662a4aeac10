package org.argus.enforce;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.BanChange;
import org.argus.blacklist.BanTarget;
import org.argus.blacklist.BlacklistSnapshot;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.status.SensorHealth;
import org.argus.status.SensorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the blacklist into kernel state through a {@link Firewall}, on one ordered worker thread
 * ({@code argus-enforcement}) so changes reach the kernel in the order they were decided, batched when they come
 * together.
 *
 * <p>Modes: {@code dry_run} until {@code dry_run_duration_days} after the first start recorded in the database (no
 * firewall change at all; every would-be block is logged and counted), then {@code enforcing} if
 * {@code enforce_after_dry_run}, else {@code monitor_only}; {@code disabled} with backend {@code none};
 * {@code unavailable} when the blacklist database is; {@code emergency_stop} while the emergency stop file exists.
 * Entering {@code enforcing} (start, end of the dry-run, restore) installs the chain and sets and reconciles the
 * kernel with the database: missing bans added, members that are not active bans (expired while we were down,
 * someone else's) removed. Starting in any other mode removes rules an earlier run left behind.
 *
 * <p>Emergency stop ({@code argus.control.emergency}, or the stop file appearing) runs on a thread of its own
 * ({@code argus-emergency}), not behind the worker's queue and without the database: it writes the stop file, removes
 * every rule, chain and set, and repeats the removal on the worker after whatever was in flight there. Idempotent.
 * Restore deletes the file and reconciles. The file is polled every 250 ms, so {@code touch}/{@code rm} work too.
 */
public final class EnforcementVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementVerticle.class);
    private static final long WATCH_MILLIS = 250;

    /** Enforcement modes, as shown in {@code /status}. */
    public enum Mode {
        DRY_RUN, ENFORCING, MONITOR_ONLY, DISABLED, UNAVAILABLE, EMERGENCY_STOP;

        /** Lower-case name. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Change(BanTarget target, boolean add) {
    }

    private final EnforcementSettings settings;
    private final Firewall firewall;
    private final Allowlist allowlist;
    private final SensorStats stats;
    private final SensorHealth health;
    private final Clock clock;
    private final AtomicBoolean emergency = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final Set<BanTarget> desired = new HashSet<>();
    private ExecutorService worker;
    private ScheduledExecutorService watcher;
    private Context context;
    private Instant dryRunEnds;
    private Mode mode;
    private volatile String emergencyDetail = "";
    private volatile String failure;
    // Watcher thread only: whether the stop file existed at the last look.
    private boolean fileSeen;

    /**
     * @param firewall the backend, or null for {@code enforcement.backend: none}
     */
    public EnforcementVerticle(EnforcementSettings settings, Firewall firewall, Allowlist allowlist, SensorStats stats,
                               SensorHealth health, Clock clock) {
        this.settings = settings;
        this.firewall = firewall;
        this.allowlist = allowlist;
        this.stats = stats;
        this.health = health;
        this.clock = clock;
    }

    /** The firewall for a backend setting (null for {@code none}). */
    public static Firewall firewallFor(EnforcementSettings s, Commands sh) {
        return switch (s.backend()) {
            case IPSET -> new IpsetBackend(sh, s.chain());
            case NFTABLES -> new NftBackend(sh, s.chain());
            case NONE -> null;
        };
    }

    @Override
    public Future<?> start() {
        context = vertx.getOrCreateContext();
        for (Class<?> c : new Class<?>[] {BanChange.class, BlacklistSnapshot.class, EmergencyCommand.class}) {
            LocalCodec.registerFor(vertx.eventBus(), c);
        }
        worker = Executors.newSingleThreadExecutor(r -> daemon(r, "argus-enforcement"));
        watcher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "argus-emergency"));
        vertx.eventBus().<BanChange>localConsumer(Addresses.BAN_CHANGED, m -> onChange(m.body()));
        vertx.eventBus().<EmergencyCommand>localConsumer(Addresses.EMERGENCY, this::onEmergency);
        return on(watcher, () -> {
                    fileSeen = Files.exists(settings.emergencyStopFile());
                    return fileSeen;
                })
                .compose(stopped -> {
                    if (stopped) {
                        emergency.set(true);
                        emergencyDetail = "the stop file " + settings.emergencyStopFile() + " exists";
                        LOG.warn("event=emergency_stop_in_force file={}", settings.emergencyStopFile());
                    }
                    watcher.scheduleWithFixedDelay(this::watchFile, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
                    return vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null,
                            new DeliveryOptions().setSendTimeout(60_000));
                })
                .map(reply -> {
                    BlacklistSnapshot snap = reply.body();
                    snap.bans().forEach(b -> desired.add(b.target()));
                    dryRunEnds = snap.firstStart().plus(settings.dryRun());
                    stats.dryRunEndsEpochSecond.set(dryRunEnds.getEpochSecond());
                    return (Void) null;
                })
                .recover(e -> {
                    failure = "blacklist unavailable: " + e.getMessage();
                    return Future.succeededFuture();
                })
                .onComplete(v -> {
                    evaluate();
                    if (firewall != null && (mode == Mode.DRY_RUN || mode == Mode.MONITOR_ONLY)) {
                        // Not enforcing: rules an earlier run left in the kernel must not keep blocking.
                        worker.execute(() -> {
                            try {
                                firewall.removeAll();
                            } catch (EnforcementException ex) {
                                LOG.debug("event=stale_rule_check_failed reason=\"{}\"", ex.getMessage());
                            }
                        });
                    }
                    vertx.setPeriodic(5_000, id -> evaluate());
                });
    }

    @Override
    public Future<?> stop() {
        Future<Void> removal = firewall != null && settings.removeRulesOnStop() && mode == Mode.ENFORCING
                ? on(worker, () -> {
                    firewall.removeAll();
                    LOG.info("event=rules_removed_on_stop backend={}", firewall.name());
                    return null;
                }) : Future.succeededFuture();
        return removal.recover(e -> {
            LOG.error("event=rules_removal_failed reason=\"{}\"", e.getMessage());
            return Future.succeededFuture();
        }).andThen(v -> {
            watcher.shutdownNow();
            worker.shutdown();
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Runs {@code task} on one of our threads and completes on this verticle's context. */
    private <T> Future<T> on(ExecutorService ex, Callable<T> task) {
        Promise<T> p = Promise.promise();
        ex.execute(() -> {
            try {
                T v = task.call();
                context.runOnContext(x -> p.complete(v));
            } catch (Exception e) {
                context.runOnContext(x -> p.fail(e));
            }
        });
        return p.future();
    }

    private Mode target() {
        Instant now = clock.instant();
        if (firewall == null) {
            return Mode.DISABLED;
        }
        if (dryRunEnds == null) {
            return Mode.UNAVAILABLE;
        }
        if (emergency.get()) {
            return Mode.EMERGENCY_STOP;
        }
        if (now.isBefore(dryRunEnds)) {
            return Mode.DRY_RUN;
        }
        return settings.enforceAfterDryRun() ? Mode.ENFORCING : Mode.MONITOR_ONLY;
    }

    /** Recomputes the mode (end of the dry-run, emergency, restore); entering enforcing reconciles the kernel. */
    private void evaluate() {
        Mode next = target();
        if (next != mode) {
            LOG.info("event=enforcement_mode from={} to={} dry_run_ends={} backend={}", mode == null ? "start" : mode.text(),
                    next.text(), dryRunEnds, firewall == null ? "none" : firewall.name());
            mode = next;
            if (next == Mode.ENFORCING) {
                reconcile();
            } else if (next == Mode.DRY_RUN || next == Mode.MONITOR_ONLY) {
                desired.forEach(t -> LOG.info("event=would_block address={} mode={}", t, next.text()));
            }
        }
        updateStatus();
    }

    private void updateStatus() {
        stats.enforcementMode.set(mode.text());
        boolean listing = mode == Mode.DRY_RUN || mode == Mode.MONITOR_ONLY;
        stats.wouldBlock.set(listing ? desired.size() : 0);
        String would = "would have blocked " + desired.size() + " address" + (desired.size() == 1 ? "" : "es");
        switch (mode) {
            case DRY_RUN -> health.set(SensorHealth.ENFORCEMENT, true, "dry_run", "dry-run until " + dryRunEnds + ": " + would);
            case MONITOR_ONLY -> health.set(SensorHealth.ENFORCEMENT, true, "monitor_only",
                    "dry-run over but enforcement.enforce_after_dry_run is false: " + would);
            case DISABLED -> health.set(SensorHealth.ENFORCEMENT, true, "disabled", "enforcement.backend is none");
            case UNAVAILABLE -> health.set(SensorHealth.ENFORCEMENT, false, "off", failure == null ? "blacklist unavailable" : failure);
            case EMERGENCY_STOP -> health.set(SensorHealth.ENFORCEMENT, true, "degraded", "emergency stop: " + emergencyDetail);
            case ENFORCING -> {
                String f = failure;
                if (f != null) {
                    health.set(SensorHealth.ENFORCEMENT, false, "failing", f);
                } else {
                    health.set(SensorHealth.ENFORCEMENT, true, "enforcing", desired.size() + " bans via " + firewall.name());
                }
            }
        }
    }

    private void onChange(BanChange c) {
        BanTarget t = c.ban().target();
        boolean add = c.kind() == BanChange.Kind.ADDED || c.kind() == BanChange.Kind.RENEWED;
        boolean changed = add ? desired.add(t) : desired.remove(t);
        if (!changed) {
            return;
        }
        if (mode == Mode.ENFORCING) {
            var refusal = add ? allowlist.refusal(t) : java.util.Optional.<String>empty();
            if (refusal.isPresent()) {
                LOG.warn("event=enforcement_refused address={} why=\"{}\"", t, refusal.get());
            } else {
                pending.add(new Change(t, add));
                if (flushQueued.compareAndSet(false, true)) {
                    worker.execute(this::flush);
                }
            }
        } else if (mode == Mode.DRY_RUN || mode == Mode.MONITOR_ONLY) {
            if (add) {
                stats.wouldBlockActions.increment();
                LOG.info("event=would_block address={} mode={} reason=\"{}\" expires_at={}", t, mode.text(), c.ban().reason(),
                        c.ban().expiresAt());
            } else {
                LOG.info("event=would_unblock address={} mode={} because={}", t, mode.text(), c.kind().name().toLowerCase());
            }
        }
        updateStatus();
    }

    /** Worker: applies every queued change as one batch. */
    private void flush() {
        flushQueued.set(false);
        Map<BanTarget, Boolean> batch = new LinkedHashMap<>();
        for (Change c; (c = pending.poll()) != null; ) {
            batch.put(c.target(), c.add());
        }
        if (batch.isEmpty() || emergency.get()) {
            return; // an emergency stop is in force: restore reconciles from the database
        }
        List<BanTarget> add = batch.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        List<BanTarget> remove = batch.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        long t0 = System.nanoTime();
        try {
            firewall.apply(add, remove);
            stats.enforcementActions.increment();
            stats.kernelMembers.addAndGet(add.size() - remove.size());
            failure = null;
            add.forEach(t -> LOG.info("event=blocked address={} backend={}", t, firewall.name()));
            remove.forEach(t -> LOG.info("event=unblocked address={} backend={}", t, firewall.name()));
            LOG.debug("event=batch_applied added={} removed={} took_ms={}", add.size(), remove.size(), (System.nanoTime() - t0) / 1_000_000);
        } catch (EnforcementException e) {
            fail("applying " + add.size() + " additions and " + remove.size() + " removals: " + e.getMessage());
        }
        context.runOnContext(v -> updateStatus());
    }

    private void fail(String what) {
        failure = what;
        stats.enforcementErrors.increment();
        stats.enforcementLastError.set(what);
        LOG.error("event=enforcement_failed reason=\"{}\"", what);
    }

    /** Queues install + reconcile of the kernel with the current desired set. */
    private void reconcile() {
        Set<BanTarget> want = new LinkedHashSet<>(desired);
        worker.execute(() -> {
            if (emergency.get()) {
                return;
            }
            long t0 = System.nanoTime();
            try {
                firewall.install();
                want.removeIf(t -> {
                    var why = allowlist.refusal(t);
                    why.ifPresent(w -> LOG.warn("event=enforcement_refused address={} why=\"{}\"", t, w));
                    return why.isPresent();
                });
                Set<BanTarget> have = firewall.members();
                Collection<BanTarget> add = want.stream().filter(t -> !have.contains(t)).toList();
                Collection<BanTarget> remove = have.stream().filter(t -> !want.contains(t)).toList();
                firewall.apply(add, remove);
                stats.enforcementActions.increment();
                stats.kernelMembers.set(want.size());
                failure = null;
                LOG.info("event=reconciled backend={} bans={} added={} removed={} took_ms={}", firewall.name(), want.size(),
                        add.size(), remove.size(), (System.nanoTime() - t0) / 1_000_000);
            } catch (EnforcementException e) {
                fail("reconciling the kernel with the blacklist: " + e.getMessage());
            }
            context.runOnContext(v -> updateStatus());
        });
    }

    private void onEmergency(Message<EmergencyCommand> m) {
        EmergencyCommand cmd = m.body();
        if (cmd.stop()) {
            emergency.set(true); // the worker skips anything queued from now on
            long t0 = System.nanoTime();
            on(watcher, () -> {
                String fileError = null;
                try {
                    Files.createDirectories(settings.emergencyStopFile().toAbsolutePath().getParent());
                    Files.writeString(settings.emergencyStopFile(), new JsonObject().put("since", clock.instant().toString())
                            .put("reason", cmd.reason()).put("origin", cmd.origin()).encode() + "\n");
                    fileSeen = true;
                } catch (Exception e) {
                    fileError = "could not write " + settings.emergencyStopFile() + ": " + e.getMessage()
                            + " (the stop holds until restore or restart)";
                }
                String removeError = removeEverything();
                return new String[] {fileError, removeError};
            }).onComplete(ar -> {
                String[] errors = ar.succeeded() ? ar.result() : new String[] {null, ar.cause().getMessage()};
                stopped(cmd.reason(), cmd.origin());
                JsonObject reply = state().put("took_ms", (System.nanoTime() - t0) / 1_000_000)
                        .put("rules_removed", firewall == null || errors[1] == null);
                if (errors[0] != null || errors[1] != null) {
                    reply.put("errors", new io.vertx.core.json.JsonArray(java.util.Arrays.stream(errors).filter(java.util.Objects::nonNull).toList()));
                }
                m.reply(reply);
            });
        } else {
            on(watcher, () -> {
                Files.deleteIfExists(settings.emergencyStopFile());
                fileSeen = false;
                return null;
            }).onSuccess(v -> {
                restored(cmd.reason(), cmd.origin());
                m.reply(state());
            }).onFailure(e -> m.fail(500, "could not delete " + settings.emergencyStopFile() + ": " + e.getMessage()
                    + "; the emergency stop stays in force"));
        }
    }

    /** Emergency thread: removes every rule and set now, and again on the worker after whatever it is doing. */
    private String removeEverything() {
        if (firewall == null) {
            return null;
        }
        String error = null;
        try {
            firewall.removeAll();
        } catch (EnforcementException e) {
            error = e.getMessage();
        }
        worker.execute(() -> {
            try {
                firewall.removeAll();
                stats.kernelMembers.set(0);
            } catch (EnforcementException e) {
                fail("emergency stop, second pass: " + e.getMessage());
            }
        });
        return error;
    }

    /** Watcher thread: the stop file appearing stops, disappearing restores. */
    private void watchFile() {
        boolean exists = Files.exists(settings.emergencyStopFile());
        if (exists == fileSeen) {
            return;
        }
        fileSeen = exists;
        if (exists) {
            emergency.set(true);
            removeEverything();
            context.runOnContext(v -> stopped("the stop file " + settings.emergencyStopFile() + " appeared", "file"));
        } else {
            context.runOnContext(v -> restored("the stop file " + settings.emergencyStopFile() + " was removed", "file"));
        }
    }

    private void stopped(String reason, String origin) {
        emergency.set(true);
        pending.clear();
        stats.emergencyStops.increment();
        emergencyDetail = "since " + clock.instant() + " by " + origin + ": " + reason;
        LOG.warn("event=emergency_stop origin={} reason=\"{}\" backend={}", origin, reason, firewall == null ? "none" : firewall.name());
        evaluate();
    }

    private void restored(String reason, String origin) {
        emergency.set(false);
        emergencyDetail = "";
        LOG.warn("event=emergency_restore origin={} reason=\"{}\"", origin, reason);
        Mode before = mode;
        evaluate();
        if (before == Mode.ENFORCING && mode == Mode.ENFORCING) {
            reconcile();
        }
    }

    /** Enforcement state as JSON (replies, {@code /status}). */
    private JsonObject state() {
        JsonObject o = new JsonObject().put("mode", mode == null ? null : mode.text()).put("emergency_stop", emergency.get())
                .put("backend", firewall == null ? "none" : firewall.name());
        if (dryRunEnds != null) {
            o.put("dry_run_ends_at", dryRunEnds.toString());
        }
        return o;
    }
}
