package org.argus.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.argus.capture.PacketBatch;
import org.argus.capture.PacketDecoder;
import org.junit.jupiter.api.Test;

class WindowAssemblerTest {
    private static final long S = 1_000_000_000L;
    private final List<FlowWindow> windows = new ArrayList<>();
    private final FlowStats stats = new FlowStats();

    /** One TCP packet from a:ap to b:bp, built through the real decoder. */
    private static void tcp(PacketBatch batch, long tsNanos, int a, int ap, int b, int bp, int flags, int wire) {
        java.nio.ByteBuffer f = java.nio.ByteBuffer.allocate(40);
        f.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .putInt(a).putInt(b).putShort((short) ap).putShort((short) bp).putInt(0).putInt(0)
                .put((byte) 0x50).put((byte) flags).putShort((short) 0).putInt(0);
        new PacketDecoder(PacketDecoder.LINKTYPE_IPV4).decode(f.array(), 40, tsNanos, wire, batch);
    }

    /** 5 s windows with the given grace, caps and one idle timeout (seconds) for every protocol. */
    private static FlowSettings settings(Duration grace, int maxFlows, int perWindow, int idleSeconds) {
        Duration idle = Duration.ofSeconds(idleSeconds);
        return new FlowSettings(Duration.ofSeconds(5), grace, maxFlows, perWindow, idle, idle, idle, idle);
    }

    private WindowAssembler assembler(FlowSettings s) {
        return new WindowAssembler(s, stats, windows::add);
    }

    @Test
    void windowsAreEpochAlignedAndCloseOnPacketTime() {
        WindowAssembler w = assembler(FlowSettings.defaults());
        PacketBatch b = new PacketBatch(16);
        tcp(b, 12 * S + 1, 1, 1000, 2, 80, 0x02, 60);      // window [10, 15)
        tcp(b, 14 * S + 999_999_999L, 2, 80, 1, 1000, 0x12, 60);
        tcp(b, 15 * S, 1, 1000, 2, 80, 0x10, 60);          // exactly at the end: next window [15, 20)
        tcp(b, 31 * S, 1, 1000, 2, 80, 0x10, 60);          // gap: [30, 35); [20,30) never emitted
        w.accept(b);
        assertEquals(2, windows.size(), "two windows closed by packet time");
        assertEquals(10 * S, windows.get(0).startNanos());
        assertEquals(15 * S, windows.get(0).endNanos());
        assertEquals(2, windows.get(0).totals().packets());
        assertEquals(15 * S, windows.get(1).startNanos());
        w.flush();
        assertEquals(30 * S, windows.get(2).startNanos());
        assertEquals(3, stats.windows.sum());
    }

    @Test
    void bothDirectionsAreOneFlowWithTheFirstSenderAsOriginator() {
        WindowAssembler w = assembler(FlowSettings.defaults());
        PacketBatch b = new PacketBatch(16);
        int hi = 0xc0a80001, lo = 0x0a000001; // the originator has the larger address: order must not matter
        tcp(b, S, hi, 5000, lo, 22, 0x02, 74);
        tcp(b, S + 10, lo, 22, hi, 5000, 0x12, 74);
        tcp(b, S + 20, hi, 5000, lo, 22, 0x10, 66);
        tcp(b, S + 30, lo, 22, hi, 5000, 0x04, 60);
        w.accept(b);
        w.flush();
        FlowRecord f = windows.get(0).flows().get(0);
        assertEquals(1, windows.get(0).flows().size());
        assertEquals("192.168.0.1", f.originator().toString());
        assertEquals(5000, f.originatorPort());
        assertEquals(22, f.responderPort());
        assertEquals(2, f.originatorPackets());
        assertEquals(140, f.originatorBytes());
        assertEquals(2, f.responderPackets());
        assertEquals(134, f.responderBytes());
        assertEquals(new TcpFlagCounts(1, 1, 0, 1, 0, 2, 0, 0x12, 0x16), f.tcpFlags(),
                "counts, no unusual segment, originator SYN+ACK, responder SYN+ACK+RST");
        assertEquals(S, f.firstSeenNanos());
        assertEquals(S + 30, f.lastSeenNanos());
        assertEquals(1, windows.get(0).totals().tcpSyn());
    }

