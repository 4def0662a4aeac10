package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigException;
import org.argus.config.ConfigLoader;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowTable;
import org.junit.jupiter.api.Test;

class FeaturesTest {
    static final long S = 1_000_000_000L;

    @Test
    void perFlowSizesGapsFlagsAndSourceAggregates() {
        FlowTable t = new FlowTable(1000, 1000);
        // 10.0.0.1:40000 -> 10.0.0.2:80: SYN (60 B) at 0 s, SYN-ACK (60 B) at 0.1 s, ACK (54 B) at 0.3 s, PSH-ACK (154 B) at 0.6 s
        t.account(6, false, 0, 0x0a000001L, 0, 0x0a000002L, 40000, 80, 10 * S, 60, 0x02, -1);
        t.account(6, false, 0, 0x0a000002L, 0, 0x0a000001L, 80, 40000, 10 * S + S / 10, 60, 0x12, -1);
        t.account(6, false, 0, 0x0a000001L, 0, 0x0a000002L, 40000, 80, 10 * S + 3 * S / 10, 54, 0x10, -1);
        t.account(6, false, 0, 0x0a000001L, 0, 0x0a000002L, 40000, 80, 10 * S + 6 * S / 10, 154, 0x18, -1);
        // The same source probes 10.0.0.3:22 (no answer) and sends one DNS query to 10.0.0.4:53.
        t.account(6, false, 0, 0x0a000001L, 0, 0x0a000003L, 40001, 22, 11 * S, 60, 0x02, -1);
        t.account(17, false, 0, 0x0a000001L, 0, 0x0a000004L, 50000, 53, 12 * S, 80, 0, -1);
        List<FlowRecord> flows = t.emit();
        WindowAnalysis a = new WindowAnalysis(10 * S, 5, flows);
        FlowRecord web = flows.stream().filter(f -> f.responderPort() == 80).findFirst().orElseThrow();
        double[] v = new double[Feature.values().length];
        a.features(web, v);
        assertEquals(0.6, v[Feature.DURATION.ordinal()], 1e-9);
        assertEquals(3, v[Feature.PACKETS_OUT.ordinal()]);
        assertEquals(1, v[Feature.PACKETS_IN.ordinal()]);
        assertEquals(268, v[Feature.BYTES_OUT.ordinal()]);
        assertEquals(60, v[Feature.BYTES_IN.ordinal()]);
        assertEquals(54, v[Feature.PKT_SIZE_MIN.ordinal()]);
        assertEquals(154, v[Feature.PKT_SIZE_MAX.ordinal()]);
        assertEquals(82, v[Feature.PKT_SIZE_MEAN.ordinal()], 1e-9);
        double std = Math.sqrt((22 * 22 + 22 * 22 + 28 * 28 + 72 * 72) / 4.0);
        assertEquals(std, v[Feature.PKT_SIZE_STD.ordinal()], 1e-9);
        assertEquals(0.2, v[Feature.IAT_MEAN.ordinal()], 1e-9); // gaps 0.1, 0.2, 0.3
        assertEquals(Math.sqrt((0.01 + 0.04 + 0.09) / 3 - 0.04), v[Feature.IAT_STD.ordinal()], 1e-9);
        assertEquals(1, v[Feature.TCP_SYN.ordinal()]);
        assertEquals(1, v[Feature.TCP_SYNACK.ordinal()]);
        assertEquals(1, v[Feature.TCP_PSH.ordinal()]);
        assertEquals(3, v[Feature.TCP_ACK.ordinal()]);
        assertEquals(0.25, v[Feature.SYN_WITHOUT_ACK_RATIO.ordinal()], 1e-9);
        assertEquals(2, v[Feature.SRC_PORT.ordinal()]); // 40000: user range 1024-49151
        assertEquals(1, v[Feature.DST_PORT.ordinal()]);
        assertEquals(1, v[Feature.PROTOCOL.ordinal()]);
        assertEquals(1, v[Feature.PROTO_TCP.ordinal()]);
        assertEquals(0, v[Feature.RESPONDER_SILENT.ordinal()]);
        assertEquals(3, v[Feature.SRC_FLOWS.ordinal()]);
        assertEquals(3, v[Feature.SRC_DISTINCT_DST_HOSTS.ordinal()]);
        assertEquals(3, v[Feature.SRC_DISTINCT_DST_PORTS.ordinal()]);
        assertEquals(2 / 3.0, v[Feature.SRC_SILENT_RATIO.ordinal()], 1e-9);
        assertEquals(2, v[Feature.SRC_CONN_ATTEMPTS.ordinal()]);
        assertEquals(1, v[Feature.SRC_FAILED_HANDSHAKES.ordinal()], "the unanswered SYN to port 22");
        assertTrue(FlowFacts.completed(web));
    }

    @Test
    void unknownFeatureNamesAreAStartUpErrorNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureSet.of(List.of("bytes_in", "bogus", "bytes_in")));
        assertTrue(e.getMessage().contains("unknown feature \"bogus\"") && e.getMessage().contains("listed twice"), e.getMessage());
        ConfigException c = assertThrows(ConfigException.class, () -> ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("generate_salt", true))
                .put("prediction", new JsonObject().put("feature_columns", new JsonArray().add("bytes_in").add("entropy"))), Map.of())));
        assertTrue(c.getMessage().contains("prediction.feature_columns") && c.getMessage().contains("\"entropy\""), c.getMessage());
        ConfigException p = assertThrows(ConfigException.class, () -> ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("generate_salt", true))
                .put("polling", new JsonObject().put("enabled", true))
                .put("prediction", new JsonObject().put("feature_columns", new JsonArray().add("bytes_in").add("iat_std"))), Map.of())));
        assertTrue(p.getMessage().contains("[iat_std] cannot be computed from Retina CSV rows"), p.getMessage());
    }
}
