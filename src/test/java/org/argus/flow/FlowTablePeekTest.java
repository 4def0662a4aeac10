package org.argus.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link FlowTable#peekBusy}: who is busy, which flows are settled, and that the window goes on untouched. */
class FlowTablePeekTest {
    static final long MS = 1_000_000L;
    static final long SCANNER = 0x0a000002L, VICTIM = 0x0a000001L, CLIENT = 0x0a000003L;

    static void syn(FlowTable t, long from, long to, int sport, int dport, long ts) {
        assertTrue(t.account(6, false, 0, from, 0, to, sport, dport, ts, 54, 0x02, -1));
    }

    static void rst(FlowTable t, long from, long to, int sport, int dport, long ts) {
        assertTrue(t.account(6, false, 0, from, 0, to, sport, dport, ts, 54, 0x14, -1));
    }

    @Test
    void onlyTheSettledFlowsOfBusyOriginatorsWithoutEndingTheWindow() {
        FlowTable t = new FlowTable(10_000, 10_000);
        for (int p = 1; p <= 30; p++) {
            syn(t, SCANNER, VICTIM, 40000, p, p * MS);
            if (p <= 20) {
                rst(t, VICTIM, SCANNER, p, 40000, p * MS + 100_000); // closed: answered at once
            }
        }
        syn(t, CLIENT, VICTIM, 50000, 443, 5 * MS); // a quiet client: never busy
        // 30 flows from the scanner; 20 answered, 10 unanswered at 21..30 ms
        List<FlowRecord> early = t.peekBusy(25, 1_000_000, 15 * MS, Set.of(), 1000);
        assertEquals(20, early.size(), "answered flows only: the others may still be in flight");
        assertTrue(early.stream().allMatch(f -> f.originator().equals(IpAddress.v4((int) SCANNER))));
        assertEquals(30, t.peekBusy(25, 1_000_000, 30 * MS, Set.of(), 1000).size(), "settled by age");
        assertEquals(0, t.peekBusy(31, 1_000_000, 30 * MS, Set.of(), 1000).size(), "30 flows are not 31");
        assertEquals(30, t.peekBusy(31, 30, 30 * MS, Set.of(), 1000).size(), "busy by packets sent");
        assertEquals(0, t.peekBusy(25, 1_000_000, 30 * MS, Set.of(IpAddress.v4((int) SCANNER)), 1000).size(), "skipped");
        assertEquals(7, t.peekBusy(25, 1_000_000, 30 * MS, Set.of(), 7).size(), "capped");
        List<FlowRecord> closed = t.emit();
        assertEquals(31, closed.size(), "peeking ended nothing");
        assertEquals(20, closed.stream().filter(f -> f.responderPackets() == 1).count());
    }
}
