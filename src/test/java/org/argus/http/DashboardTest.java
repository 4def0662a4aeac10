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
}
