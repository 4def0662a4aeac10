package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.argus.flow.FlowPayload;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;
import org.argus.payload.PayloadFeatures;
import org.argus.payload.PayloadModel;
import org.junit.jupiter.api.Test;

/**
 * The escalation path: which payloads are classified (suspicious first, a deterministic sample, never the fast
 * path, at most the cap), what a hit looks like, and that a detector turns hits into {@code payload_classifier}
 * decisions. The model is a hand-made two-class one: each class's weights are the features of one example (a
 * UNION-based injection, a stylesheet request), so a payload goes to the example it is more like.
 */
class PayloadInspectorTest {
    static final String ATTACK = "GET /item?id=1' UNION SELECT username, password FROM users-- HTTP/1.1\r\nHost: shop\r\n\r\n";
    static final String BENIGN = "GET /static/app.css HTTP/1.1\r\nHost: shop\r\nAccept: text/css\r\n\r\n";
    static final IpAddress SERVER = IpAddress.parse("192.168.1.10");

    static PayloadModel model() {
        byte[] a = ascii(ATTACK), b = ascii(BENIGN);
        double[] attack = PayloadFeatures.of(a, a.length), benign = PayloadFeatures.of(b, b.length);
        double[][] w = new double[2][PayloadFeatures.SIZE + 1];
        for (int i = 0; i < PayloadFeatures.SIZE; i++) {
            w[0][i] = 14 * benign[i];
            w[1][i] = 14 * attack[i];
        }
        return new PayloadModel(List.of(PayloadModel.BENIGN, "sql_injection"), w);
    }

    static FlowRecord flow(String client, int port) {
        return new FlowRecord(6, IpAddress.parse(client), port, SERVER, 80, 4, 400, 4, 900, 1_000, 2_000, TcpFlagCounts.NONE);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theModelSeparatesTheTwo() {
        PayloadModel m = model();
        assertTrue(m.classify(ascii(ATTACK), ATTACK.length()).malicious());
        assertTrue(!m.classify(ascii(BENIGN), BENIGN.length()).malicious());
    }

    @Test
    void suspiciousFirstThenTheSampleNeverTheFastPathAndTheCapCounted() {
        List<FlowRecord> flows = new ArrayList<>();
        List<FlowPayload> payloads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            flows.add(flow("10.0.0." + (i % 50 + 1), 40000 + i));
            payloads.add(new FlowPayload(i, ascii(i % 2 == 0 ? ATTACK : BENIGN), ascii("HTTP/1.1 200 OK")));
        }
        PayloadInspector all = new PayloadInspector(new PayloadInspector.Settings(true, 256, 1 << 20, 1.0, 10_000, 0.8), model());
        PayloadInspector.Outcome o = all.inspect(flows, payloads, Set.of(), f -> false);
        assertEquals(200, o.escalated());
        assertEquals(200, o.inspected());
        assertEquals(100, o.hits());
        assertEquals(25, o.findings().size(), "one finding per originator (the even clients)");
        Finding f = o.findings().get(0);
        assertEquals(PayloadInspector.DETECTOR, f.detector());
        assertEquals(Role.ATTACKER, f.role());
        assertTrue(f.reasons().get(0).startsWith("payload classifier: sql_injection p="), f.reasons().get(0));
        assertTrue(f.reasons().get(0).contains("UNION SELECT") || f.reasons().get(0).contains("union"), f.reasons().get(0));
        assertTrue(f.reasons().size() <= Detector.MAX_IDS && f.communityIds().size() <= Detector.MAX_IDS);

        PayloadInspector none = new PayloadInspector(new PayloadInspector.Settings(true, 256, 1 << 20, 0.0, 10_000, 0.8), model());
        o = none.inspect(flows, payloads, Set.of(IpAddress.parse("10.0.0.1")), f2 -> false);
        assertEquals(4, o.escalated(), "without a sample only the suspicious originator's four flows");
        assertEquals(1, o.findings().size());
        o = none.inspect(flows, payloads, Set.of(IpAddress.parse("10.0.0.1")), f2 -> f2.originator().equals(IpAddress.parse("10.0.0.1")));
        assertEquals(0, o.escalated(), "the fast path is never inspected");

        PayloadInspector some = new PayloadInspector(new PayloadInspector.Settings(true, 256, 1 << 20, 0.25, 10_000, 0.8), model());
        int sampled = some.inspect(flows, payloads, Set.of(), f2 -> false).escalated();
        assertTrue(sampled > 25 && sampled < 75, "about a quarter: " + sampled);
        assertEquals(sampled, some.inspect(flows, payloads, Set.of(), f2 -> false).escalated(), "the same flows every time");

        PayloadInspector capped = new PayloadInspector(new PayloadInspector.Settings(true, 256, 1 << 20, 1.0, 30, 0.8), model());
        o = capped.inspect(flows, payloads, Set.of(IpAddress.parse("10.0.0.3")), f2 -> false);
        assertEquals(30, o.inspected());
        assertEquals(170, o.shed());
        assertEquals(IpAddress.parse("10.0.0.3"), o.findings().get(0).address(), "the suspicious originator's flows go first");
    }

    @Test
    void aDetectorTurnsHitsIntoPayloadClassifierDecisionsAndCountsTheRoutes() throws Exception {
        DetectionSettings s = org.argus.config.ArgusConfig.from(org.argus.config.ConfigLoader.merge(new io.vertx.core.json.JsonObject()
                .put("anonymization", new io.vertx.core.json.JsonObject().put("generate_salt", true)), java.util.Map.of())).detection();
        Detector d = new Detector(s, null, Object::toString, false);
        d.payloadInspector(new PayloadInspector(new PayloadInspector.Settings(true, 256, 1 << 20, 1.0, 100, 0.8), model()));
        d.fastPath(new FastPath(List.of(), List.of(FastPath.Service.parse("192.168.1.10:8443"))));
        List<FlowRecord> flows = List.of(flow("10.0.0.66", 40000), flow("10.0.0.7", 40001),
                new FlowRecord(6, IpAddress.parse("10.0.0.8"), 40002, SERVER, 8443, 4, 400, 4, 900, 1_000, 2_000, TcpFlagCounts.NONE));
        List<FlowPayload> payloads = List.of(new FlowPayload(0, ascii(ATTACK), null), new FlowPayload(1, ascii(BENIGN), null),
                new FlowPayload(2, ascii(ATTACK), null));
        Detector.Result r = d.process(0, 5, flows, List.of(), List.of(), payloads);
        assertEquals(1, r.decisions().size(), r.decisions().toString());
        Decision dec = r.decisions().get(0);
        assertEquals("10.0.0.66", dec.addressText());
        assertEquals(PayloadInspector.DETECTOR, dec.detector());
        assertEquals(new PayloadInspector.Routing(1, 2, 2, 2, 1, 0), r.routing());
    }
}
