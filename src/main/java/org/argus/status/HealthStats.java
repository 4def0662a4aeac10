package org.argus.status;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The health monitor's own numbers: checks passed and the alerts in force (a read-only snapshot it replaces).
 * Thread-safe.
 */
public final class HealthStats {
    /** Health checks (every 5 s) that found no critical alert. */
    public final LongAdder healthChecksPassed = new LongAdder();
    /** The health alerts in force (set by the health monitor), oldest first. */
    public final AtomicReference<java.util.List<Alert>> alerts =
            new AtomicReference<>(java.util.List.of());
}
