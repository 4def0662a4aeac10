package org.argus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.argus.blacklist.Action;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanTarget;
import org.argus.enforce.EnforcementStatus;
import org.junit.jupiter.api.Test;

class BlocklistMirrorTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private static Ban ban(String target, Action action, Duration left) {
        return new Ban(BanTarget.parse(target), "port_scan: 120 ports", "high", BanSource.OPERATOR, NOW.minusSeconds(60), NOW.plus(left), 1, 1, action);
    }

    private static EnforcementStatus status(EnforcementStatus.Mode mode, Instant dryRunEnds, boolean emergency) {
        return new EnforcementStatus(mode, "none", dryRunEnds, emergency, "", 0, null, null);
    }

    @Test
    void onlyActiveBansProperSortedV4First() {
        List<Ban> bans = List.of(ban("2001:db8::7", Action.BAN, Duration.ofHours(1)), ban("198.51.100.0/24", Action.BAN, Duration.ofHours(1)),
                ban("192.0.2.7", Action.BAN, Duration.ofHours(1)), ban("192.0.2.9", Action.RATE_LIMIT, Duration.ofHours(1)),
                ban("192.168.1.50", Action.QUARANTINE, Duration.ofHours(1)), ban("203.0.113.1", Action.BAN, Duration.ofSeconds(-1)));
        BlocklistMirror.Body txt = BlocklistMirror.render(bans, NOW, null, false);
        assertEquals("192.0.2.7\n198.51.100.0/24\n2001:db8::7\n", txt.text());
        assertEquals(3, txt.count());
        JsonObject json = new JsonObject(BlocklistMirror.render(bans, NOW, null, true).text());
        assertEquals("argus-blocklist/1", json.getString("format"));
        assertEquals(3, json.getInteger("count"));
        assertEquals("192.0.2.7", json.getJsonArray("entries").getJsonObject(0).getString("value"));
        assertEquals("2026-12-02T13:00:00Z", json.getJsonArray("entries").getJsonObject(0).getString("expires_at"));
        // the tag follows the content only
        assertEquals(txt.etag(), BlocklistMirror.render(List.copyOf(bans.reversed()), NOW, null, false).etag());
        assertNotEquals(txt.etag(), BlocklistMirror.render(bans.subList(0, 2), NOW, null, false).etag());
        assertTrue(txt.etag().matches("\"[0-9a-f]{32}\""), txt.etag());
    }

    @Test
    void nothingServedInDryRunOrUnderAnEmergencyStop() {
        assertNull(BlocklistMirror.withheld(status(EnforcementStatus.Mode.ENFORCING, NOW.minusSeconds(1), false), NOW, false));
        assertNull(BlocklistMirror.withheld(status(EnforcementStatus.Mode.DISABLED, NOW.minusSeconds(1), false), NOW, false),
                "backend none (a sensor beside the router): real decisions are served");
        String dry = BlocklistMirror.withheld(status(EnforcementStatus.Mode.DISABLED, NOW.plusSeconds(3600), false), NOW, false);
        assertTrue(dry.startsWith("dry-run until"), dry);
        assertNull(BlocklistMirror.withheld(status(EnforcementStatus.Mode.DRY_RUN, NOW.plusSeconds(3600), false), NOW, true), "serve_dry_run");
        assertEquals("emergency stop in force", BlocklistMirror.withheld(status(EnforcementStatus.Mode.EMERGENCY_STOP, NOW, true), NOW, true));
        assertEquals("enforcement has not started", BlocklistMirror.withheld(null, NOW, false));
        JsonObject json = new JsonObject(BlocklistMirror.render(List.of(ban("192.0.2.7", Action.BAN, Duration.ofHours(1))), NOW, dry, true).text());
        assertFalse(json.getBoolean("serving"));
        assertEquals(0, json.getInteger("count"));
        assertEquals("", BlocklistMirror.render(List.of(ban("192.0.2.7", Action.BAN, Duration.ofHours(1))), NOW, dry, false).text());
    }

    @Test
    void conditionalRequestsAndClientNetworks() {
        assertTrue(BlocklistMirror.matches("\"abc\"", "\"abc\""));
        assertTrue(BlocklistMirror.matches("\"x\", W/\"abc\"", "\"abc\""));
        assertTrue(BlocklistMirror.matches("*", "\"abc\""));
        assertFalse(BlocklistMirror.matches("\"abd\"", "\"abc\""));
        assertFalse(BlocklistMirror.matches(null, "\"abc\""));
        List<BanTarget> nets = List.of(BanTarget.parseCidr("192.168.1.0/24"), BanTarget.parseCidr("fd00::/8"));
        assertTrue(BlocklistMirror.client(nets, "192.168.1.1"));
        assertTrue(BlocklistMirror.client(nets, "fd12::1"));
        assertFalse(BlocklistMirror.client(nets, "192.168.2.1"));
        assertFalse(BlocklistMirror.client(nets, "not an address"));
    }
}
