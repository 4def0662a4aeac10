package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.argus.TestData;
import org.argus.enrich.GeoIp;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.PacketShape;
import org.argus.flow.TcpFlagCounts;
import org.junit.jupiter.api.Test;

/**
 * Decisions carry the GeoIP facts of their address, and {@code heuristics.alert_countries} makes a medium finding of
 * an originator located in a listed country (MaxMind's test databases: 81.2.69.142 is in GB, 1.128.0.1 in AS1221).
 */
class GeoAlertDetectorTest {
    private static FlowRecord flow(String from, String to, int port) {
        return new FlowRecord(6, IpAddress.parse(from), 40000 + port, IpAddress.parse(to), port, 1, 60, 0, 0, 1, 1,
                TcpFlagCounts.NONE, PacketShape.UNKNOWN, 0, 0);
    }

    @Test
    void aListedCountryIsAMediumFindingAndDecisionsCarryTheirGeo() throws Exception {
        try (GeoIp geo = GeoIp.open(null, TestData.shared().resolve("geoip/GeoLite2-City-Test.mmdb"),
                TestData.shared().resolve("geoip/GeoLite2-ASN-Test.mmdb"))) {
            Detector d = new Detector(HeuristicsTest.defaults(), null, Object::toString, false);
            d.geo(geo::lookup);
            d.geoAlert(new GeoAlertDetector(geo::lookup, Set.of("GB")));
            List<FlowRecord> flows = new ArrayList<>();
            flows.add(flow("81.2.69.142", "192.168.1.7", 22));
            flows.add(flow("81.2.69.142", "192.168.1.7", 23));
            flows.add(flow("175.16.199.1", "192.168.1.7", 22)); // CN: not listed
            for (int p = 1; p <= 200; p++) { // a port scan from an address with an ASN but no country in the test data
                flows.add(flow("1.128.0.1", "192.168.1.8", p));
            }
            List<Decision> decisions = d.process(0, 5, flows).decisions();
            Decision gb = decisions.stream().filter(x -> x.address().equals(IpAddress.parse("81.2.69.142"))).findFirst().orElseThrow();
            assertEquals(GeoAlertDetector.NAME, gb.detector());
            assertEquals(Risk.MEDIUM, gb.risk(), "0.75: between anomaly_threshold 0.7 and high_risk_threshold 0.9");
            assertTrue(gb.reasons().get(0).startsWith("geo: 2 flows from 81.2.69.142 (GB)"), gb.reasons().toString());
            assertEquals(new JsonObject().put("country", "GB"), gb.toJson().getJsonObject("geo"));
            assertTrue(decisions.stream().noneMatch(x -> x.address().equals(IpAddress.parse("175.16.199.1"))), "CN is not listed");
            Decision scan = decisions.stream().filter(x -> x.address().equals(IpAddress.parse("1.128.0.1"))).findFirst().orElseThrow();
            assertEquals("port_scan", scan.detector());
            assertEquals(new JsonObject().put("asn", 1221L).put("as_org", "Telstra Pty Ltd"), scan.toJson().getJsonObject("geo"),
                    "every decision gets its address's facts");
            Detector plain = new Detector(HeuristicsTest.defaults(), null, Object::toString, false);
            assertNull(plain.process(0, 5, flows).decisions().get(0).toJson().getJsonObject("geo"), "no database: no geo");
        }
    }
}
