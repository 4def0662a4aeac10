package org.argus.flow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The flow table: an open-addressing hash table (linear probing, backward-shift deletion) keyed by the canonical
 * 5-tuple, with every field in a primitive array, so a packet costs one probe and no allocation.
 *
 * <p>Canonical key: endpoint A is the smaller of the two (address, port) pairs, comparing address bytes as unsigned
 * and then the port, so both directions of a conversation land in one slot. The slot remembers which endpoint sent
 * the first packet (the originator) until the flow is evicted for idleness.
 *
 * <p>Per-window counters live in the same slots; {@link #emit} turns the flows active in the current window into
 * {@link FlowRecord}s and resets them. Memory is bounded: the table grows by doubling up to room for
 * {@code maxFlows} flows and then refuses new flows ({@link #account} returns false and the caller counts the drop).
 * Not thread-safe: one owner thread.
 */
public final class FlowTable {
    private static final int META_V6 = 1 << 8;
    private static final int META_USED = 1 << 9;
    private static final int META_ORIG_IS_A = 1 << 10;

    private final int maxFlows;
    private final int maxFlowsPerWindow;

    private int mask;
    private int size;
    private long[] aHi, aLo, bHi, bLo;
    private int[] ports;
    private int[] meta;
    private long[] lastSeenEver;
    private int[] windowMark;
    private long[] firstSeen, lastSeen;
    private long[] pktAB, pktBA, byteAB, byteBA;
    private int[] syn, synAck, fin, rst, psh, ack, unusual, flagsAB, flagsBA;
    private int[] sizeMin, sizeMax, icmpTypeCode;
    private double[] sizeSq, iatSq;
    /** Ethernet source address last seen sending from endpoint a / b of the flow (0: none seen). */
    private long[] macA, macB;

    /** Payload capture ({@link #payload}): bytes kept per flow and direction, and per window; 0: off. */
    private int payloadBytes;
    private long payloadWindowBytes;
    /** Per slot, endpoint a's / b's payload bytes kept in this window (null: none), and bytes kept so far in its life. */
    private byte[][] payA, payB;
    private int[] payDoneA, payDoneB;
    private long payloadWindowUsed, payloadKept, payloadShed;
    /** The slot and direction of the packet {@link #account} last put in a flow. */
    private int lastSlot;
    private boolean lastSrcIsA;

    private int[] active = new int[1024];
    /** A {@link #grow} failed for want of heap: the table keeps its size from then on. */
    private boolean growFailed;
    private int activeCount;
    private int windowSerial = 1;

    /**
     * @param maxFlows          most flows tracked at once (memory bound)
     * @param maxFlowsPerWindow most distinct flows accounted in one window
     */
    public FlowTable(int maxFlows, int maxFlowsPerWindow) {
        this(maxFlows, maxFlowsPerWindow, 0, 0);
    }

    /**
     * A table that also keeps payload bytes ({@link #payload}).
     *
     * @param maxFlows           most flows tracked at once (memory bound)
     * @param maxFlowsPerWindow  most distinct flows accounted in one window
     * @param payloadBytes       payload bytes kept per flow and direction over the flow's life (0: none)
     * @param payloadWindowBytes payload bytes kept per window at most (beyond: shed and counted)
     */
    public FlowTable(int maxFlows, int maxFlowsPerWindow, int payloadBytes, long payloadWindowBytes) {
        if (maxFlows < 1 || maxFlowsPerWindow < 1 || payloadBytes < 0 || payloadWindowBytes < 0) {
            throw new IllegalArgumentException("flow limits must be positive");
        }
        this.maxFlows = maxFlows;
        this.maxFlowsPerWindow = maxFlowsPerWindow;
        this.payloadBytes = payloadBytes;
        this.payloadWindowBytes = payloadWindowBytes;
        allocate(Math.min(1024, capacityFor(maxFlows)));
    }

    private static int capacityFor(int flows) {
        long c = Long.highestOneBit(Math.max(16L, (long) flows * 2 - 1)) << 1;
        return (int) Math.min(c, 1 << 30);
    }

    private void allocate(int capacity) {
        mask = capacity - 1;
        aHi = new long[capacity];
        aLo = new long[capacity];
        bHi = new long[capacity];
        bLo = new long[capacity];
        ports = new int[capacity];
        meta = new int[capacity];
        lastSeenEver = new long[capacity];
        windowMark = new int[capacity];
        firstSeen = new long[capacity];
        lastSeen = new long[capacity];
        pktAB = new long[capacity];
        pktBA = new long[capacity];
        byteAB = new long[capacity];
        byteBA = new long[capacity];
        syn = new int[capacity];
        synAck = new int[capacity];
        fin = new int[capacity];
        rst = new int[capacity];
        psh = new int[capacity];
        ack = new int[capacity];
        unusual = new int[capacity];
        flagsAB = new int[capacity];
        flagsBA = new int[capacity];
        sizeMin = new int[capacity];
        sizeMax = new int[capacity];
        icmpTypeCode = new int[capacity];
        sizeSq = new double[capacity];
        iatSq = new double[capacity];
        macA = new long[capacity];
        macB = new long[capacity];
        if (payloadBytes > 0) {
            payA = new byte[capacity][];
            payB = new byte[capacity][];
            payDoneA = new int[capacity];
            payDoneB = new int[capacity];
        }
    }

    /** Flows currently tracked. */
    public int size() {
        return size;
    }

    /** Flows with at least one packet in the current window. */
    public int activeInWindow() {
        return activeCount;
    }

    /**
     * Accounts one packet to its flow, creating the flow (with the sender as originator) when it is new.
     *
     * @param proto   IP protocol
     * @param v6      IPv6 addresses
     * @param sHi     source address, high half
     * @param sLo     source address, low half
     * @param dHi     destination address, high half
     * @param dLo     destination address, low half
     * @param sport   source port (0 when none)
     * @param dport   destination port (0 when none)
     * @param tsNanos packet time
     * @param bytes   wire bytes
     * @param flags   TCP flags byte (0 for non-TCP)
     * @param icmpTypeCode ICMP/ICMPv6 {@code type << 8 | code} as a signed short, -1 when unknown or not ICMP
     * @return false when the packet could not be put in a flow (table or per-window cap full)
     */
    public boolean account(int proto, boolean v6, long sHi, long sLo, long dHi, long dLo, int sport, int dport,
                           long tsNanos, int bytes, int flags, int icmpTypeCode) {
        return account(proto, v6, sHi, sLo, dHi, dLo, sport, dport, tsNanos, bytes, flags, icmpTypeCode, 0);
    }

    /**
     * As above, with the frame's Ethernet source address ({@code srcMac}, 0 when the link has none): kept per flow
     * and endpoint, the latest wins, and emitted as {@link FlowRecord#originatorMac()} and
     * {@link FlowRecord#responderMac()}.
     */
    public boolean account(int proto, boolean v6, long sHi, long sLo, long dHi, long dLo, int sport, int dport,
                           long tsNanos, int bytes, int flags, int icmpTypeCode, long srcMac) {
        int c = Long.compareUnsigned(sHi, dHi);
        if (c == 0) {
            c = Long.compareUnsigned(sLo, dLo);
        }
        if (c == 0) {
            c = Integer.compare(sport, dport);
        }
        boolean srcIsA = c <= 0;
        long kaHi = srcIsA ? sHi : dHi, kaLo = srcIsA ? sLo : dLo, kbHi = srcIsA ? dHi : sHi, kbLo = srcIsA ? dLo : sLo;
        int kPorts = srcIsA ? (sport << 16) | dport : (dport << 16) | sport;
        int kMeta = proto | (v6 ? META_V6 : 0) | META_USED;

        int slot = (int) hash(kaHi, kaLo, kbHi, kbLo, kPorts, kMeta) & mask;
        while (true) {
            int m = meta[slot];
            if (m == 0) {
                break;
            }
            if ((m & ~META_ORIG_IS_A) == kMeta && ports[slot] == kPorts && aLo[slot] == kaLo && bLo[slot] == kbLo
                    && aHi[slot] == kaHi && bHi[slot] == kbHi) {
                if (this.icmpTypeCode[slot] < 0 && icmpTypeCode != -1) {
                    this.icmpTypeCode[slot] = icmpTypeCode & 0xffff;
                }
                if (srcMac != 0) {
                    (srcIsA ? macA : macB)[slot] = srcMac;
                }
                return count(slot, srcIsA, tsNanos, bytes, proto, flags);
            }
            slot = (slot + 1) & mask;
        }
        // New flow.
        if (size >= maxFlows || activeCount >= maxFlowsPerWindow) {
            return false;
        }
        if ((size + 1) * 2L > mask + 1 && mask + 1 < capacityFor(maxFlows) && !growFailed) {
            if (grow()) {
                return account(proto, v6, sHi, sLo, dHi, dLo, sport, dport, tsNanos, bytes, flags, icmpTypeCode, srcMac);
            }
        }
        if (growFailed && (size + 1) * 4L > (mask + 1) * 3L) {
            return false; // could not grow: keep probing short, refuse (and count) new flows
        }
        size++;
        meta[slot] = kMeta | (srcIsA ? META_ORIG_IS_A : 0);
        aHi[slot] = kaHi;
        aLo[slot] = kaLo;
        bHi[slot] = kbHi;
        bLo[slot] = kbLo;
        ports[slot] = kPorts;
        windowMark[slot] = 0;
        lastSeenEver[slot] = tsNanos;
        this.icmpTypeCode[slot] = icmpTypeCode == -1 ? -1 : icmpTypeCode & 0xffff;
        macA[slot] = srcIsA ? srcMac : 0;
        macB[slot] = srcIsA ? 0 : srcMac;
        if (payA != null) {
            payA[slot] = payB[slot] = null;
            payDoneA[slot] = payDoneB[slot] = 0;
        }
        return count(slot, srcIsA, tsNanos, bytes, proto, flags);
    }

    private boolean count(int slot, boolean srcIsA, long ts, int bytes, int proto, int flags) {
        lastSlot = slot;
        lastSrcIsA = srcIsA;
        if (windowMark[slot] != windowSerial) {
            if (activeCount >= maxFlowsPerWindow) {
                return false;
            }
            windowMark[slot] = windowSerial;
            if (activeCount == active.length) {
                active = Arrays.copyOf(active, active.length * 2);
            }
            active[activeCount++] = slot;
            firstSeen[slot] = ts;
            lastSeen[slot] = ts;
            pktAB[slot] = pktBA[slot] = byteAB[slot] = byteBA[slot] = 0;
            syn[slot] = synAck[slot] = fin[slot] = rst[slot] = psh[slot] = ack[slot] = unusual[slot] = flagsAB[slot] = flagsBA[slot] = 0;
            sizeMin[slot] = bytes;
            sizeMax[slot] = bytes;
            sizeSq[slot] = 0;
            iatSq[slot] = 0;
        } else {
            if (ts < firstSeen[slot]) {
                firstSeen[slot] = ts;
            }
            if (ts > lastSeen[slot]) {
                double gap = (ts - lastSeen[slot]) * 1e-9;
                iatSq[slot] += gap * gap;
                lastSeen[slot] = ts;
            }
            if (bytes < sizeMin[slot]) {
                sizeMin[slot] = bytes;
            }
            if (bytes > sizeMax[slot]) {
                sizeMax[slot] = bytes;
            }
        }
        sizeSq[slot] += (double) bytes * bytes;
        if (ts > lastSeenEver[slot]) {
            lastSeenEver[slot] = ts;
        }
        if (srcIsA) {
            pktAB[slot]++;
            byteAB[slot] += bytes;
        } else {
            pktBA[slot]++;
            byteBA[slot] += bytes;
        }
        if (proto == 6) {
            if (srcIsA) {
                flagsAB[slot] |= flags;
            } else {
                flagsBA[slot] |= flags;
            }
            if (TcpFlagCounts.unusual(flags)) {
                unusual[slot]++;
            }
        }
        if (proto == 6 && flags != 0) {
            boolean s = (flags & 0x02) != 0, a = (flags & 0x10) != 0;
            if (s && !a) {
                syn[slot]++;
            } else if (s) {
                synAck[slot]++;
            }
            if ((flags & 0x01) != 0) {
                fin[slot]++;
            }
            if ((flags & 0x04) != 0) {
                rst[slot]++;
            }
            if ((flags & 0x08) != 0) {
                psh[slot]++;
            }
            if (a) {
                ack[slot]++;
            }
        }
        return true;
    }

    /** True when this table keeps payload bytes. */
    public boolean keepsPayloads() {
        return payA != null;
    }

    /**
     * Starts keeping payloads in a table made without ({@link org.argus.capture.PayloadCapture}: a payload model
     * appeared after the start). Flows already open keep none (their first bytes went by); new flows do. Does nothing
     * when payloads are already kept or {@code bytes} is 0.
     */
    public void keepPayloads(int bytes, long windowBytes) {
        if (payA != null || bytes <= 0) {
            return;
        }
        payloadBytes = bytes;
        payloadWindowBytes = windowBytes;
        int capacity = aHi.length;
        payA = new byte[capacity][];
        payB = new byte[capacity][];
        payDoneA = new int[capacity];
        payDoneB = new int[capacity];
        java.util.Arrays.fill(payDoneA, bytes);
        java.util.Arrays.fill(payDoneB, bytes);
    }

    /**
     * Keeps payload bytes of the packet {@link #account} just put in a flow (call only after it returned true): as
     * many of {@code src[off, off + len)} as the flow's direction still takes (the first {@code payloadBytes} it
     * sent, over the flow's life) and the window's budget allows; what the budget refuses is counted
     * ({@link #payloadBytesShed}). Does nothing when the table keeps no payloads.
     */
    public void payload(byte[] src, int off, int len) {
        if (payA == null || len <= 0) {
            return;
        }
        int s = lastSlot;
        int[] done = lastSrcIsA ? payDoneA : payDoneB;
        int take = Math.min(len, payloadBytes - done[s]);
        if (take <= 0) {
            return;
        }
        if (payloadWindowUsed + take > payloadWindowBytes) {
            payloadShed += take;
            done[s] = payloadBytes; // this direction's start is lost; later bytes would not be its first
            return;
        }
        byte[][] pay = lastSrcIsA ? payA : payB;
        byte[] old = pay[s];
        int have = old == null ? 0 : old.length;
        byte[] b = old == null ? new byte[take] : Arrays.copyOf(old, have + take);
        System.arraycopy(src, off, b, have, take);
        pay[s] = b;
        done[s] += take;
        payloadWindowUsed += take;
        payloadKept += take;
    }

    /** Payload bytes kept so far (all windows). */
    public long payloadBytesKept() {
        return payloadKept;
    }

    /** Payload bytes not kept for the per-window budget so far (all windows). */
    public long payloadBytesShed() {
        return payloadShed;
    }

    /**
     * The flows active in the current window as records, oriented originator → responder; then starts a new window
     * (per-window counters start from zero, originators are kept).
     */
    public List<FlowRecord> emit() {
        return emit(null);
    }

    /**
     * As {@link #emit()}, also handing over the window's kept payloads ({@link #payload}) to {@code payloads}, each
     * naming its flow's index in the returned list; null drops them.
     */
    public List<FlowRecord> emit(List<FlowPayload> payloads) {
        List<FlowRecord> out = new ArrayList<>(activeCount);
        for (int k = 0; k < activeCount; k++) {
            int s = active[k];
            out.add(record(s));
            if (payA != null && (payA[s] != null || payB[s] != null)) {
                if (payloads != null) {
                    boolean origIsA = (meta[s] & META_ORIG_IS_A) != 0;
                    payloads.add(origIsA ? new FlowPayload(k, payA[s], payB[s]) : new FlowPayload(k, payB[s], payA[s]));
                }
                payA[s] = payB[s] = null;
            }
        }
        payloadWindowUsed = 0;
        activeCount = 0;
        if (++windowSerial == 0) {
            windowSerial = 1;
            Arrays.fill(windowMark, 0);
        }
        return out;
    }

    /** Slot {@code s}'s flow in the current window as a record, oriented originator → responder. */
    private FlowRecord record(int s) {
        int m = meta[s];
        boolean v6 = (m & META_V6) != 0;
        boolean origIsA = (m & META_ORIG_IS_A) != 0;
        IpAddress a = new IpAddress(aHi[s], aLo[s], v6);
        IpAddress b = new IpAddress(bHi[s], bLo[s], v6);
        int pa = ports[s] >>> 16, pb = ports[s] & 0xffff;
        int proto = m & 0xff;
        TcpFlagCounts f = proto == 6
                ? new TcpFlagCounts(syn[s], synAck[s], fin[s], rst[s], psh[s], ack[s], unusual[s],
                origIsA ? flagsAB[s] : flagsBA[s], origIsA ? flagsBA[s] : flagsAB[s]) : TcpFlagCounts.NONE;
        PacketShape shape = new PacketShape(sizeMin[s], sizeMax[s], sizeSq[s], iatSq[s], icmpTypeCode[s]);
        return origIsA
                ? new FlowRecord(proto, a, pa, b, pb, pktAB[s], byteAB[s], pktBA[s], byteBA[s], firstSeen[s], lastSeen[s], f, shape, macA[s], macB[s])
                : new FlowRecord(proto, b, pb, a, pa, pktBA[s], byteBA[s], pktAB[s], byteAB[s], firstSeen[s], lastSeen[s], f, shape, macB[s], macA[s]);
    }

    /** Buckets of the early-firing sketch ({@link #peekBusy}). */
    private static final int BUSY_BUCKETS = 1 << 16;
    /** Per bucket of originator hashes: flows in this window, packets sent in them (allocated at the first look). */
    private int[] busyFlows;
    private long[] busyPackets;

    /**
     * Early firing: the current window's flows so far whose originator is <em>busy</em> — at least {@code minFlows}
     * flows in this window, or at least {@code minPackets} packets sent in them — without ending the window (no
     * counter is reset). Originators are counted in a fixed sketch of {@value #BUSY_BUCKETS} buckets by address hash
     * (768 KiB, whatever the window holds): buckets shared by several originators can only over-count, so every busy
     * originator is found, plus at most a few quiet ones (a flood's spoofed sources), which the heuristics then judge
     * on their own flows. Originators in {@code skip} are left out with their buckets. Of the picked flows only the settled ones are returned: the responder answered, or the
     * first packet in the window came at or before {@code settledBefore}, so a handshake still in flight is not taken
     * for a failed one. Costs two passes over the window's flows.
     *
     * @param minFlows      flows in this window that make an originator busy
     * @param minPackets    packets sent in this window that make an originator busy
     * @param settledBefore packet time (ns) up to which an unanswered flow counts as settled
     * @param skip          originators left out (already reported this window); may be empty, never null
     * @param maxRecords    most records returned; the rest are left out
     * @return records oriented originator → responder, in first-packet order of the window (possibly empty)
     */
    public List<FlowRecord> peekBusy(int minFlows, long minPackets, long settledBefore, java.util.Set<IpAddress> skip,
                                     int maxRecords) {
        if (busyFlows == null) {
            busyFlows = new int[BUSY_BUCKETS];
            busyPackets = new long[BUSY_BUCKETS];
        } else {
            Arrays.fill(busyFlows, 0);
            Arrays.fill(busyPackets, 0);
        }
        for (int k = 0; k < activeCount; k++) {
            int s = active[k];
            boolean origIsA = (meta[s] & META_ORIG_IS_A) != 0;
            int b = busyBucket(s, origIsA);
            busyFlows[b]++;
            busyPackets[b] += origIsA ? pktAB[s] : pktBA[s];
        }
        // originators already reported are out, with their buckets (a quiet one sharing such a bucket waits for the
        // window's close): after an attacker fired, the window's later looks cost this one pass
        for (IpAddress a : skip) {
            int b = busyBucket(a.hi(), a.lo(), a.v6() ? META_V6 : 0);
            busyFlows[b] = 0;
            busyPackets[b] = 0;
        }
        boolean any = false;
        for (int b = 0; b < BUSY_BUCKETS && !any; b++) {
            any = busyFlows[b] >= minFlows || busyPackets[b] >= minPackets;
        }
        List<FlowRecord> out = new ArrayList<>();
        if (!any) {
            return out;
        }
        for (int k = 0; k < activeCount && out.size() < maxRecords; k++) {
            int s = active[k];
            boolean origIsA = (meta[s] & META_ORIG_IS_A) != 0;
            int b = busyBucket(s, origIsA);
            if (busyFlows[b] < minFlows && busyPackets[b] < minPackets) {
                continue;
            }
            long answered = origIsA ? pktBA[s] : pktAB[s];
            if (answered == 0 && firstSeen[s] > settledBefore) {
                continue;
            }
            out.add(record(s));
        }
        return out;
    }

    private int busyBucket(int s, boolean origIsA) {
        return busyBucket(origIsA ? aHi[s] : bHi[s], origIsA ? aLo[s] : bLo[s], meta[s] & META_V6);
    }

    private static int busyBucket(long hi, long lo, int v6) {
        return (int) (hash(hi, lo, 0, 0, 0, v6) >>> 40) & (BUSY_BUCKETS - 1);
    }

    /**
     * Removes flows idle for longer than their protocol's timeout. Call between windows (after {@link #emit}).
     *
     * @param nowNanos         current packet time
     * @param tcpTimeoutNanos  idle timeout for TCP
     * @param udpTimeoutNanos  idle timeout for UDP
     * @param icmpTimeoutNanos idle timeout for ICMP and ICMPv6
     * @param otherTimeoutNanos idle timeout for other protocols
     * @return flows removed
     */
    public int evictIdle(long nowNanos, long tcpTimeoutNanos, long udpTimeoutNanos, long icmpTimeoutNanos, long otherTimeoutNanos) {
        if (activeCount != 0) {
            throw new IllegalStateException("evict only between windows");
        }
        int removed = 0;
        for (int s = 0; s <= mask; ) {
            int m = meta[s];
            if (m != 0) {
                int proto = m & 0xff;
                long timeout = proto == 6 ? tcpTimeoutNanos : proto == 17 ? udpTimeoutNanos
                        : proto == 1 || proto == 58 ? icmpTimeoutNanos : otherTimeoutNanos;
                if (nowNanos - lastSeenEver[s] > timeout) {
                    delete(s);
                    removed++;
                    continue; // another entry may have shifted into s
                }
            }
            s++;
        }
        return removed;
    }

    /**
     * Forgets every flow (a new capture segment after a backward time step); only between windows.
     *
     * @return flows forgotten
     */
    public int forgetAll() {
        if (activeCount != 0) {
            throw new IllegalStateException("forget only between windows");
        }
        int n = size;
        java.util.Arrays.fill(meta, 0);
        size = 0;
        return n;
    }

    private void delete(int hole) {
        size--;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            int m = meta[j];
            if (m == 0) {
                break;
            }
            int home = (int) hash(aHi[j], aLo[j], bHi[j], bLo[j], ports[j], m & ~META_ORIG_IS_A) & mask;
            // Move j into the hole unless its home lies cyclically in (hole, j].
            boolean between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!between) {
                moveSlot(j, hole);
                hole = j;
            }
        }
        meta[hole] = 0;
    }

    private void moveSlot(int from, int to) {
        copyFrom(this, from, to);
    }

    /**
     * Doubles the table. When the heap cannot hold the bigger arrays, the table stays as it was, whole, and stops
     * growing (new flows beyond three quarters full are then refused and counted as drops): a flood must not leave
     * it half-allocated.
     *
     * @return false when the heap refused
     */
    private boolean grow() {
        FlowTable old = new FlowTable(this);
        try {
            allocate((mask + 1) * 2);
        } catch (OutOfMemoryError e) {
            restore(old);
            growFailed = true;
            return false;
        }
        activeCount = 0;
        for (int s = 0; s <= old.mask; s++) {
            int m = old.meta[s];
            if (m == 0) {
                continue;
            }
            int t = (int) hash(old.aHi[s], old.aLo[s], old.bHi[s], old.bLo[s], old.ports[s], m & ~META_ORIG_IS_A) & mask;
            while (meta[t] != 0) {
                t = (t + 1) & mask;
            }
            copyFrom(old, s, t);
            if (windowMark[t] == windowSerial) {
                if (activeCount == active.length) {
                    active = Arrays.copyOf(active, active.length * 2);
                }
                active[activeCount++] = t;
            }
        }
        return true;
    }

    /** Takes the mask and arrays of {@code t} (shared, not copied): a snapshot, or back after a failed {@link #grow}. */
    private void restore(FlowTable t) {
        mask = t.mask;
        aHi = t.aHi; aLo = t.aLo; bHi = t.bHi; bLo = t.bLo;
        ports = t.ports; meta = t.meta; lastSeenEver = t.lastSeenEver; windowMark = t.windowMark;
        firstSeen = t.firstSeen; lastSeen = t.lastSeen;
        pktAB = t.pktAB; pktBA = t.pktBA; byteAB = t.byteAB; byteBA = t.byteBA;
        syn = t.syn; synAck = t.synAck; fin = t.fin; rst = t.rst; psh = t.psh; ack = t.ack;
        unusual = t.unusual; flagsAB = t.flagsAB; flagsBA = t.flagsBA;
        sizeMin = t.sizeMin; sizeMax = t.sizeMax; icmpTypeCode = t.icmpTypeCode; sizeSq = t.sizeSq; iatSq = t.iatSq;
        macA = t.macA; macB = t.macB;
        payA = t.payA; payB = t.payB; payDoneA = t.payDoneA; payDoneB = t.payDoneB;
    }

    /** Snapshot of the arrays (shares them) for rehashing. */
    private FlowTable(FlowTable t) {
        maxFlows = t.maxFlows;
        maxFlowsPerWindow = t.maxFlowsPerWindow;
        payloadBytes = t.payloadBytes;
        payloadWindowBytes = t.payloadWindowBytes;
        restore(t);
    }

    private void copyFrom(FlowTable o, int from, int to) {
        aHi[to] = o.aHi[from];
        aLo[to] = o.aLo[from];
        bHi[to] = o.bHi[from];
        bLo[to] = o.bLo[from];
        ports[to] = o.ports[from];
        meta[to] = o.meta[from];
        lastSeenEver[to] = o.lastSeenEver[from];
        windowMark[to] = o.windowMark[from];
        firstSeen[to] = o.firstSeen[from];
        lastSeen[to] = o.lastSeen[from];
        pktAB[to] = o.pktAB[from];
        pktBA[to] = o.pktBA[from];
        byteAB[to] = o.byteAB[from];
        byteBA[to] = o.byteBA[from];
        syn[to] = o.syn[from];
        synAck[to] = o.synAck[from];
        fin[to] = o.fin[from];
        rst[to] = o.rst[from];
        psh[to] = o.psh[from];
        ack[to] = o.ack[from];
        unusual[to] = o.unusual[from];
        flagsAB[to] = o.flagsAB[from];
        flagsBA[to] = o.flagsBA[from];
        sizeMin[to] = o.sizeMin[from];
        sizeMax[to] = o.sizeMax[from];
        icmpTypeCode[to] = o.icmpTypeCode[from];
        sizeSq[to] = o.sizeSq[from];
        iatSq[to] = o.iatSq[from];
        macA[to] = o.macA[from];
        macB[to] = o.macB[from];
        if (payA != null) {
            payA[to] = o.payA[from];
            payB[to] = o.payB[from];
            payDoneA[to] = o.payDoneA[from];
            payDoneB[to] = o.payDoneB[from];
        }
    }

    private static long hash(long aHi, long aLo, long bHi, long bLo, int ports, int meta) {
        long h = aHi * 0x9E3779B97F4A7C15L;
        h = (h ^ aLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ bHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ bLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ (((long) meta << 32) | (ports & 0xffffffffL))) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 31);
    }
}
