package org.argus.lapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.argus.blacklist.Action;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CrowdSec's bouncer contract over our bans: shape, durations, the per-bouncer stream, filters, what is withheld. */
class LapiDecisionsTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    static Ban ban(String target, String detector, Duration left) {
        return new Ban(BanTarget.parse(target), "a reason", "high", detector == null ? new BanSource.Operator() : new BanSource.Detector(detector),
                NOW.minusSeconds(60), NOW.plus(left), 1, 1);
    }

    static List<String> values(JsonArray a) {
        return a == null ? List.of() : a.stream().map(o -> ((JsonObject) o).getString("value")).sorted().toList();
    }

    @Test
    void goDurationsAsGoWritesThem() {
        assertEquals("0s", LapiDecisions.goDuration(Duration.ZERO));
        assertEquals("1.5s", LapiDecisions.goDuration(Duration.ofMillis(1500)));
        assertEquals("3h59m58.5s", LapiDecisions.goDuration(Duration.ofHours(4).minusMillis(1500)));
        assertEquals("1h0m0s", LapiDecisions.goDuration(Duration.ofHours(1)));
        assertEquals("2m0s", LapiDecisions.goDuration(Duration.ofMinutes(2)));
        assertEquals("168h0m0s", LapiDecisions.goDuration(Duration.ofDays(7)));
        assertEquals("250ms", LapiDecisions.goDuration(Duration.ofMillis(250)));
        assertEquals("-1m2s", LapiDecisions.goDuration(Duration.ofSeconds(-62)));
        assertEquals("1.000000001s", LapiDecisions.goDuration(Duration.ofNanos(1_000_000_001)));
    }

    @Test
    void aDecisionInCrowdSecsShape() throws Exception {
        JsonArray a = new LapiDecisions().query(List.of(ban("203.0.113.9", "port_scan", Duration.ofHours(4)),
                ban("198.51.100.0/24", null, Duration.ofMinutes(30))), NOW, null, t -> false, Map.of());
        JsonObject d = a.getJsonObject(0);
        assertEquals("ban", d.getString("type"));
        assertEquals("Ip", d.getString("scope"));
        assertEquals("203.0.113.9", d.getString("value"));
        assertEquals("4h0m0s", d.getString("duration"));
        assertEquals("argus", d.getString("origin"));
        assertEquals("argus/port_scan: a reason", d.getString("scenario"));
        assertEquals(false, d.getBoolean("simulated"));
        assertTrue(d.getLong("id") > 0);
        JsonObject r = a.getJsonObject(1);
        assertEquals("Range", r.getString("scope"));
        assertEquals("argus-operator", r.getString("origin"));
        assertEquals(d.getLong("id"), new LapiDecisions().query(List.of(ban("203.0.113.9", "port_scan", Duration.ofHours(4))), NOW.plusSeconds(5),
                null, t -> false, Map.of()).getJsonObject(0).getLong("id"), "a ban keeps its id");
    }

    @Test
    void theStreamGivesEachBouncerWhatChangedSinceItsLastPull() throws Exception {
        LapiDecisions l = new LapiDecisions();
        Ban a = ban("203.0.113.9", "port_scan", Duration.ofHours(4)), b = ban("2001:db8::66", "brute_force", Duration.ofHours(1));
        JsonObject first = l.stream("fw", true, List.of(a, b), NOW, null, t -> false, Map.of());
        assertEquals(List.of("2001:db8::66", "203.0.113.9"), values(first.getJsonArray("new")));
        assertEquals(List.of(), values(first.getJsonArray("deleted")));
        JsonObject quiet = l.stream("fw", false, List.of(a, b), NOW.plusSeconds(1), null, t -> false, Map.of());
        assertEquals(0, quiet.getJsonArray("new").size() + quiet.getJsonArray("deleted").size(), quiet.encode());
        Ban c = ban("192.0.2.7", "syn_flood", Duration.ofHours(2));
        Ban aLonger = new Ban(a.target(), a.reason(), a.risk(), a.source(), a.createdAt(), a.expiresAt().plusSeconds(3600), 2, 2);
        JsonObject delta = l.stream("fw", false, List.of(aLonger, c), NOW.plusSeconds(2), null, t -> false, Map.of());
        assertEquals(List.of("192.0.2.7", "203.0.113.9"), values(delta.getJsonArray("new")), "the new one and the renewed one");
        assertEquals(List.of("2001:db8::66"), values(delta.getJsonArray("deleted")));
        assertEquals(List.of("192.0.2.7", "203.0.113.9"), values(l.stream("other", false, List.of(aLonger, c), NOW, null, t -> false,
                Map.of()).getJsonArray("new")), "a bouncer never served starts with everything");
        JsonObject stopped = l.stream("fw", false, List.of(aLonger, c), NOW.plusSeconds(3), "emergency stop in force", t -> false, Map.of());
        assertEquals(List.of("192.0.2.7", "203.0.113.9"), values(stopped.getJsonArray("deleted")), "an emergency stop deletes everything");
        assertEquals(0, stopped.getJsonArray("new").size());
        JsonObject restored = l.stream("fw", false, List.of(aLonger, c), NOW.plusSeconds(4), null, t -> false, Map.of());
        assertEquals(List.of("192.0.2.7", "203.0.113.9"), values(restored.getJsonArray("new")), "and its restore serves them again");
        JsonObject expired = l.stream("fw", false, List.of(aLonger, c), NOW.plus(Duration.ofHours(3)), null, t -> false, Map.of());
        assertEquals(List.of("192.0.2.7"), values(expired.getJsonArray("deleted")), "an expired ban is deleted");
    }

    @Test
    void onlyRealBansUnlessWithheldAndNeverWhatTheAllowlistRefuses() throws Exception {
        Ban quarantine = new Ban(BanTarget.parse("192.168.1.50"), "device", "high", new BanSource.Operator(), NOW, NOW.plusSeconds(600), 0, 1,
                Action.QUARANTINE);
        Ban gone = ban("203.0.113.10", "port_scan", Duration.ofSeconds(-1));
        Ban allowed = ban("10.0.0.0/8", null, Duration.ofHours(1));
        Ban real = ban("203.0.113.11", "port_scan", Duration.ofHours(1));
        LapiDecisions l = new LapiDecisions();
        assertEquals(List.of("203.0.113.11"), values(l.query(List.of(quarantine, gone, allowed, real), NOW, null,
                t -> t.overlaps(BanTarget.parse("10.1.2.3")), Map.of())));
        assertNull(l.query(List.of(real), NOW, "dry-run until 2026-12-09T00:00:00Z", t -> false, Map.of()), "CrowdSec answers null for none");
    }

    @Test
    void filtersAsCrowdSecReadsThem() throws Exception {
        List<Ban> bans = List.of(ban("203.0.113.9", "port_scan", Duration.ofHours(4)), ban("198.51.100.0/24", null, Duration.ofHours(1)),
                ban("2001:db8::/48", "syn_flood", Duration.ofHours(1)));
        LapiDecisions l = new LapiDecisions();
        assertEquals(List.of("203.0.113.9"), values(l.query(bans, NOW, null, t -> false, Map.of("scopes", "IP"))));
        assertEquals(List.of("198.51.100.0/24", "2001:db8::/48"), values(l.query(bans, NOW, null, t -> false, Map.of("scope", "range"))));
        assertEquals(List.of("198.51.100.0/24"), values(l.query(bans, NOW, null, t -> false, Map.of("origins", "argus-operator"))));
        assertEquals(List.of("2001:db8::/48", "203.0.113.9"), values(l.query(bans, NOW, null, t -> false, Map.of("scenarios_containing", "SCAN,flood"))));
        assertEquals(List.of("198.51.100.0/24"), values(l.query(bans, NOW, null, t -> false, Map.of("scenarios_not_containing", "scan,flood"))));
        assertEquals(List.of("198.51.100.0/24"), values(l.query(bans, NOW, null, t -> false, Map.of("ip", "198.51.100.77"))), "the range holding it");
        assertEquals(List.of("2001:db8::/48"), values(l.query(bans, NOW, null, t -> false, Map.of("ip", "2001:db8:0:1::5"))));
        assertEquals(List.of("203.0.113.9"), values(l.query(bans, NOW, null, t -> false, Map.of("range", "203.0.113.0/24", "contains", "false"))),
                "bans inside the range");
        assertEquals(List.of(), values(l.query(bans, NOW, null, t -> false, Map.of("range", "203.0.113.0/24"))), "no ban holds the whole /24");
        assertEquals(List.of("203.0.113.9"), values(l.query(bans, NOW, null, t -> false, Map.of("value", "203.0.113.9", "type", "ban"))));
        assertEquals(List.of(), values(l.query(bans, NOW, null, t -> false, Map.of("type", "captcha"))));
        assertThrows(LapiDecisions.BadFilter.class, () -> l.query(bans, NOW, null, t -> false, Map.of("ip", "not-an-ip")));
        assertThrows(LapiDecisions.BadFilter.class, () -> l.query(bans, NOW, null, t -> false, Map.of("contains", "maybe")));
        assertEquals(List.of("203.0.113.9"), values(l.stream("fw", true, bans, NOW, null, t -> false, Map.of("scopes", "ip")).getJsonArray("new")));
    }

    @TempDir
    Path dir;

    @Test
    void keysAreShownOnceStoredHashedAndNamedUniquely() throws Exception {
        try (BouncerStore s = BouncerStore.open(dir.resolve("b.db"))) {
            String key = s.add("router", NOW);
            assertTrue(key.length() >= 43, key);
            assertEquals("router", s.owner(key));
            assertNull(s.owner(key + "x"));
            assertNull(s.owner(""));
            assertNull(s.owner(null));
            assertThrows(IllegalArgumentException.class, () -> s.add("router", NOW));
            assertThrows(IllegalArgumentException.class, () -> s.add("bad name", NOW));
            s.pulled("router", NOW.plusSeconds(5), "192.168.1.1");
            assertEquals(List.of(new BouncerStore.Bouncer("router", NOW, NOW.plusSeconds(5), "192.168.1.1")), s.list());
            try (var files = java.nio.file.Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith("b.db")).toList()) { // the database and its write-ahead log
                    assertTrue(java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(key) < 0,
                            "the key itself is not in " + f.getFileName());
                }
            }
            assertTrue(s.delete("router"));
            assertNull(s.owner(key));
        }
    }
}
