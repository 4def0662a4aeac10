package org.argus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.argus.anon.Anonymizer;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanTarget;
import org.argus.stats.SensorStats;
import org.argus.status.SensorHealth;
import org.junit.jupiter.api.Test;

/** The dashboard's snapshot as the page reads it. */
class DashboardTest {
    @Test
    void aBanShowsItsSourceAsText() {
        Instant now = Instant.parse("2026-12-02T00:00:00Z");
        Ban ban = new Ban(BanTarget.parse("198.51.100.7"), "port_scan: 60 ports", "high", new BanSource.Detector("port_scan"),
                now, now.plusSeconds(3600), 1, 1);
        JsonObject snap = new Dashboard(new Anonymizer("t")).snapshot(new SensorStats(), new SensorHealth(Clock.systemUTC()),
                List.of(ban), now);
        // the page prints it: an object here showed as "[object Object]"
        JsonObject b = new JsonObject(snap.encode()).getJsonArray("bans").getJsonObject(0);
        assertEquals("detector:port_scan", b.getString("source"));
        assertEquals(3600, b.getLong("seconds_left"));
    }

    @Test
    void verdictsShowNextToTheirDecisionsAndTheRealAddressStaysOff() {
        Instant now = Instant.parse("2026-12-02T00:00:00Z");
        Dashboard d = new Dashboard(new Anonymizer("t"));
        org.argus.detect.Decision a = new org.argus.detect.Decision(1_000_000_000L, org.argus.flow.IpAddress.parse("198.51.100.7"),
                "198.51.100.7", false, org.argus.detect.Role.ATTACKER, org.argus.detect.Risk.HIGH, 0.95, "port_scan",
                List.of("port_scan"), List.of("scan"), List.of(), null).withEvidence("x.pcap");
        org.argus.detect.Decision b = new org.argus.detect.Decision(2_000_000_000L, org.argus.flow.IpAddress.parse("198.51.100.8"),
                "198.51.100.8", false, org.argus.detect.Role.ATTACKER, org.argus.detect.Risk.HIGH, 0.95, "port_scan",
                List.of("port_scan"), List.of("scan"), List.of(), null);
        d.onDecision(a);
        d.onDecision(b);
        d.onVerdict(new org.argus.blacklist.FeedbackRequest(a.id(), BanTarget.parse("198.51.100.7"), true, java.time.Duration.ZERO, ""));
        d.onVerdict(new org.argus.blacklist.FeedbackRequest(null, BanTarget.parse("198.51.100.8"), false, java.time.Duration.ZERO, ""));
        String snap = d.snapshot(new SensorStats(), new SensorHealth(Clock.systemUTC()), List.of(), now).encode();
        io.vertx.core.json.JsonArray list = new JsonObject(snap).getJsonArray("decisions");
        assertEquals("confirmed", list.getJsonObject(0).getString("verdict"), "by address");
        assertEquals("false positive", list.getJsonObject(1).getString("verdict"), "by id");
        assertEquals("x.pcap", list.getJsonObject(1).getString("evidence"));
        assertEquals(a.id(), list.getJsonObject(1).getString("id"));
        org.junit.jupiter.api.Assertions.assertFalse(snap.contains("198.51.100."), snap);
        // a decision shown after its verdict still gets it
        d.onDecision(a);
        list = d.snapshot(new SensorStats(), new SensorHealth(Clock.systemUTC()), List.of(), now).getJsonArray("decisions");
        assertEquals("false positive", list.getJsonObject(0).getString("verdict"));
    }
}
