package org.argus.detect;

import org.argus.flow.FlowRecord;

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
     * A probe: a failed TCP handshake, a UDP datagram that got no answer, or an unanswered ICMP/ICMPv6 echo
     * request — what a scanner leaves behind.
     */
    public static boolean probe(FlowRecord f) {
        if (tcp(f)) {
            return failedHandshake(f);
        }
        if (udp(f)) {
            return silent(f);
        }
        if (icmp(f)) {
            int type = f.shape().icmpTypeCode() >>> 8;
            boolean echo = f.shape().icmpTypeCode() >= 0 && (type == 8 || type == 128);
            return echo && silent(f);
        }
        return false;
    }

    /** IANA port range class: 0 none, 1 system (0–1023, port present), 2 user (1024–49151), 3 dynamic. */
    public static int portClass(int protocol, int port) {
        if (protocol != 6 && protocol != 17 && protocol != 132) {
            return 0;
        }
        return port < 1024 ? 1 : port < 49152 ? 2 : 3;
    }
}
