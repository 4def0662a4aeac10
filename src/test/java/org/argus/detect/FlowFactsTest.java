package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.PacketShape;
import org.argus.flow.TcpFlagCounts;
import org.junit.jupiter.api.Test;

/** What a TCP flow without a SYN says: a scanner's probe, or a connection seen mid-stream, or backscatter. */
class FlowFactsTest {
    static final IpAddress SCANNER = IpAddress.parse("192.0.2.9"), HOST = IpAddress.parse("198.51.100.1");
    static final PacketShape SHAPE = new PacketShape(54, 60, 6000, 0, -1);

    static FlowRecord tcp(long out, long in, int originatorFlags, int responderFlags, int unusual, int psh, int rst) {
        TcpFlagCounts t = new TcpFlagCounts(0, 0, 0, rst, psh, 0, unusual, originatorFlags, responderFlags);
        return new FlowRecord(6, SCANNER, 40000, HOST, 80, out, out * 54, in, in * 60, 0, 1, t, SHAPE);
    }

    @Test
    void synlessProbesThatGetNothingOrAResetAreProbes() {
        int fin = TcpFlagCounts.FIN, ack = TcpFlagCounts.ACK, rst = TcpFlagCounts.RST, psh = TcpFlagCounts.PSH, urg = TcpFlagCounts.URG;
        record Case(FlowRecord f, String kind) {
        }
        for (Case c : new Case[] {new Case(tcp(1, 0, fin, 0, 1, 0, 0), "FIN"), new Case(tcp(1, 1, 0, rst | ack, 1, 0, 1), "NULL"),
                new Case(tcp(1, 1, fin | psh | urg, rst | ack, 1, 1, 1), "Xmas"), new Case(tcp(1, 1, fin | ack, rst, 0, 0, 1), "Maimon"),
                new Case(tcp(1, 1, ack, rst, 0, 0, 1), "ACK")}) {
            assertTrue(FlowFacts.strayProbe(c.f()) && FlowFacts.probe(c.f()), c.kind());
            assertEquals(c.kind(), FlowFacts.probeKind(c.f()));
        }
    }

    @Test
    void connectionsSeenMidStreamAndBackscatterAreNot() {
        int ack = TcpFlagCounts.ACK, psh = TcpFlagCounts.PSH, rst = TcpFlagCounts.RST, fin = TcpFlagCounts.FIN;
        assertFalse(FlowFacts.strayProbe(tcp(2, 2, ack | psh, ack, 0, 2, 0)), "data one way, acknowledged the other");
        assertFalse(FlowFacts.strayProbe(tcp(1, 1, ack, ack, 0, 0, 0)), "a keep-alive answered");
        assertFalse(FlowFacts.strayProbe(tcp(1, 1, fin | ack, fin | ack, 0, 0, 0)), "a close seen after an idle eviction");
        assertFalse(FlowFacts.strayProbe(tcp(1, 0, rst, 0, 0, 0, 1)), "RST backscatter of a flood's victim: the originator only resets");
        assertFalse(FlowFacts.strayProbe(tcp(1, 0, rst | ack, 0, 0, 0, 1)), "RST+ACK backscatter");
        assertFalse(FlowFacts.strayProbe(tcp(6, 0, ack, 0, 0, 0, 0)), "more segments than a probe sends");
        FlowRecord csvRow = new FlowRecord(6, SCANNER, 40000, HOST, 80, 1, 54, 0, 0, 0, 1,
                TcpFlagCounts.NONE, PacketShape.UNKNOWN);
        assertFalse(FlowFacts.strayProbe(csvRow), "no flags known: not judged");
    }
}
