package org.argus.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FlowTable#payload}: the first bytes per flow and direction, over windows, within the window's budget. */
class FlowTablePayloadTest {
    static final long CLIENT = 0x0a000002L, SERVER = 0x0a000001L;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void send(FlowTable t, long from, long to, int sport, int dport, long ts, String payload) {
        assertTrue(t.account(6, false, 0, from, 0, to, sport, dport, ts, 60 + payload.length(), 0x18, -1));
        byte[] b = ascii("xx" + payload); // an offset into a shared buffer, as in a batch
        t.payload(b, 2, payload.length());
    }

    @Test
    void firstBytesOfEachDirectionOrientedByOriginatorAcrossWindows() {
        FlowTable t = new FlowTable(1000, 1000, 8, 1 << 20);
        // the server's port sorts first, so the client (originator) is endpoint b: orientation must be fixed at emit
        send(t, CLIENT, SERVER, 40000, 80, 1, "GET /");
        send(t, SERVER, CLIENT, 80, 40000, 2, "HTTP/1.1 200 OK");
        send(t, CLIENT, SERVER, 40000, 80, 3, "index.html");
        assertTrue(t.account(6, false, 0, CLIENT, 0, SERVER, 40001, 22, 4, 60, 0x02, -1)); // no payload at all
        List<FlowPayload> payloads = new ArrayList<>();
        List<FlowRecord> flows = t.emit(payloads);
        assertEquals(2, flows.size());
        assertEquals(1, payloads.size(), "only flows that carried payload");
        FlowPayload p = payloads.get(0);
        assertEquals(IpAddress.v4((int) CLIENT), flows.get(p.flow()).originator());
        assertArrayEquals(ascii("GET /ind"), p.fromOriginator(), "two packets joined, cut at the limit");
        assertArrayEquals(ascii("HTTP/1.1"), p.fromResponder());
        send(t, CLIENT, SERVER, 40000, 80, 10, "more");
        payloads.clear();
        t.emit(payloads);
        assertEquals(0, payloads.size(), "the flow's first bytes were taken: later windows keep none");
        assertEquals(16, t.payloadBytesKept());
    }

    @Test
    void theWindowBudgetShedsAndCountsAndTheNextWindowStartsAfresh() {
        FlowTable t = new FlowTable(1000, 1000, 10, 25);
        for (int i = 0; i < 4; i++) {
            send(t, CLIENT + i, SERVER, 40000, 80, i, "0123456789");
        }
        List<FlowPayload> payloads = new ArrayList<>();
        t.emit(payloads);
        assertEquals(2, payloads.size(), "25 bytes hold two 10-byte payloads");
        assertEquals(20, t.payloadBytesShed(), "the other two counted");
        send(t, CLIENT + 9, SERVER, 40000, 80, 20, "abc");
        payloads.clear();
        t.emit(payloads);
        assertEquals(1, payloads.size());
    }

    @Test
    void payloadsSurviveTheTableGrowingMidWindow() {
        FlowTable t = new FlowTable(100_000, 100_000, 4, 1 << 20);
        for (int i = 0; i < 5000; i++) { // starts at 1024 slots: grows several times
            send(t, CLIENT + i, SERVER, 40000, 80, i, "p" + (i % 10) + "zz");
        }
        List<FlowPayload> payloads = new ArrayList<>();
        List<FlowRecord> flows = t.emit(payloads);
        assertEquals(5000, payloads.size());
        for (FlowPayload p : payloads) {
            long client = flows.get(p.flow()).originator().lo() & 0xffffffffL;
            assertEquals("p" + ((client - CLIENT) % 10) + "zz", new String(p.fromOriginator(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void payloadsSwitchedOnLaterAreKeptForNewFlowsOnlyAlsoAcrossAGrowth() {
        FlowTable t = new FlowTable(100_000, 100_000, 0, 0);
        send(t, CLIENT, SERVER, 40000, 80, 1, "GET /old");
        List<FlowPayload> payloads = new ArrayList<>();
        t.emit(payloads);
        assertEquals(0, payloads.size(), "off: nothing kept");
        assertTrue(!t.keepsPayloads());
        t.keepPayloads(8, 1 << 20);
        assertTrue(t.keepsPayloads());
        send(t, CLIENT, SERVER, 40000, 80, 2, "more of the old flow");
        // enough new flows to make the table grow (it starts with 1 024 slots)
        for (int i = 0; i < 3000; i++) {
            send(t, CLIENT + 1 + i, SERVER, 40001, 80, 3, "GET /new" + i);
        }
        List<FlowRecord> flows = t.emit(payloads);
        assertEquals(3001, flows.size());
        assertEquals(3000, payloads.size(), "every new flow, not the one already open");
        for (FlowPayload p : payloads) {
            assertTrue(!flows.get(p.flow()).originator().equals(IpAddress.v4((int) CLIENT)), "not the old flow");
            assertArrayEquals(ascii("GET /new"), p.fromOriginator());
        }
    }
}
