package org.argus.flow;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.argus.capture.Malformed;

/**
 * The flow stage's counters: frames decoded and what they were (IP, not IP, fragments, malformed by reason), windows
 * and flow records published, and what was left out of flows. Written by the window assembler (once per batch or
 * window, never per packet), read by {@code /status}, {@code /metrics}, the replay summary and the health monitor.
 * Thread-safe.
 */
public final class FlowStats {
    /** Frames read (every frame, whatever it carried). */
    public final LongAdder packets = new LongAdder();
    /** Wire bytes of those frames. */
    public final LongAdder bytes = new LongAdder();
    /** Frames with an IP header. */
    public final LongAdder ipPackets = new LongAdder();
    /** Frames that are not IP. */
    public final LongAdder nonIp = new LongAdder();
    /** Non-first IP fragments. */
    public final LongAdder fragments = new LongAdder();
    /** Frames captured shorter than their wire length (snaplen). */
    public final LongAdder snaplenTruncated = new LongAdder();
    /** Frames older than the open window (out-of-order input). */
    public final LongAdder latePackets = new LongAdder();
    /** Packets left out of flows because the flow table or the per-window cap was full. */
    public final LongAdder flowsDroppedPackets = new LongAdder();
    /** Windows closed and published. */
    public final LongAdder windows = new LongAdder();
    /** Flow records published (one per flow per window). */
    public final LongAdder flowRecords = new LongAdder();
    /** Flows evicted for idleness. */
    public final LongAdder flowsEvicted = new LongAdder();

    /** Payload bytes kept for payload inspection ({@code payload.capture_bytes} per flow and direction). */
    public final LongAdder payloadBytesKept = new LongAdder();
    /** Payload bytes not kept because the window's budget ({@code payload.window_mb}) was spent. */
    public final LongAdder payloadBytesShed = new LongAdder();

    /** Backward time steps larger than one window, each starting a new segment (flows forgotten, windows restart). */
    public final LongAdder timeJumps = new LongAdder();

    private final AtomicLongArray malformed = new AtomicLongArray(Malformed.count());

    /** Adds {@code n} frames with the given reason. */
    public void addMalformed(Malformed reason, long n) {
        malformed.addAndGet(reason.ordinal(), n);
    }

    /** Frames with the given reason so far. */
    public long malformed(Malformed reason) {
        return malformed.get(reason.ordinal());
    }
}
