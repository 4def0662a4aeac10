package org.argus.flow;

import java.util.List;

/**
 * A closed window: what the flow stage publishes on {@code argus.window.closed}. Immutable.
 *
 * <p>Windows are aligned to the epoch: a packet with time t belongs to the window starting at
 * {@code floor(t / length) * length}. Only windows with at least one frame are published.
 *
 * @param startNanos window start, ns since the epoch (inclusive)
 * @param endNanos   window end, ns since the epoch (exclusive)
 * @param totals     totals over every frame in the window
 * @param flows      the flows with at least one packet in the window, in no particular order
 */
public record FlowWindow(long startNanos, long endNanos, WindowTotals totals, List<FlowRecord> flows) {
    public FlowWindow {
        flows = List.copyOf(flows);
    }

    /** Window length in seconds. */
    public double durationSeconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
