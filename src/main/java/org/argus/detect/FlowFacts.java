package org.argus.detect;

import org.argus.flow.FlowRecord;
import org.argus.flow.TcpFlagCounts;

/**
 * Shared definitions of what one flow record says about a connection, used by the features and the heuristics alike.
 * When a record has no flag detail (rebuilt from a CSV row) the TCP questions fall back to packet counts.
 */
public final class FlowFacts {
    private FlowFacts() {
    }

    /** TCP. */
    public static boolean tcp(FlowRecord f) {
        return f.protocol() == 6;
    }

    /** UDP. */
    public static boolean udp(FlowRecord f) {
        return f.protocol() == 17;
    }

    /** ICMP or ICMPv6. */
    public static boolean icmp(FlowRecord f) {
        return f.protocol() == 1 || f.protocol() == 58;
    }

    /** Whether the record carries TCP flags and sizes (not a CSV row). */
    public static boolean detailed(FlowRecord f) {
        return f.shape().known();
    }

    /** A TCP connection attempt: a SYN without ACK in the window (CSV rows: a TCP flow of at most 3 originator packets). */
    public static boolean attempt(FlowRecord f) {
        if (!tcp(f)) {
            return false;
        }
        return detailed(f) ? f.tcpFlags().syn() > 0 : f.originatorPackets() <= 3;
    }

    /**
     * The handshake completed: a SYN-ACK came back and the originator acknowledged it (at least two ACK-bearing
     * segments), and the flow was not reset before any data or FIN.
     */
    public static boolean completed(FlowRecord f) {
        if (!detailed(f)) {
            return f.responderPackets() >= 1 && f.originatorPackets() >= 2 && f.packets() > 3;
        }
        var t = f.tcpFlags();
        return t.synAck() > 0 && t.ack() >= 2 && (t.psh() > 0 || t.fin() > 0 || t.rst() == 0);
    }

    /** An attempt that did not complete: unanswered, refused (RST), or reset half-open. */
    public static boolean failedHandshake(FlowRecord f) {
        return attempt(f) && !completed(f);
    }

    /** The responder sent nothing in the window. */
    public static boolean silent(FlowRecord f) {
        return f.responderPackets() == 0;
    }

    /**
     * A TCP probe without a SYN — what nmap's FIN, NULL, Xmas, Maimon, ACK and Window scans leave: the originator sent
     * a few segments with neither SYN nor RST and no data (FIN, no flag, FIN+PSH+URG, FIN+ACK, ACK), and the
     * responder either stayed silent or only reset (RFC 9293: a closed port answers a segment without SYN with RST).
     * A connection seen mid-stream is not one: its responder acknowledges (ACK without RST) or the originator pushes
     * data; RST backscatter is not one either (its originator only resets). Needs per-side flags (not from CSV rows).
     */
    public static boolean strayProbe(FlowRecord f) {
        if (!tcp(f) || !detailed(f)) {
            return false;
        }
        var t = f.tcpFlags();
        int o = t.originatorFlags(), r = t.responderFlags();
        boolean originatorProbes = (o & (TcpFlagCounts.SYN | TcpFlagCounts.RST)) == 0 && f.originatorPackets() <= 3
                && (f.originatorPackets() == t.unusual() || (o & TcpFlagCounts.PSH) == 0);
        boolean responderOnlyResets = f.responderPackets() == 0
                || ((r & TcpFlagCounts.RST) != 0 && (r & (TcpFlagCounts.SYN | TcpFlagCounts.PSH | TcpFlagCounts.FIN)) == 0
                && f.responderPackets() <= f.originatorPackets());
        return originatorProbes && responderOnlyResets;
    }

    /**
     * What kind of TCP probe a flow is, by the flags its originator set (nmap's names): {@code SYN}, {@code FIN},
     * {@code NULL}, {@code Xmas} (FIN+PSH+URG), {@code Maimon} (FIN+ACK), {@code ACK} (ACK and Window scans look the
     * same on the wire), else {@code TCP}.
     */
    public static String probeKind(FlowRecord f) {
        if (!detailed(f)) {
            return "TCP";
        }
        int o = f.tcpFlags().originatorFlags() & 0x3f;
        if ((o & TcpFlagCounts.SYN) != 0) {
            return "SYN";
        }
        return switch (o) {
            case 0 -> "NULL";
            case TcpFlagCounts.FIN -> "FIN";
            case TcpFlagCounts.FIN | TcpFlagCounts.PSH | TcpFlagCounts.URG -> "Xmas";
            case TcpFlagCounts.FIN | TcpFlagCounts.ACK -> "Maimon";
            case TcpFlagCounts.ACK -> "ACK";
            default -> "TCP";
        };
    }

    /** SCTP. */
    public static boolean sctp(FlowRecord f) {
        return f.protocol() == 132;
    }

    /** Neither TCP, UDP, SCTP nor ICMP: a flow keyed by its IP protocol number alone (no ports). */
    public static boolean otherProtocol(FlowRecord f) {
        return !tcp(f) && !udp(f) && !sctp(f) && !icmp(f);
    }

    /**
     * A probe: a failed TCP handshake or a stray TCP probe ({@link #strayProbe}); a UDP datagram that got no answer
     * (a closed port answers with an ICMP port unreachable, which is a flow of its own); an SCTP association that
     * never got past its handshake (nmap's INIT scan: INIT, then ABORT or nothing, at most three packets); an
     * ICMP/ICMPv6 echo, timestamp or address-mask request that went unanswered or was sent only once or twice to its
     * host in the window (host sweeps, answered or not); a packet of another IP protocol
     * that got no answer (nmap's IP protocol scan) — what a scanner leaves behind.
     */
    public static boolean probe(FlowRecord f) {
        if (tcp(f)) {
            return failedHandshake(f) || strayProbe(f);
        }
        if (udp(f)) {
            return silent(f);
        }
        if (sctp(f)) {
            return f.packets() <= 3 && f.originatorPackets() <= 2;
        }
        if (icmp(f)) {
            int type = f.shape().icmpTypeCode() >>> 8;
            boolean request = f.shape().icmpTypeCode() >= 0
                    && (f.protocol() == 1 ? type == 8 || type == 13 || type == 17 : type == 128);
            // a sweep sends each host one or two requests, answered or not (live hosts on a LAN answer);
            // an ordinary ping keeps asking the same host, once a second
            return request && (silent(f) || f.originatorPackets() <= 2);
        }
        return silent(f) && f.originatorPackets() <= 3;
    }

    /** IANA port range class: 0 none, 1 system (0–1023, port present), 2 user (1024–49151), 3 dynamic. */
    public static int portClass(int protocol, int port) {
        if (protocol != 6 && protocol != 17 && protocol != 132) {
            return 0;
        }
        return port < 1024 ? 1 : port < 49152 ? 2 : 3;
    }
}
