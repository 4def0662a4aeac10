package org.argus.enforce;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.argus.blacklist.Action;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.BanChange;
import org.argus.blacklist.BanTarget;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enforcement state machine, without threads or a bus: turns the blacklist into kernel state through a
 * {@link Firewall}, driven by an injected {@link Clock}.
 *
 * <p>Modes ({@link EnforcementStatus.Mode}): {@code dry_run} until {@code dry_run_duration_days} after the first start
 * recorded in the blacklist database (no mutating firewall call at all; every would-be block is logged and counted),
 * then {@code enforcing} if {@code enforce_after_dry_run}, else {@code monitor_only}; {@code disabled} without a
 * firewall ({@code backend: none}); {@code unavailable} while the database is; {@code emergency_stop} while an
 * emergency stop is in force. Entering {@code enforcing} installs the chain and sets and reconciles the kernel with
 * the desired set (missing bans added; members that are not active bans — expired while we were down, or someone
 * else's — removed). Starting in {@code dry_run} or {@code monitor_only} removes rules an earlier run left behind.
 *
 * <p>Threads: every method except {@link #emergencyStopNow} and {@link #status} must be called from one thread at a
 * time, in order (the enforcement worker). {@link #emergencyStopNow} may be called from any thread while the worker
 * is inside a firewall call: it removes everything at once, and whatever the worker was applying is removed again
 * when its call returns, so nothing stays in the kernel after a stop. Bans are re-checked against the allowlist
 * before every kernel change.
 */
public final class Enforcer {
    private static final Logger LOG = LoggerFactory.getLogger(Enforcer.class);

    private final EnforcementSettings settings;
    private final Firewall firewall;
    private final Allowlist allowlist;
    private final Clock clock;
    private final EnforcementStats stats;
    private final AtomicBoolean emergency = new AtomicBoolean();
    // worker-confined
    private final Map<BanTarget, Action> desired = new LinkedHashMap<>();
    // target -> action to put in force, or null to withdraw
    private final Map<BanTarget, Action> pending = new LinkedHashMap<>();
    // pending targets already in the kernel under another action (a move, not one more member)
    private final java.util.Set<BanTarget> moves = new java.util.HashSet<>();
    private List<BanTarget> listed = List.of();
    private volatile Instant dryRunEnds;
    private volatile EnforcementStatus.Mode mode;
    private String unavailable;
    private volatile String failure;
    private volatile String emergencyDetail = "";
    private long nextCounters;

    /**
     * @param firewall the backend, or null for {@code enforcement.backend: none}
     * @param stats    counters this enforcer owns; its status snapshot is published there after every step
     */
    public Enforcer(EnforcementSettings settings, Firewall firewall, Allowlist allowlist, Clock clock, EnforcementStats stats) {
        this.settings = settings;
        this.firewall = firewall;
        this.allowlist = allowlist;
        this.clock = clock;
        this.stats = stats;
        stats.hook.set(firewall == null ? "none" : firewall.hook());
        publish();
    }

    /**
     * Starts from the database's view: when it was first started (the dry-run clock) and the active bans.
     *
     * @param stopInForce an emergency stop is in force (its file exists): nothing is enforced until {@link #restored}
     */
    public void start(Instant firstStart, Collection<BanTarget> active, boolean stopInForce, String stopDetail) {
        Map<BanTarget, Action> bans = new LinkedHashMap<>();
        active.forEach(t -> bans.put(t, Action.BAN));
        start(firstStart, bans, stopInForce, stopDetail);
    }

    /**
     * {@link #start(Instant, Collection, boolean, String)} with each entry's action (ban, rate limit, quarantine).
     */
    public void start(Instant firstStart, Map<BanTarget, Action> active, boolean stopInForce, String stopDetail) {
        desired.putAll(active);
        countActions();
        dryRunEnds = firstStart.plus(settings.dryRun());
        if (stopInForce) {
            emergency.set(true);
            emergencyDetail = stopDetail;
        }
        evaluate();
        if (firewall != null && (mode == EnforcementStatus.Mode.DRY_RUN || mode == EnforcementStatus.Mode.MONITOR_ONLY)) {
            try {
                firewall.removeAll(); // not enforcing: rules an earlier run left must not keep blocking
            } catch (EnforcementException e) {
                LOG.debug("event=stale_rule_check_failed reason=\"{}\"", LogText.escape(e.getMessage()));
            }
        }
        publish();
    }

    /** The blacklist database cannot be used: nothing is enforced, and health says why. */
    public void unavailable(String why) {
        unavailable = why;
        evaluate();
        publish();
    }

    /** Re-reads the clock (the dry-run may have ended) and refreshes the backend's drop counters. */
    public void tick() {
        evaluate();
        refreshCounters();
        publish();
    }

    /**
     * Reads per-ban and whole-backend drop counters (xdp) while enforcing. A read of a large map costs time on the
     * worker, so the next one waits twenty times as long as this one took (at most 5 % of the worker's time).
     */
    private void refreshCounters() {
        if (firewall == null || mode != EnforcementStatus.Mode.ENFORCING || emergency.get()) {
            stats.droppedByBan.set(Map.of());
            return;
        }
        long t0 = System.nanoTime();
        if (t0 < nextCounters) {
            return;
        }
        try {
            Map<String, Long> byBan = new java.util.HashMap<>();
            firewall.dropped().forEach((t, n) -> byBan.put(t.toString(), n));
            stats.droppedByBan.set(Map.copyOf(byBan));
            stats.backendTotals.set(Map.copyOf(firewall.totals()));
        } catch (EnforcementException | RuntimeException e) {
            LOG.debug("event=counters_unreadable reason=\"{}\"", LogText.escape(String.valueOf(e.getMessage())));
        }
        nextCounters = System.nanoTime() + 20 * (System.nanoTime() - t0);
    }

    /**
     * A blacklist change. In {@code enforcing} mode it is queued for the next {@link #flush} (changes that arrive
     * together go to the kernel as one batch); in {@code dry_run}/{@code monitor_only} it is logged as what would have
     * been done.
     */
    public void change(BanChange c) {
        BanTarget t = c.ban().target();
        Action action = c.ban().action();
        boolean add = c.kind() == BanChange.Kind.ADDED || c.kind() == BanChange.Kind.RENEWED;
        Action before = add ? desired.put(t, action) : desired.remove(t);
        boolean changed = add ? before != action : before != null;
        if (!changed) {
            return;
        }
        countActions();
        if (mode == EnforcementStatus.Mode.ENFORCING && !emergency.get()) {
            Optional<String> refusal = add ? allowlist.refusal(t) : Optional.empty();
            if (refusal.isPresent()) {
                LOG.warn("event=enforcement_refused address={} why=\"{}\"", t, LogText.escape(refusal.get()));
            } else if (add && !firewall.actions().contains(action)) {
                LOG.warn("event=action_unsupported address={} action={} backend={}", t, action.text(), firewall.name());
            } else {
                pending.put(t, add ? action : null);
                if (add && before != null) {
                    moves.add(t);
                }
            }
        } else if (mode == EnforcementStatus.Mode.DRY_RUN || mode == EnforcementStatus.Mode.MONITOR_ONLY) {
            if (add) {
                stats.wouldBlockActions.increment();
                LOG.info("event={} address={} mode={} reason=\"{}\" expires_at={}", would(action), t, mode.text(),
                        LogText.escape(c.ban().reason()), c.ban().expiresAt());
            } else {
                LOG.info("event=would_unblock address={} mode={} because={}", t, mode.text(), c.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        publish();
    }

    /** The log event of an action put in force: {@code blocked}, {@code rate_limited}, {@code quarantined}. */
    private static String done(Action a) {
        return switch (a) {
            case BAN -> "blocked";
            case RATE_LIMIT -> "rate_limited";
            case QUARANTINE -> "quarantined";
        };
    }

    /** The dry-run log event of an action: {@code would_block}, {@code would_rate_limit}, {@code would_quarantine}. */
    private static String would(Action a) {
        return a == Action.BAN ? "would_block" : "would_" + a.text();
    }

    /**
     * The threat-feed blocks to drop ({@code intel.block_listed}), replacing the previous list. Allowlisted blocks
     * are left out (also those overlapping an operator who connected since). Enforcing: put into the kernel's feed
     * sets at once (atomically); dry-run or monitor-only: logged as what would be blocked; during an emergency stop
     * kept for the restore.
     */
    public void listed(List<BanTarget> blocks) {
        List<BanTarget> keep = new ArrayList<>(blocks.size());
        int refused = 0;
        for (BanTarget b : blocks) {
            if (allowlist.refusal(b).isPresent()) {
                refused++;
            } else {
                keep.add(b);
            }
        }
        listed = List.copyOf(keep);
        stats.listedWanted.set(listed.size());
        if (refused > 0) {
            LOG.warn("event=listed_refused entries={} why=\"overlap the allowlist\"", refused);
        }
        if (mode == EnforcementStatus.Mode.ENFORCING && !emergency.get()) {
            applyListed();
            undoIfStopped();
        } else if (mode == EnforcementStatus.Mode.DRY_RUN || mode == EnforcementStatus.Mode.MONITOR_ONLY) {
            stats.wouldBlockActions.increment();
            LOG.info("event=would_block_listed entries={} mode={}", listed.size(), mode.text());
        }
        publish();
    }

    private void applyListed() {
        long t0 = System.nanoTime();
        try {
            firewall.replaceListed(listed);
            stats.enforcementActions.increment();
            stats.listedInKernel.set(listed.size());
            LOG.info("event=listed_blocked entries={} backend={} took_ms={}", listed.size(), firewall.name(), (System.nanoTime() - t0) / 1_000_000);
        } catch (EnforcementException e) {
            fail("putting " + listed.size() + " feed entries into the kernel: " + e.getMessage());
        }
    }

    /** True when changes wait for {@link #flush}. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Applies every queued change as one batch (nothing during an emergency stop: restore reconciles). */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<BanTarget, Action> add = new LinkedHashMap<>();
        List<BanTarget> remove = new ArrayList<>();
        pending.forEach((t, a) -> {
            if (a == null) {
                remove.add(t);
            } else {
                add.put(t, a);
            }
        });
        pending.clear();
        int moved = (int) add.keySet().stream().filter(moves::contains).count();
        moves.clear();
        if (emergency.get() || mode != EnforcementStatus.Mode.ENFORCING) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            firewall.change(add, remove);
            stats.enforcementActions.increment();
            stats.kernelMembers.addAndGet(add.size() - moved - remove.size());
            failure = null;
            add.forEach((t, a) -> LOG.info("event={} address={} backend={}", done(a), t, firewall.name()));
            remove.forEach(t -> LOG.info("event=unblocked address={} backend={}", t, firewall.name()));
            LOG.debug("event=batch_applied added={} removed={} took_ms={}", add.size(), remove.size(), (System.nanoTime() - t0) / 1_000_000);
        } catch (EnforcementException e) {
            fail("applying " + add.size() + " additions and " + remove.size() + " removals: " + e.getMessage());
        }
        undoIfStopped();
        publish();
    }

    /**
     * Emergency stop, first pass, from any thread and at once: refuses every later kernel change and removes every
     * rule, chain and set now, even while the worker is inside a firewall call. {@link #emergencyStopped} must follow
     * on the worker.
     *
     * @return null, or why the removal failed
     */
    public String emergencyStopNow(String reason, String origin) {
        emergency.set(true);
        emergencyDetail = "since " + clock.instant() + " by " + origin + ": " + reason;
        publish();
        if (firewall == null) {
            return null;
        }
        try {
            firewall.removeAll();
            return null;
        } catch (EnforcementException e) {
            return e.getMessage();
        }
    }

    /** Emergency stop, second pass on the worker: drops queued changes and removes everything again. */
    public void emergencyStopped(String reason, String origin) {
        emergency.set(true);
        pending.clear();
        moves.clear();
        stats.emergencyStops.increment();
        LOG.warn("event=emergency_stop origin={} reason=\"{}\" backend={}", LogText.escape(origin), LogText.escape(reason),
                firewall == null ? "none" : firewall.name());
        if (firewall != null) {
            try {
                firewall.removeAll();
                stats.kernelMembers.set(0);
                stats.listedInKernel.set(0);
            } catch (EnforcementException e) {
                fail("emergency stop, second pass: " + e.getMessage());
            }
            stats.hook.set(firewall.hook());
        }
        evaluate();
        publish();
    }

    /** Ends an emergency stop: back to the mode the clock and settings say; enforcing reconciles the kernel. */
    public void restored(String reason, String origin) {
        boolean was = emergency.getAndSet(false);
        emergencyDetail = "";
        LOG.warn("event=emergency_restore origin={} reason=\"{}\"", LogText.escape(origin), LogText.escape(reason));
        EnforcementStatus.Mode before = mode;
        evaluate();
        if (was && before == mode && mode == EnforcementStatus.Mode.ENFORCING) {
            reconcile();
        }
        publish();
    }

    /** A clean stop: with {@code remove_rules_on_stop}, removes everything while enforcing. */
    public void stop() {
        if (firewall != null && settings.removeRulesOnStop() && mode == EnforcementStatus.Mode.ENFORCING) {
            try {
                firewall.removeAll();
                LOG.info("event=rules_removed_on_stop backend={}", firewall.name());
            } catch (EnforcementException e) {
                LOG.error("event=rules_removal_failed reason=\"{}\"", LogText.escape(e.getMessage()));
            }
        }
    }

    /** The state now (any thread). */
    public EnforcementStatus status() {
        return stats.status.get();
    }

    private EnforcementStatus.Mode target() {
        if (firewall == null) {
            return EnforcementStatus.Mode.DISABLED;
        }
        if (dryRunEnds == null || unavailable != null) {
            return EnforcementStatus.Mode.UNAVAILABLE;
        }
        if (emergency.get()) {
            return EnforcementStatus.Mode.EMERGENCY_STOP;
        }
        if (clock.instant().isBefore(dryRunEnds)) {
            return EnforcementStatus.Mode.DRY_RUN;
        }
        return settings.enforceAfterDryRun() ? EnforcementStatus.Mode.ENFORCING : EnforcementStatus.Mode.MONITOR_ONLY;
    }

    private void evaluate() {
        EnforcementStatus.Mode next = target();
        if (next == mode) {
            return;
        }
        LOG.info("event=enforcement_mode from={} to={} dry_run_ends={} backend={}", mode == null ? "start" : mode.text(),
                next.text(), dryRunEnds, firewall == null ? "none" : firewall.name());
        mode = next;
        if (next == EnforcementStatus.Mode.ENFORCING) {
            reconcile();
        } else if (next == EnforcementStatus.Mode.DRY_RUN || next == EnforcementStatus.Mode.MONITOR_ONLY) {
            desired.forEach((t, a) -> LOG.info("event={} address={} mode={}", would(a), t, next.text()));
        }
    }

    /** Installs and makes the kernel sets equal to the desired set (minus allowlisted targets). */
    private void reconcile() {
        pending.clear();
        moves.clear();
        if (emergency.get()) {
            return;
        }
        long t0 = System.nanoTime();
        Map<BanTarget, Action> want = new LinkedHashMap<>(desired);
        want.entrySet().removeIf(e -> {
            Optional<String> why = allowlist.refusal(e.getKey());
            why.ifPresent(w -> LOG.warn("event=enforcement_refused address={} why=\"{}\"", e.getKey(), LogText.escape(w)));
            if (why.isEmpty() && !firewall.actions().contains(e.getValue())) {
                LOG.warn("event=action_unsupported address={} action={} backend={}", e.getKey(), e.getValue().text(), firewall.name());
                return true;
            }
            return why.isPresent();
        });
        try {
            firewall.install();
            stats.hook.set(firewall.hook());
            Map<BanTarget, Action> have = firewall.state();
            Map<BanTarget, Action> add = new LinkedHashMap<>();
            want.forEach((t, a) -> {
                if (have.get(t) != a) {
                    add.put(t, a);
                }
            });
            List<BanTarget> remove = have.keySet().stream().filter(t -> !want.containsKey(t)).toList();
            firewall.change(add, remove);
            stats.enforcementActions.increment();
            stats.kernelMembers.set(want.size());
            failure = null;
            LOG.info("event=reconciled backend={} bans={} added={} removed={} took_ms={}", firewall.name(), want.size(),
                    add.size(), remove.size(), (System.nanoTime() - t0) / 1_000_000);
            if (!listed.isEmpty()) {
                applyListed();
            }
        } catch (EnforcementException e) {
            fail("reconciling the kernel with the blacklist: " + e.getMessage());
        }
        undoIfStopped();
    }

    /** An emergency stop that came while a firewall call was in flight: remove whatever that call put back. */
    private void undoIfStopped() {
        if (emergency.get() && firewall != null) {
            try {
                firewall.removeAll();
                stats.kernelMembers.set(0);
                stats.listedInKernel.set(0);
            } catch (EnforcementException e) {
                fail("emergency stop during a kernel change: " + e.getMessage());
            }
        }
    }

    private void fail(String what) {
        failure = what;
        stats.enforcementErrors.increment();
        stats.enforcementLastError.set(what);
        LOG.error("event=enforcement_failed reason=\"{}\"", LogText.escape(what));
    }

    /** Worker only (it reads {@link #desired}): the entries per action for {@code /status}. */
    private void countActions() {
        Map<String, Long> byAction = new LinkedHashMap<>();
        for (Action a : Action.values()) {
            byAction.put(a.text(), 0L);
        }
        desired.values().forEach(a -> byAction.merge(a.text(), 1L, Long::sum));
        stats.byAction.set(byAction);
    }

    private synchronized void publish() {
        EnforcementStatus.Mode m = emergency.get() && mode != EnforcementStatus.Mode.DISABLED && mode != EnforcementStatus.Mode.UNAVAILABLE
                ? EnforcementStatus.Mode.EMERGENCY_STOP : mode;
        stats.status.set(new EnforcementStatus(m, firewall == null ? "none" : firewall.name(), dryRunEnds, emergency.get(),
                emergencyDetail, desired.size(), failure, unavailable));
    }
}
