package org.argus.flow;

/**
 * One bidirectional flow's activity within one window (in the spirit of a Zeek {@code conn.log} record cut to the
 * window). Originator = the endpoint that sent the first packet the sensor saw of the flow (kept across windows
 * until the flow times out); responder = the other one. Bytes are wire lengths (pcap {@code orig_len}, link header
 * included). Times are packet times in nanoseconds since the epoch.
 *
 * @param protocol         IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...)
 * @param originator       originator address
 * @param originatorPort   originator port (0 for protocols without ports)
 * @param responder        responder address
 * @param responderPort    responder port (0 for protocols without ports)
 * @param originatorPackets packets sent by the originator in this window
 * @param originatorBytes  wire bytes sent by the originator in this window
 * @param responderPackets packets sent by the responder in this window
 * @param responderBytes   wire bytes sent by the responder in this window
 * @param firstSeenNanos   time of the flow's first packet in this window
 * @param lastSeenNanos    time of the flow's last packet in this window
 * @param tcpFlags         TCP flag counts in this window ({@link TcpFlagCounts#NONE} for non-TCP)
 * @param shape            packet sizes and gaps in this window, both directions
 * @param originatorMac    Ethernet source address of the originator's latest frame in the flow (low 48 bits), 0
 *                         when none was seen (another link type, or it never sent); not in CSV rows
 * @param responderMac     the same for the responder
 */
public record FlowRecord(int protocol, IpAddress originator, int originatorPort, IpAddress responder, int responderPort,
                         long originatorPackets, long originatorBytes, long responderPackets, long responderBytes,
                         long firstSeenNanos, long lastSeenNanos, TcpFlagCounts tcpFlags, PacketShape shape,
                         long originatorMac, long responderMac) {

    /** A record without link-layer addresses. */
    public FlowRecord(int protocol, IpAddress originator, int originatorPort, IpAddress responder, int responderPort,
                      long originatorPackets, long originatorBytes, long responderPackets, long responderBytes,
                      long firstSeenNanos, long lastSeenNanos, TcpFlagCounts tcpFlags, PacketShape shape) {
        this(protocol, originator, originatorPort, responder, responderPort, originatorPackets, originatorBytes,
                responderPackets, responderBytes, firstSeenNanos, lastSeenNanos, tcpFlags, shape, 0, 0);
    }

    /** A record without size/gap detail (rebuilt from a CSV row or written by hand in a test). */
    public FlowRecord(int protocol, IpAddress originator, int originatorPort, IpAddress responder, int responderPort,
                      long originatorPackets, long originatorBytes, long responderPackets, long responderBytes,
                      long firstSeenNanos, long lastSeenNanos, TcpFlagCounts tcpFlags) {
        this(protocol, originator, originatorPort, responder, responderPort, originatorPackets, originatorBytes,
                responderPackets, responderBytes, firstSeenNanos, lastSeenNanos, tcpFlags, PacketShape.UNKNOWN);
    }

    /** Packets both ways. */
    public long packets() {
        return originatorPackets + responderPackets;
    }

    /** Wire bytes both ways. */
    public long bytes() {
        return originatorBytes + responderBytes;
    }

    /** Protocol name used in CSV and JSON: TCP, UDP, ICMP, ICMPv6, or the protocol number as text. */
    public static String protocolName(int protocol) {
        return switch (protocol) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1 -> "ICMP";
            case 58 -> "ICMPv6";
            default -> Integer.toString(protocol);
        };
    }
}
