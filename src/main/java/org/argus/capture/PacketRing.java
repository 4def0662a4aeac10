package org.argus.capture;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded in-memory ring of the most recent captured frames, for evidence captures ({@code evidence.ring_mb}): the
 * capture thread appends every frame as it decodes it ({@link PacketDecoder#recordTo}), an evidence writer copies out
 * the frames of one address in a time range. When full, the oldest frames go first. Frames are kept as captured
 * (link header included, captured length, at most {@value #MAX_FRAME} bytes) with their timestamp, wire length and
 * the decoded source and destination addresses (zero for frames that are not IP), so a search never decodes again.
 *
 * <p>Memory: {@code bytes} in all — an index of {@code bytes / 128} frames (52 bytes each) and the rest for frame
 * bytes, so the ring holds at most one frame per 128 bytes of budget even when frames are tiny. One writer (the
 * capture thread) and any number of readers; every method synchronizes on the ring (an uncontended lock per frame:
 * a few ns).
 */
public final class PacketRing {
    /** Longest frame kept (longer ones are cut to this captured length). */
    public static final int MAX_FRAME = 65_535;
    private static final int INDEX_BYTES_PER_FRAME = 52;
    private static final int BUDGET_PER_FRAME = 128;

    private final byte[] data;
    private final int slots;
    private final long[] ts;
    private final int[] off;
    private final int[] len;
    private final int[] wire;
    private final long[] srcHi;
    private final long[] srcLo;
    private final long[] dstHi;
    private final long[] dstLo;
    /** Frames ever appended; the next frame's sequence number. */
    private long next;
    /** Sequence number of the oldest frame still held. */
    private long oldest;
    private int writePos;
    private int linkType = -1;
    private long evicted;

    /**
     * @param bytes memory budget in bytes (index and frame bytes together), at least 64 KiB
     * @throws IllegalArgumentException when {@code bytes} is below 64 KiB or above 1 GiB
     */
    public PacketRing(long bytes) {
        if (bytes < 65_536 || bytes > (1L << 30)) {
            throw new IllegalArgumentException("ring size must be 64 KiB..1 GiB, got " + bytes + " bytes");
        }
        slots = (int) (bytes / BUDGET_PER_FRAME);
        data = new byte[(int) (bytes - (long) slots * INDEX_BYTES_PER_FRAME)];
        ts = new long[slots];
        off = new int[slots];
        len = new int[slots];
        wire = new int[slots];
        srcHi = new long[slots];
        srcLo = new long[slots];
        dstHi = new long[slots];
        dstLo = new long[slots];
    }

    /** The link type of the frames held (libpcap DLT value), or -1 before the first capture started. */
    public synchronized int linkType() {
        return linkType;
    }

    /**
     * Starts a capture of another link type: frames of an earlier one are dropped (one evidence file has one link
     * type). Called by {@link PacketDecoder#recordTo}.
     */
    synchronized void linkType(int type) {
        if (type != linkType) {
            oldest = next;
            writePos = 0;
            linkType = type;
        }
    }

    /**
     * Appends one frame (capture thread). The addresses are the decoded row's ({@link PacketBatch#srcHi} …), zero for
     * a frame that is not IP.
     */
    synchronized void append(ByteBuffer d, int base, int caplen, long tsNanos, int wireLen,
                             long sHi, long sLo, long dHi, long dLo) {
        int n = Math.max(0, Math.min(Math.min(caplen, d.limit() - base), MAX_FRAME));
        n = Math.min(n, data.length);
        if (next - oldest == slots) {
            drop();
        }
        if (writePos + n > data.length) {
            // the frames still held past writePos are the previous lap's, the oldest of all: they go first
            while (oldest < next && off[slot(oldest)] >= writePos) {
                drop();
            }
            writePos = 0;
        }
        while (oldest < next && off[slot(oldest)] >= writePos && off[slot(oldest)] < writePos + n) {
            drop();
        }
        int s = slot(next);
        d.get(base, data, writePos, n);
        ts[s] = tsNanos;
        off[s] = writePos;
        len[s] = n;
        wire[s] = wireLen;
        srcHi[s] = sHi;
        srcLo[s] = sLo;
        dstHi[s] = dHi;
        dstLo[s] = dLo;
        writePos += n;
        next++;
    }

    private void drop() {
        oldest++;
        evicted++;
    }

    private int slot(long seq) {
        return (int) (seq % slots);
    }

    /** One frame copied out of the ring. */
    public record Frame(long seq, long tsNanos, int wireLen, byte[] bytes) {
    }

    /**
     * What {@link #copy} found.
     *
     * @param frames   matching frames, oldest first
     * @param over     matching frames left out because {@code maxBytes} was reached
     * @param nextSeq  the sequence number to continue from next time
     * @param lost     true when frames from {@code fromSeq} on had already left the ring (it wrapped): the range may
     *                 lack some of its packets
     * @param latestNs timestamp of the newest frame held (any address), or {@link Long#MIN_VALUE} when empty
     */
    public record Found(List<Frame> frames, long over, long nextSeq, boolean lost, long latestNs) {
    }

    /**
     * Copies the frames from sequence number {@code fromSeq} on (to the newest) whose time is in {@code [fromNs, toNs]} and whose
     * source or destination is the address {@code (hi, lo)} (the {@code IpAddress} halves), up to {@code maxBytes}
     * frame bytes; later matches are only counted.
     */
    public Found copy(long fromSeq, long fromNs, long toNs, long hi, long lo, long maxBytes) {
        return copy(fromSeq, Long.MAX_VALUE, fromNs, toNs, hi, lo, maxBytes);
    }

    /** As above, only frames with sequence numbers below {@code untilSeq}. */
    public synchronized Found copy(long fromSeq, long untilSeq, long fromNs, long toNs, long hi, long lo, long maxBytes) {
        List<Frame> out = new ArrayList<>();
        // from 0 (a first look): lost only when the oldest frame held is already inside the range; from a later
        // sequence number (a continuation): any frame pushed out since may have been one of ours
        boolean lost = fromSeq < oldest && (fromSeq > 0 || ts[slot(oldest)] > fromNs);
        long bytes = 0;
        long over = 0;
        for (long q = Math.max(fromSeq, oldest), end = Math.min(next, untilSeq); q < end; q++) {
            int s = slot(q);
            long t = ts[s];
            if (t < fromNs || t > toNs) {
                continue;
            }
            if ((srcHi[s] == hi && srcLo[s] == lo) || (dstHi[s] == hi && dstLo[s] == lo)) {
                if (bytes + len[s] > maxBytes) {
                    over++;
                    continue;
                }
                byte[] b = new byte[len[s]];
                System.arraycopy(data, off[s], b, 0, len[s]);
                out.add(new Frame(q, t, wire[s], b));
                bytes += b.length;
            }
        }
        return new Found(out, over, next, lost, next > oldest ? ts[slot(next - 1)] : Long.MIN_VALUE);
    }

    /** Sequence number the next frame will get (frames appended so far). */
    public synchronized long nextSeq() {
        return next;
    }

    /** Frames pushed out to make room, since start. */
    public synchronized long evicted() {
        return evicted;
    }

    /** Frames held now. */
    public synchronized int size() {
        return (int) (next - oldest);
    }
}
