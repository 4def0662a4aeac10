package org.argus.flow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.argus.capture.CaptureException;
import org.argus.capture.Malformed;
import org.argus.capture.PacketBatch;
import org.argus.capture.PcapFileReader;

/**
 * Cuts decoded packets into epoch-aligned windows of bidirectional flows and hands each closed window to a sink.
 *
 * <p>A packet with time t belongs to the window {@code [floor(t/len)*len, +len)}. The open window closes when a
 * packet at or past its end arrives ({@link #accept}: packet time, for files and live alike), when the clock passes
 * its end plus the grace ({@link #advanceClock}: live only), or at {@link #flush} (end of file, clean stop). A packet
 * at most one window older than the open window (out-of-order input) is counted in the open window and as late.
 *
 * <p>Time going backwards by more than one window (a capture file holding the same traffic twice, {@code mergecap -a}
 * of two captures, a live clock stepped back) starts a new <em>segment</em>: the open window is closed, every flow is
 * forgotten, and windows start again from the earlier time, so each packet lands in the window of its own timestamp.
 * The same window start can then be emitted once per segment; per-window totals summed over segments equal those of
 * a tool that sorts by time (tshark). Counted as {@code time_jumps}. Empty windows are never emitted. Flows idle past their protocol's timeout are forgotten between windows, checked at most every
 * {@code min(timeout)/2} of packet time.
 *
 * <p>Not thread-safe: one owner (the flow verticle's event loop, or the replay thread).
 */
public final class WindowAssembler {
    /** Batches in flight between the file reader thread and the assembler when reading a file ({@link #readFile}). */
    private static final int READ_AHEAD_BATCHES = 4;

    private final long windowNanos;
    private final long graceNanos;
    private final FlowSettings settings;
    private final FlowTable table;
    private final Consumer<FlowWindow> sink;
    private final FlowStats stats;
    private final long sweepEveryNanos;

    private boolean open;
    private long start;
    private long end;
    /** Latest packet time in the open window, ns. */
    private long latest;
    private long lastSweep = Long.MIN_VALUE;

    private long packets, bytes, ipPackets, tcp, udp, icmp, tcpSyn, fragments, nonIp, malformed, late, flowsDropped;
    private final long[] malformedByReason = new long[Malformed.count()];
    private long snaplenTruncated;
    private long payloadKeptReported, payloadShedReported;
    private final org.argus.capture.PayloadCapture payloadSwitch;

    /**
     * @param settings window length, grace, flow limits and idle timeouts
     * @param stats    counters to add to (once per batch and per window)
     * @param sink     receives each closed window, on the caller's thread
     */
    public WindowAssembler(FlowSettings settings, FlowStats stats, Consumer<FlowWindow> sink) {
        this(settings, stats, sink, null);
    }

