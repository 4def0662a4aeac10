package org.argus.blacklist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.argus.detect.Decision;
import org.argus.detect.Risk;
import org.argus.detect.Role;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;

/** The ban policy and the ban source without a database or a bus. */
class BanPolicyTest {
    final Allowlist allowlist = Allowlist.of(java.util.Map.of("10.99.0.0/16", "configured allowlist 10.99.0.0/16"));
    final BanPolicy policy = new BanPolicy(Map.of(Risk.MEDIUM, 6.0, Risk.HIGH, 24.0), allowlist);

    static Decision decision(String address, Role role, Risk risk, boolean anonymized) {
        return new Decision(1_700_000_000_000_000_000L, anonymized ? null : IpAddress.parse(address), address, anonymized, role, risk, 0.9,
                "port_scan", List.of("port_scan"), List.of("100 ports in 5 s"), List.of(), null);
    }

    @Test
    void enforcementActionsMapRisksToRateLimitsAndBans() {
        // actions: medium → rate_limit (no TTL of its own: the default), high → ban; low has neither
        BanPolicy p = new BanPolicy(Map.of(Risk.HIGH, 24.0), Map.of(Risk.MEDIUM, Action.RATE_LIMIT, Risk.HIGH, Action.BAN), allowlist);
        var medium = assertInstanceOf(BanPolicy.Ban.class, p.onDecision(decision("198.51.100.8", Role.ATTACKER, Risk.MEDIUM, false)));
        assertEquals(Action.RATE_LIMIT, medium.action());
        assertEquals(null, medium.ttl(), "blacklist_default_ttl_hours");
        var high = assertInstanceOf(BanPolicy.Ban.class, p.onDecision(decision("198.51.100.7", Role.ATTACKER, Risk.HIGH, false)));
        assertEquals(Action.BAN, high.action());
        assertEquals(Duration.ofHours(24), high.ttl());
        assertInstanceOf(BanPolicy.Ignored.class, p.onDecision(decision("198.51.100.9", Role.ATTACKER, Risk.LOW, false)));
        assertInstanceOf(BanPolicy.Refused.class, p.onDecision(decision("10.99.1.2", Role.ATTACKER, Risk.MEDIUM, false)),
                "the allowlist applies to every action");
        // an operator's quarantine keeps its action
        var q = assertInstanceOf(BanPolicy.Ban.class, p.onRequest(new BanRequest("192.168.1.50", null, "high", null, BanSource.OPERATOR,
                Action.QUARANTINE)));
        assertEquals(Action.QUARANTINE, q.action());
        assertEquals("manual quarantine", q.reason());
        assertTrue(Action.BAN.stronger(Action.QUARANTINE) && Action.QUARANTINE.stronger(Action.RATE_LIMIT) && !Action.BAN.stronger(Action.BAN));
        assertThrows(IllegalArgumentException.class, () -> Action.parse("drop"));
    }

    @Test
    void roleAndRiskDecideWhatADecisionDoes() {
        var ban = assertInstanceOf(BanPolicy.Ban.class, policy.onDecision(decision("198.51.100.7", Role.ATTACKER, Risk.HIGH, false)));
        assertEquals(Duration.ofHours(24), ban.ttl());
        assertTrue(ban.escalate(), "detector bans escalate per repeat offence");
        assertEquals("detector:port_scan", ban.source().text());
        assertEquals("port_scan: 100 ports in 5 s", ban.reason());
        assertEquals(Duration.ofHours(6),
                assertInstanceOf(BanPolicy.Ban.class, policy.onDecision(decision("198.51.100.8", Role.ATTACKER, Risk.MEDIUM, false))).ttl());
        assertInstanceOf(BanPolicy.Ignored.class, policy.onDecision(decision("198.51.100.9", Role.ATTACKER, Risk.LOW, false)));
        assertInstanceOf(BanPolicy.VictimAlert.class, policy.onDecision(decision("192.0.2.1", Role.VICTIM, Risk.HIGH, false)));
        assertInstanceOf(BanPolicy.NotBannable.class, policy.onDecision(decision("ip_0123456789ab", Role.ATTACKER, Risk.HIGH, true)));
        var refused = assertInstanceOf(BanPolicy.Refused.class, policy.onDecision(decision("10.99.1.2", Role.ATTACKER, Risk.HIGH, false)));
        assertEquals(409, refused.code());
        Decision d = decision("198.51.100.7", Role.ATTACKER, Risk.HIGH, false);
        Decision early = new Decision(d.windowStartNanos(), d.address(), d.addressText(), false, d.role(), d.risk(), d.score(),
                d.detector(), d.detectors(), d.reasons(), d.communityIds(), null, true);
        assertEquals("port_scan (early): 100 ports in 5 s",
                assertInstanceOf(BanPolicy.Ban.class, policy.onDecision(early)).reason(), "an early decision says so");
        assertTrue(early.toJson().getBoolean("early") && !d.toJson().containsKey("early"));
    }