    @Test
    void originatorIsKeptAcrossWindowsUntilIdleTimeout() {
        FlowSettings s = settings(Duration.ZERO, 1000, 1000, 20);
        WindowAssembler w = assembler(s);
        PacketBatch b = new PacketBatch(16);
        tcp(b, S, 1, 1000, 2, 80, 0x02, 60);             // 1 originates
        tcp(b, 6 * S, 2, 80, 1, 1000, 0x10, 60);         // next window: 2 speaks first, still responder
        tcp(b, 100 * S, 3, 9, 4, 9, 0x10, 60);           // time passes: the first flow idles out
        tcp(b, 200 * S, 2, 80, 1, 1000, 0x10, 60);       // now 2 is first: new originator
        w.accept(b);
        w.flush();
        assertEquals("0.0.0.1", windows.get(1).flows().get(0).originator().toString());
        assertEquals(0, windows.get(1).flows().get(0).originatorPackets());
        assertEquals("0.0.0.2", windows.get(3).flows().get(0).originator().toString());
        assertTrue(stats.flowsEvicted.sum() >= 1);
    }

    @Test
    void flowCapsDropAndCountInsteadOfGrowing() {
        FlowSettings s = settings(Duration.ZERO, 3, 2, 60);
        WindowAssembler w = assembler(s);
        PacketBatch b = new PacketBatch(16);
        for (int i = 0; i < 5; i++) {
            tcp(b, S + i, 1, 1000 + i, 2, 80, 0x02, 60);
        }
        w.accept(b);
        w.flush();
        assertEquals(2, windows.get(0).flows().size(), "per-window cap");
        assertEquals(5, windows.get(0).totals().packets(), "every packet still counts in the window");
        assertEquals(3, windows.get(0).totals().flowsDropped());
        assertEquals(3, stats.flowsDroppedPackets.sum());
    }

    @Test
    void liveClockClosesAfterGraceAndLatePacketsAreCounted() {
        FlowSettings s = settings(Duration.ofMillis(500), 100, 100, 60);
        WindowAssembler w = assembler(s);
        PacketBatch b = new PacketBatch(4);
        tcp(b, 7 * S, 1, 1, 2, 2, 0x10, 60);
        tcp(b, 4 * S, 1, 1, 2, 2, 0x10, 60); // out of order: counted in the open window as late
        w.accept(b);
        assertEquals(false, w.advanceClock(10 * S + 400_000_000L), "within grace");
        assertEquals(true, w.advanceClock(10 * S + 500_000_000L));
        assertEquals(2, windows.get(0).totals().packets());
        assertEquals(1, windows.get(0).totals().latePackets());
    }

    @Test
    void tableGrowsAndEvictsWithoutLosingFlows() {
        FlowTable t = new FlowTable(100_000, 100_000);
        for (int i = 0; i < 50_000; i++) {
            assertTrue(t.account(17, false, 0, i, 0, 7, 1000, 53, S + i, 100, 0, -1));
        }
        for (int i = 0; i < 50_000; i++) {
            assertTrue(t.account(17, false, 0, 7, 0, i, 53, 1000, S + i, 100, 0, -1)); // replies
        }
        List<FlowRecord> flows = t.emit();
        assertEquals(50_000, flows.size());
        assertTrue(flows.stream().allMatch(f -> f.originatorPackets() == 1 && f.responderPackets() == 1));
        // flows 0..24999 idle out at 100 s; the others get a packet at 90 s
        for (int i = 25_000; i < 50_000; i++) {
            t.account(17, false, 0, i, 0, 7, 1000, 53, 90 * S, 100, 0, -1);
        }
        t.emit();
        assertEquals(25_000, t.evictIdle(100 * S, 60 * S, 60 * S, 60 * S, 60 * S));
        assertEquals(25_000, t.size());
        for (int i = 25_000; i < 50_000; i++) {
            t.account(17, false, 0, 7, 0, i, 53, 1000, 101 * S, 100, 0, -1);
        }
        List<FlowRecord> after = t.emit();
        assertEquals(25_000, after.size(), "survivors are found again after backward-shift deletion");
        assertTrue(after.stream().allMatch(f -> f.responderPackets() == 1 && f.originatorPackets() == 0));
    }

    @Test
    void flagCombinationsNoConnectionCarriesAreCounted() {
        for (int flags : new int[] {0x00, 0x01, 0x29, 0x08, 0x20, 0x03, 0x06, 0x07}) {
            assertTrue(TcpFlagCounts.unusual(flags), "unusual: " + Integer.toHexString(flags));
        }
        for (int flags : new int[] {0x02, 0x12, 0x10, 0x18, 0x11, 0x19, 0x04, 0x14, 0xc2, 0x52}) {
            assertFalse(TcpFlagCounts.unusual(flags), "normal: " + Integer.toHexString(flags));
        }
    }
}
