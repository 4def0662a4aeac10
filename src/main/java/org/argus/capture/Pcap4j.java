package org.argus.capture;

import java.sql.Timestamp;
import org.pcap4j.core.PcapHandle;

/** What the live and file readers share about pcap4j: turning the current packet into a batch row, and one message. */
public final class Pcap4j {
    /** Said when the JNA binding cannot find libpcap. */
    public static final String LIBPCAP_MISSING = "libpcap is not installed (Debian: apt-get install libpcap0.8)";

    private Pcap4j() {
    }

    /**
     * Decodes the packet pcap4j is delivering to a raw listener right now: its time (ns since the epoch, from the
     * handle's nanosecond timestamp) and its original wire length come from the handle's per-packet state, which is
     * valid only inside the listener call.
     */
    static void decodeCurrent(PcapHandle h, byte[] data, PacketDecoder decoder, PacketBatch out) {
        Timestamp ts = h.getTimestamp();
        long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
        Integer orig = h.getOriginalLength();
        // a wire length below the captured one is impossible; trust the bytes we hold
        decoder.decode(data, data.length, nanos, orig != null && orig >= data.length ? orig : data.length, out);
    }

    /**
     * Compiles a BPF filter the way the live capture will (libpcap's {@code pcap_compile} on a dead Ethernet handle
     * with this snaplen), so a filter that can only fail at start fails at {@code validate}.
     *
     * @return null when the filter is empty or compiles (or libpcap is not installed: the capture says so itself),
     *         else libpcap's message
     */
    public static String filterProblem(String filter, int snaplen) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        try {
            org.pcap4j.core.PcapHandle dead = org.pcap4j.core.Pcaps.openDead(org.pcap4j.packet.namednumber.DataLinkType.EN10MB, snaplen);
            try {
                dead.compileFilter(filter, org.pcap4j.core.BpfProgram.BpfCompileMode.OPTIMIZE,
                        org.pcap4j.core.PcapHandle.PCAP_NETMASK_UNKNOWN).free();
                return null;
            } finally {
                dead.close();
            }
        } catch (org.pcap4j.core.PcapNativeException | org.pcap4j.core.NotOpenException e) {
            return e.getMessage();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return null;
        }
    }
}