    @Test
    void escalationMultipliesPerOffenceUpToTheCap() {
        BlacklistStore.Policy p = new BlacklistStore.Policy(Duration.ofHours(24), 2.0, Duration.ofDays(7));
        assertEquals(Duration.ofHours(24), p.ttlFor(1));
        assertEquals(Duration.ofHours(48), p.ttlFor(2));
        assertEquals(Duration.ofHours(96), p.ttlFor(3));
        assertEquals(Duration.ofDays(7), p.ttlFor(4), "capped at max_ttl_hours");
        assertEquals(Duration.ofDays(7), p.ttlFor(40));
        assertEquals(Duration.ofHours(12), p.ttlFor(Duration.ofHours(6), 2), "a medium ban's own first TTL escalates too");
    }

    @Test
    void requestsAreCheckedAtTheEdge() {
        assertEquals(400, ((BanPolicy.Refused) policy.onRequest(new BanRequest("010.1.1.1", null, null, null, BanSource.OPERATOR))).code());
        assertEquals(400, ((BanPolicy.Refused) policy.onRequest(new BanRequest("192.0.2.7", null, "severe", null, BanSource.OPERATOR))).code());
        assertEquals(400, ((BanPolicy.Refused) policy.onRequest(new BanRequest("192.0.2.7", null, null, Duration.ZERO, BanSource.OPERATOR))).code());
        assertEquals(409, ((BanPolicy.Refused) policy.onRequest(new BanRequest("10.99.0.0/24", null, null, null, BanSource.OPERATOR))).code());
        var ban = assertInstanceOf(BanPolicy.Ban.class, policy.onRequest(new BanRequest("192.0.2.7", "x".repeat(60_000), "low",
                Duration.ofHours(1), BanSource.OPERATOR)));
        assertFalse(ban.escalate(), "an operator's TTL is taken as given");
        assertEquals(BanPolicy.MAX_REASON + 1, ban.reason().length(), "a 60,000-character reason is cut at the edge");
    }

    @Test
    void addressesParseInOneStrictFormAndNeverASender() {
        for (String bad : new String[] {"010.1.1.1", "1.2.3.4\u0000", "192.0.2.61 /32", " 192.0.2.61", "192.0.2.61/032", "١٩٢.0.2.1",
                "192.0.2.1/33", "fe80::1%eth0", "::ffff:010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "+1.2.3.4"}) {
            assertThrows(IllegalArgumentException.class, () -> BanTarget.parse(bad), bad);
        }
        for (String never : new String[] {"255.255.255.255", "224.0.0.1", "239.255.255.250", "ff02::1", "0.0.0.0", "::", "232.0.0.0/8"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BanTarget.parse(never), never);
            assertTrue(e.getMessage().contains("never be a sender"), e.getMessage());
        }
        assertEquals("198.51.100.0/24", BanTarget.parse("198.51.100.77/24").toString());
        assertEquals("2001:db8::/32", BanTarget.parse("2001:DB8::1/32").toString());
        assertEquals("240.0.1.3", BanTarget.parse("240.0.1.3").toString(), "reserved but a real sender in public captures");
        assertEquals("0.0.0.0/0", BanTarget.parseCidr("0.0.0.0/0").toString());
    }

    @Test
    void sourcesAreTypedAndSayWhereTheyAreForwarded() {
        BanSource detector = BanSource.parse("detector:port_scan"), operator = BanSource.parse("manual");
        BanSource clusterPeer = BanSource.parse("peer:pi-a"), firebasePeer = BanSource.parse("firebase:pi-b"),
                feed = BanSource.parse("feed:spamhaus-drop");
        for (BanSource own : List.of(detector, operator)) {
            assertTrue(own.publishedToCluster() && own.inClusterSnapshot() && own.exportedToFirebase(), own.text());
        }
        assertFalse(clusterPeer.publishedToCluster() || clusterPeer.exportedToFirebase());
        assertTrue(clusterPeer.inClusterSnapshot(), "a rejoining member catches up while the origin is down");
        assertFalse(firebasePeer.publishedToCluster() || firebasePeer.inClusterSnapshot() || firebasePeer.exportedToFirebase());
        assertFalse(feed.publishedToCluster() || feed.inClusterSnapshot() || feed.exportedToFirebase());
        for (BanSource s : List.of(detector, operator, clusterPeer, firebasePeer, feed)) {
            assertEquals(s, BanSource.parse(s.text()));
        }
        assertThrows(IllegalArgumentException.class, () -> BanSource.parse("peer:"));
        assertThrows(IllegalArgumentException.class, () -> BanSource.parse("peer:a b"));
        assertThrows(IllegalArgumentException.class, () -> BanSource.parse("cloud:x"));
    }
}
