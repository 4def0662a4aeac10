package org.argus.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;

/** Which bans auto-quarantine asks for, and when. */
class QuarantineTest {
    private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
    private static final BanTarget LAN = BanTarget.parseCidr("192.168.7.0/24"), LINK = BanTarget.parseCidr("fe80::/10");

    private static Device device(TrustScore.Score trust) {
        List<Device.Address> addresses = List.of(new Device.Address("192.168.7.5", T, T), new Device.Address("fe80::5", T, T),
                new Device.Address("203.0.113.5", T, T));
        return new Device("00:11:22:33:44:55", "00:11:22:33:44:55", false, null, null, null, addresses, T, T, 0, 0, null, trust);
    }

    private static boolean local(IpAddress a) {
        return LAN.contains(a) || LINK.contains(a);
    }

    @Test
    void aDeviceTurningCriticalIsBannedAtItsRoutableLocalAddresses() {
        List<TrustScore.Event> three = List.of(new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "port_scan high"),
                new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "brute_force high"),
                new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "syn_flood high"));
        TrustScore.Score critical = TrustScore.of(three, null, T, new TrustScore.Weights(1, 0, 0), Duration.ofHours(24));
        assertEquals(TrustScore.Band.CRITICAL, critical.band());
        List<BanRequest> bans = Quarantine.bans(device(critical), TrustScore.Band.ALERT, TrustScore.Band.CRITICAL, QuarantineTest::local);
        assertEquals(1, bans.size(), "not the link-local address, not the remote one: " + bans);
        BanRequest b = bans.get(0);
        assertEquals("192.168.7.5", b.address());
        assertEquals("high", b.risk());
        assertNull(b.ttl(), "the default TTL");
        assertEquals("detector:device_trust", b.source().text());
        assertEquals(org.argus.blacklist.Action.QUARANTINE, b.action(), "a quarantine, not a ban: the device keeps the gateway, DNS and the sensor");
        assertTrue(b.reason().startsWith("quarantine: device 00:11:22:33:44:55 trust 0.0 critical: behaviour −40.0: port_scan high"), b.reason());
        assertEquals(List.of(), Quarantine.bans(device(critical), TrustScore.Band.CRITICAL, TrustScore.Band.CRITICAL, QuarantineTest::local),
                "once, when it becomes critical");
        assertEquals(List.of(), Quarantine.bans(device(critical), TrustScore.Band.CRITICAL, TrustScore.Band.ALERT, QuarantineTest::local));
        assertEquals(1, Quarantine.bans(device(critical), null, TrustScore.Band.CRITICAL, QuarantineTest::local).size(), "a first band");
    }
}
