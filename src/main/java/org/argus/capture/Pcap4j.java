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
}
