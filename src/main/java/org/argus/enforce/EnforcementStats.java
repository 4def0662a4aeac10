package org.argus.enforce;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Enforcement's counters and its status snapshot, written by the {@link Enforcer} only and read by {@code /status},
 * {@code /metrics}, {@code stats.json} and the dashboard. Thread-safe.
 */
public final class EnforcementStats {
    /** Would-be block actions logged since start (dry-run, monitor-only). */
    public final LongAdder wouldBlockActions = new LongAdder();
    /** Firewall batches applied (install, reconcile, add/remove batches). */
    public final LongAdder enforcementActions = new LongAdder();
    /** Firewall commands that failed. */
    public final LongAdder enforcementErrors = new LongAdder();
    /** Members of the kernel sets after the last change we made. */
    public final AtomicLong kernelMembers = new AtomicLong();
    /** Threat-feed blocks in the kernel's feed sets now ({@code intel.block_listed}; 0 when not enforcing). */
    public final AtomicLong listedInKernel = new AtomicLong();
    /** Threat-feed blocks the enforcer holds (what enforcing would put into the kernel), after the allowlist. */
    public final AtomicLong listedWanted = new AtomicLong();
    /** Emergency stops carried out. */
    public final LongAdder emergencyStops = new LongAdder();
    /** The last enforcement error, or null. */
    public final AtomicReference<String> enforcementLastError = new AtomicReference<>();
    /** Entries the enforcer holds per action ({@code ban}, {@code rate_limit}, {@code quarantine}), as last published. */
    public final AtomicReference<java.util.Map<String, Long>> byAction = new AtomicReference<>(java.util.Map.of());
    /** Where the sensor sits (bridge, bridge port or neither), read at start. */
    public final AtomicReference<Topology> topology = new AtomicReference<>(Topology.NONE);
    /** Where the backend enforces ({@link Firewall#hook()}), as of the last install. */
    public final AtomicReference<String> hook = new AtomicReference<>("none");
    /** Packets dropped per ban (backends that count per entry: xdp), as of the last refresh; empty otherwise. */
    public final AtomicReference<java.util.Map<String, Long>> droppedByBan = new AtomicReference<>(java.util.Map.of());
    /** Whole-backend packet counters ({@link Firewall#totals()}), as of the last refresh; empty otherwise. */
    public final AtomicReference<java.util.Map<String, Long>> backendTotals = new AtomicReference<>(java.util.Map.of());
    /** The enforcer's state as last published (mode null before start). */
    public final AtomicReference<EnforcementStatus> status =
            new AtomicReference<>(new EnforcementStatus(null, "none", null, false, "", 0, null, null));
}
