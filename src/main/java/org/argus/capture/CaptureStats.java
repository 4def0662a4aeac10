package org.argus.capture;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The capture stage's counters: what the kernel and the hand-off queue dropped, and problems of capture files as a
 * whole (a file cut short, corrupt, or with bad records). Written by the capture thread and its queue, read by
 * {@code /status}, {@code /metrics} and the health monitor. Thread-safe; added once per batch or per file.
 */
public final class CaptureStats {
    /** Batches the capture thread dropped because the queue to the flow stage was full (live only). */
    public final LongAdder queueDroppedBatches = new LongAdder();
    /** Packets in those batches. */
    public final LongAdder queueDroppedPackets = new LongAdder();
    /** Packets handed to the flow stage and not yet processed (the capture queue). */
    public final AtomicLong queuedPackets = new AtomicLong();
    /** Packets the kernel handed to libpcap ({@code pcap_stats ps_recv}, live). */
    public final AtomicLong kernelReceived = new AtomicLong();
    /** Packets dropped in the kernel buffer ({@code pcap_stats ps_drop}, live). */
    public final AtomicLong kernelDropped = new AtomicLong();
    /** Packets dropped by the interface or driver ({@code pcap_stats ps_ifdrop}, live). */
    public final AtomicLong interfaceDropped = new AtomicLong();

    private final AtomicLongArray fileProblems = new AtomicLongArray(Malformed.count());

    /** Adds {@code n} file-level problems ({@link Malformed#TRUNCATED_FILE}, {@code BAD_RECORD}, {@code CORRUPT_FILE}). */
    public void addFileProblem(Malformed reason, long n) {
        fileProblems.addAndGet(reason.ordinal(), n);
    }

    /** File-level problems with the given reason so far. */
    public long fileProblems(Malformed reason) {
        return fileProblems.get(reason.ordinal());
    }
}