    /**
     * @param payloads switches payload keeping on at run time (checked at each batch), or null: only
     *                 {@code settings.payloadBytes()} decides
     */
    public WindowAssembler(FlowSettings settings, FlowStats stats, Consumer<FlowWindow> sink, org.argus.capture.PayloadCapture payloads) {
        this.payloadSwitch = payloads;
        this.settings = settings;
        this.windowNanos = settings.window().toNanos();
        this.graceNanos = settings.closeGrace().toNanos();
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window length must be positive");
        }
        this.table = new FlowTable(settings.maxTrackedFlows(), settings.maxFlowsPerWindow(), settings.payloadBytes(),
                settings.payloadWindowBytes());
        this.sink = sink;
        this.stats = stats;
        this.sweepEveryNanos = Math.max(windowNanos, settings.minIdleNanos() / 2);
    }

    /** Start of the open window in ns, or {@code Long.MIN_VALUE} when none is open. */
    public long openWindowStart() {
        return open ? start : Long.MIN_VALUE;
    }

    /** Latest packet time in the open window, ns ({@code Long.MIN_VALUE} when none is open). */
    public long latestPacketNanos() {
        return open ? latest : Long.MIN_VALUE;
    }

    /** Packets counted in the open window so far. */
    public long openWindowPackets() {
        return packets;
    }

    /** Flows currently remembered. */
    public int trackedFlows() {
        return table.size();
    }

    /** Accounts every packet of the batch (the batch is only read). */
    public void accept(PacketBatch b) {
        if (payloadSwitch != null && !table.keepsPayloads() && payloadSwitch.on()) {
            table.keepPayloads(payloadSwitch.bytes(), payloadSwitch.windowBytes());
        }
        int n = b.size();
        long batchPackets = 0, batchBytes = 0, batchIp = 0, batchNonIp = 0, batchFrag = 0, batchLate = 0, batchDrop = 0;
        for (int k = 0; k < n; k++) {
            long ts = b.tsNanos[k];
            if (!open) {
                openAt(ts);
            } else if (ts >= end) {
                close();
                openAt(ts);
            } else if (ts < start - windowNanos) {
                close();
                table.forgetAll();
                lastSweep = Long.MIN_VALUE;
                stats.timeJumps.increment();
                openAt(ts);
            } else if (ts < start) {
                late++;
                batchLate++;
            }
            if (ts > latest) {
                latest = ts;
            }
            int len = b.wireLen[k];
            packets++;
            bytes += len;
            batchPackets++;
            batchBytes += len;
            int info = b.info[k];
            if ((info & PacketBatch.INFO_SNAPLEN_TRUNCATED) != 0) {
                snaplenTruncated++;
            }
            if ((info & PacketBatch.INFO_IP) != 0) {
                ipPackets++;
                batchIp++;
                int proto = b.proto[k];
                if (proto == 6) {
                    tcp++;
                    if ((b.tcpFlags[k] & 0x12) == 0x02) {
                        tcpSyn++;
                    }
                } else if (proto == 17) {
                    udp++;
                } else if (proto == 1 || proto == 58) {
                    icmp++;
                }
                if ((info & PacketBatch.INFO_FRAGMENT) != 0) {
                    fragments++;
                    batchFrag++;
                }
            }
            switch (b.kind[k]) {
                case PacketBatch.KIND_FLOW -> {
                    int p = b.ports[k];
                    if (!table.account(b.proto[k], (info & PacketBatch.INFO_V6) != 0, b.srcHi[k], b.srcLo[k],
                            b.dstHi[k], b.dstLo[k], p >>> 16, p & 0xffff, ts, len, b.tcpFlags[k] & 0xff, b.icmpTypeCode[k], b.srcMac[k])) {
                        flowsDropped++;
                        batchDrop++;
                    } else if (b.payloadLen[k] > 0) {
                        table.payload(b.payloadBytes, b.payloadAt[k], b.payloadLen[k]);
                    }
                    if ((info & PacketBatch.INFO_MDNS) != 0 && b.srcMac[k] != 0
                            && (mdnsNames.size() < FlowWindow.MAX_ARP || mdnsNames.containsKey(b.srcMac[k]))) {
                        mdnsNames.put(b.srcMac[k], b.mdnsName[k]);
                    }
                    if ((info & PacketBatch.INFO_DHCP) != 0) {
                        group(dhcp, new DhcpKey(b.dhcp[k], b.srcLo[k], b.dstLo[k]), ts);
                        if ((b.dhcpHostName[k] != null || b.dhcpVendorClass[k] != null) && dhcpNames.size() < FlowWindow.MAX_ARP) {
                            dhcpNames.put(b.dhcp[k] & 0xffff_ffff_ffffL, new String[] {b.dhcpHostName[k], b.dhcpVendorClass[k]});
                        }
                    }
                }
                case PacketBatch.KIND_NON_IP -> {
                    nonIp++;
                    batchNonIp++;
                }
                case PacketBatch.KIND_ARP -> {
                    nonIp++;
                    batchNonIp++;
                    arp(b.proto[k], b.srcHi[k], b.srcLo[k], b.dstHi[k], b.dstLo[k], ts);
                }
                case PacketBatch.KIND_MALFORMED -> {
                    malformed++;
                    malformedByReason[b.reason[k]]++;
                }
                default -> { }
            }
        }
        stats.packets.add(batchPackets);
        stats.bytes.add(batchBytes);
        stats.ipPackets.add(batchIp);
        stats.nonIp.add(batchNonIp);
        stats.fragments.add(batchFrag);
        stats.latePackets.add(batchLate);
        stats.flowsDroppedPackets.add(batchDrop);
        flushMalformedStats();
    }

    private void flushMalformedStats() {
        for (int r = 0; r < malformedByReason.length; r++) {
            if (malformedByReason[r] != 0) {
                stats.addMalformed(Malformed.ofOrdinal(r), malformedByReason[r]);
                malformedByReason[r] = 0;
            }
        }
        if (snaplenTruncated != 0) {
            stats.snaplenTruncated.add(snaplenTruncated);
            snaplenTruncated = 0;
        }
    }

    /**
     * Live capture: closes the open window once {@code nowNanos} (wall clock) is past its end plus the grace.
     *
     * @return true when a window was closed
     */
    public boolean advanceClock(long nowNanos) {
        if (open && nowNanos >= end + graceNanos) {
            close();
            return true;
        }
        return false;
    }

    /**
     * Reads a whole capture file into windows: the file is parsed and decoded one batch ahead on a reader thread
     * ({@link PcapFileReader#readAhead}) while the calling thread assembles windows and runs the sink, so the
     * windows and their order are exactly those of a single-threaded read. The fresh assembler's open window is
     * flushed at the end (also when the read fails part-way, so nothing read is lost).
     *
     * @param capture      a .pcap or .pcapng file
     * @param batchPackets packets per decoded batch
     * @param sink         receives each closed window, in time order
     * @return what the reader saw (packets, link type, whether the file was cut short)
     * @throws CaptureException when the file cannot be opened or read (the message names it)
     */
    public static PcapFileReader.Result readFile(Path capture, FlowSettings settings, int batchPackets, FlowStats stats,
                                                 Consumer<FlowWindow> sink) throws CaptureException, InterruptedException {
        return readFile(capture, settings, batchPackets, stats, sink, null);
    }

    /** As above, every frame also kept in {@code ring} (evidence captures; null for none). */
    public static PcapFileReader.Result readFile(Path capture, FlowSettings settings, int batchPackets, FlowStats stats,
                                                 Consumer<FlowWindow> sink, org.argus.capture.PacketRing ring)
            throws CaptureException, InterruptedException {
        WindowAssembler assembler = new WindowAssembler(settings, stats, sink);
        try {
            return new PcapFileReader(capture, batchPackets).capturePayloads(settings.payloadBytes()).recordTo(ring)
                    .readAhead(assembler::accept, READ_AHEAD_BATCHES);
        } finally {
            assembler.flush();
        }
    }

    /** Closes the open window, if any (end of input, clean stop). */
    public void flush() {
        if (open) {
            close();
        }
    }

    private record ArpKey(int op, long senderMac, long senderIp, long targetMac, long targetIp) {
    }

    /** This window's ARP packets by their fields: {packets, first seen ns}. */
    private final Map<ArpKey, long[]> arp = new LinkedHashMap<>();

    private void arp(int op, long senderMac, long senderIp, long targetMac, long targetIp, long ts) {
        group(arp, new ArpKey(op & 0xffff, senderMac, senderIp, targetMac, targetIp), ts);
    }

    /** Counts a LAN message in its group ({packets, first seen ns}); at most {@link FlowWindow#MAX_ARP} groups. */
    private static <K> void group(Map<K, long[]> groups, K key, long ts) {
        long[] n = groups.get(key);
        if (n != null) {
            n[0]++;
        } else if (groups.size() < FlowWindow.MAX_ARP) {
            groups.put(key, new long[] {1, ts});
        }
    }

    private record DhcpKey(long typeAndClient, long source, long destination) {
    }

    private static final String[] NO_NAMES = {null, null};

    /** This window's DHCP messages by their fields: {packets, first seen ns}. */
    private final Map<DhcpKey, long[]> dhcp = new LinkedHashMap<>();
    /** Per DHCP client hardware address: the latest {host name, vendor class} its messages named this window. */
    private final Map<Long, String[]> dhcpNames = new HashMap<>();
    /** Per Ethernet source address: the latest host name its mDNS responses announced this window. */
    private final Map<Long, String> mdnsNames = new LinkedHashMap<>();


    private void openAt(long ts) {
        start = Math.floorDiv(ts, windowNanos) * windowNanos;
        end = start + windowNanos;
        latest = ts;
        open = true;
    }

    /**
     * What makes an originator worth an early look ({@link #peekBusy}).
     *
     * @param minFlows    flows in the open window
     * @param minPackets  or packets it sent in them
     * @param settleNanos an unanswered flow counts once its first packet is this old (packet time), ns
     * @param maxRecords  most flows in one early look
     */
    public record Busy(int minFlows, long minPackets, long settleNanos, int maxRecords) {
        public Busy {
            if (minFlows < 1 || minPackets < 1 || settleNanos < 0 || maxRecords < 1) {
                throw new IllegalArgumentException("early look limits must be positive");
            }
        }
    }

    /**
     * Early firing: the open window so far, holding only the settled flows of busy originators
     * ({@link FlowTable#peekBusy}, settled relative to the latest packet time); the window goes on and nothing is
     * reset. The result has the open window's start and end (so per-window counts and rates read as lower bounds
     * of the closed window's), totals so far, and no ARP or DHCP messages.
     *
     * @param skip     originators already reported in this window
     * @param nowNanos the clock (live: wall clock, ns since the epoch), when it is past the latest packet: an
     *                 unanswered flow settles with time even when no packet comes; {@code Long.MIN_VALUE} for
     *                 packet time alone
     * @return the partial window, or null when no window is open or no originator is busy
     */
    public FlowWindow peekBusy(Busy busy, java.util.Set<IpAddress> skip, long nowNanos) {
        if (!open) {
            return null;
        }
        List<FlowRecord> flows = table.peekBusy(busy.minFlows(), busy.minPackets(),
                Math.max(latest, nowNanos) - busy.settleNanos(), skip, busy.maxRecords());
        if (flows.isEmpty()) {
            return null;
        }
        WindowTotals totals = new WindowTotals(packets, bytes, ipPackets, tcp, udp, icmp, tcpSyn, fragments, nonIp,
                malformed, late, flowsDropped);
        return new FlowWindow(start, end, totals, flows, List.of(), List.of());
    }

    private void close() {
        open = false;
        WindowTotals totals = new WindowTotals(packets, bytes, ipPackets, tcp, udp, icmp, tcpSyn, fragments, nonIp,
                malformed, late, flowsDropped);
        packets = bytes = ipPackets = tcp = udp = icmp = tcpSyn = fragments = nonIp = malformed = late = flowsDropped = 0;
        List<ArpRecord> arpRecords = new ArrayList<>(arp.size());
        arp.forEach((key, n) -> arpRecords.add(new ArpRecord(key.op(), key.senderMac(), IpAddress.v4((int) key.senderIp()),
                key.targetMac(), IpAddress.v4((int) key.targetIp()), n[0], n[1])));
        arp.clear();
        List<DhcpRecord> dhcpRecords = new ArrayList<>(dhcp.size());
        dhcp.forEach((key, n) -> {
            long client = key.typeAndClient() & 0xffff_ffff_ffffL;
            String[] names = dhcpNames.getOrDefault(client, NO_NAMES);
            dhcpRecords.add(new DhcpRecord((int) (key.typeAndClient() >>> 48), client, IpAddress.v4((int) key.source()),
                    IpAddress.v4((int) key.destination()), n[0], n[1], names[0], names[1]));
        });
        dhcp.clear();
        dhcpNames.clear();
        List<MdnsName> mdns = new ArrayList<>(mdnsNames.size());
        mdnsNames.forEach((mac, name) -> mdns.add(new MdnsName(mac, name)));
        mdnsNames.clear();
        List<FlowPayload> payloads = table.keepsPayloads() ? new ArrayList<>() : null;
        List<FlowRecord> flows = table.emit(payloads);
        FlowWindow w = new FlowWindow(start, end, totals, flows, arpRecords, dhcpRecords, mdns,
                payloads == null ? List.of() : payloads);
        if (payloads != null) {
            stats.payloadBytesKept.add(table.payloadBytesKept() - payloadKeptReported);
            stats.payloadBytesShed.add(table.payloadBytesShed() - payloadShedReported);
            payloadKeptReported = table.payloadBytesKept();
            payloadShedReported = table.payloadBytesShed();
        }
        if (lastSweep == Long.MIN_VALUE) {
            lastSweep = end;
        } else if (end - lastSweep >= sweepEveryNanos) {
            lastSweep = end;
            int evicted = table.evictIdle(end, settings.tcpIdleTimeout().toNanos(), settings.udpIdleTimeout().toNanos(),
                    settings.icmpIdleTimeout().toNanos(), settings.otherIdleTimeout().toNanos());
            stats.flowsEvicted.add(evicted);
        }
        stats.windows.increment();
        stats.flowRecords.add(w.flows().size());
        sink.accept(w);
    }
}
