package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.PacketShape;
import org.argus.flow.TcpFlagCounts;
import org.junit.jupiter.api.Test;

/**
 * The detectors' rules on flows written by hand, with the shipped defaults: what the real tools in AttackClassesIT
 * produce, reduced to the shapes that decide — baselines, streams, spoofing, reflection, slow and distributed brute
 * force, recon marks, and evidence adding up across detectors.
 */
public class HeuristicsTest {
    static final long W = 5_000_000_000L;
    static final int SYN = TcpFlagCounts.SYN, ACK = TcpFlagCounts.ACK, RST = TcpFlagCounts.RST, FIN = TcpFlagCounts.FIN,
            PSH = TcpFlagCounts.PSH, URG = TcpFlagCounts.URG;
    static final IpAddress HOST = IpAddress.parse("192.168.1.10"), ATTACKER = IpAddress.parse("203.0.113.7");

    public static DetectionSettings defaults() {
        try {
            return ArgusConfig.from(ConfigLoader.merge(new io.vertx.core.json.JsonObject(), java.util.Map.of("ARGUS_IP_SALT", "heuristics-test"))).detection();
        } catch (org.argus.config.ConfigException e) {
            throw new AssertionError(e);
        }
    }

    static IpAddress addr(int i) {
        return IpAddress.v4(0xc6330000 | i); // 198.51.x.x
    }

    static FlowRecord udp(IpAddress from, int sport, IpAddress to, int dport, long packets, long bytes, long t) {
        return new FlowRecord(17, from, sport, to, dport, packets, bytes, 0, 0, t, t + 1,
                TcpFlagCounts.NONE, new PacketShape(60, (int) Math.max(60, bytes / Math.max(1, packets)), 0, 0, -1));
    }

    static FlowRecord tcp(IpAddress from, int sport, IpAddress to, int dport, long out, long in, int syn, int synAck,
                          int ack, int psh, int unusual, int oFlags, int rFlags, long bytesIn, long t) {
        TcpFlagCounts f = new TcpFlagCounts(syn, synAck, 0, 0, psh, ack, unusual, oFlags, rFlags);
        return new FlowRecord(6, from, sport, to, dport, out, out * 66, in, bytesIn, t, t + 1, f,
                new PacketShape(54, 1500, 0, 0, -1));
    }

    /** A completed login attempt: SYN, SYN-ACK, ACKs, data both ways. */
    static FlowRecord login(IpAddress from, int sport, IpAddress to, int port, long t) {
        return tcp(from, sport, to, port, 8, 8, 1, 1, 14, 8, 0, SYN | ACK | PSH | FIN, SYN | ACK | PSH | FIN, 3000, t);
    }

    static List<Decision> run(Detector d, long t, List<FlowRecord> flows) {
        return d.process(t, 5, flows).decisions();
    }

    static Optional<Decision> about(List<Decision> ds, IpAddress a, Role role) {
        return ds.stream().filter(d -> d.address().equals(a) && d.role() == role).findFirst();
    }

    static Detector detector() {
        return new Detector(defaults(), null, Object::toString, false);
    }

    @Test
    void aFloodIsJudgedAgainstTheHostsOwnBaseline() {
        Detector d = detector();
        IpAddress busy = IpAddress.parse("192.168.1.20");
        long t = 0;
        for (int w = 0; w < 12; w++, t += W) {
            // 2500 one-way datagrams a window from many small flows: half the floor, its normal
            List<FlowRecord> flows = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                flows.add(udp(addr(i), 5000 + i, busy, 9000, 100, 100 * 80, t));
            }
            assertTrue(run(d, t, flows).isEmpty());
        }
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flows.add(udp(addr(i), 5000 + i, busy, 9000, 150, 150 * 80, t));
            flows.add(udp(addr(i), 6000 + i, HOST, 9000, 150, 150 * 80, t));
        }
        List<Decision> ds = run(d, t, flows);
        assertTrue(about(ds, busy, Role.VICTIM).isEmpty(), "6000 is within 10 × its baseline: " + ds);
        Decision fresh = about(ds, HOST, Role.VICTIM).orElseThrow(() -> new AssertionError("a host never seen: " + ds));
        assertEquals(Risk.HIGH, fresh.risk());
        assertTrue(fresh.reasons().get(0).contains("6000 unsolicited packets") && fresh.reasons().get(0).contains("6000 UDP"),
                fresh.reasons().toString());
    }

    @Test
    void oneLargeStreamIsNotAFloodButSmallDatagramsAre() {
        Detector d = detector();
        IpAddress tv = IpAddress.parse("192.168.1.30");
        List<Decision> ds = run(d, 0, List.of(udp(ATTACKER, 5004, tv, 5004, 8000, 8000L * 1316, 0),
                udp(ATTACKER, 7000, HOST, 7000, 8000, 8000L * 60, 0)));
        assertTrue(about(ds, ATTACKER, Role.ATTACKER).isPresent(), "small datagrams: " + ds);
        assertTrue(ds.stream().noneMatch(x -> x.reasons().get(0).contains(tv.toString())), "a media stream counts a quarter: " + ds);
    }

    @Test
    void spoofedSourcesMakeTheDestinationTheVictim() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            flows.add(tcp(addr(i), 1024 + i, HOST, 80, 1, 1, 0, 0, 1, 0, 0, ACK, RST, 60, 0)); // ACK flood answered by RST
        }
        List<Decision> ds = run(detector(), 0, flows);
        Decision v = about(ds, HOST, Role.VICTIM).orElseThrow(() -> new AssertionError(ds.toString()));
        assertEquals(Risk.HIGH, v.risk());
        assertTrue(v.reasons().get(0).contains("6000 ACK") && v.reasons().get(0).contains("spoofed"), v.reasons().toString());
        assertEquals(1, ds.size(), "no source named: " + ds);
    }

    @Test
    void unsolicitedSynAcksFromManyHostsAreTcpReflection() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            flows.add(tcp(addr(i % 8), 80, HOST, 30000 + i, 1, 1, 0, 1, 1, 0, 0, SYN | ACK, RST, 54, 0));
        }
        List<Decision> ds = run(detector(), 0, flows);
        Decision v = about(ds, HOST, Role.VICTIM).orElseThrow(() -> new AssertionError(ds.toString()));
        assertEquals(List.of("tcp_reflection"), v.detectors());
        assertEquals(Risk.HIGH, v.risk());
    }

    @Test
    void amplificationIsAPatternNotAPortListAndItsReflectorsAreNotScanners() {
        List<FlowRecord> flows = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            for (int port = 0; port < 60; port++) { // WS-Discovery answers to 60 ports of the victim each
                flows.add(udp(addr(r), 3702, HOST, 20000 + port, 1, 1400, 0));
            }
        }
        List<Decision> ds = run(detector(), 0, flows);
        Decision v = about(ds, HOST, Role.VICTIM).orElseThrow(() -> new AssertionError(ds.toString()));
        assertTrue(v.detectors().contains("amplification") && v.reasons().get(0).contains("port 3702"), v.reasons().toString());
        assertEquals(Risk.HIGH, v.risk());
        assertTrue(ds.stream().noneMatch(x -> x.role() == Role.ATTACKER), "reflectors answer, they do not scan: " + ds);
    }

    @Test
    void slowBruteForceAddsUpOverItsHorizonAndDistributedOneNamesTheTarget() {
        Detector d = detector();
        List<Decision> last = List.of();
        long t = 0;
        int port = 40000;
        // ncrack -T sneaky: one connection every 20 s, for 40 minutes
        for (int w = 0; w < 12 * 40; w++, t += W) {
            List<FlowRecord> flows = w % 4 == 0 ? List.of(login(ATTACKER, port++, HOST, 22, t)) : List.of();
            List<Decision> ds = run(d, t, flows);
            if (!ds.isEmpty()) {
                last = ds;
            }
        }
        Decision slow = about(last, ATTACKER, Role.ATTACKER).orElseThrow();
        assertEquals(Risk.HIGH, slow.risk(), slow.reasons().toString());
        assertTrue(slow.reasons().get(0).startsWith("slow brute force: 120 new connections"), slow.reasons().toString());

        List<FlowRecord> flows = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            for (int i = 0; i < 6; i++) {
                flows.add(login(addr(s), 30000 + i, HOST, 22, t));
            }
        }
        List<Decision> ds = run(d, t, flows);
        Decision target = about(ds, HOST, Role.VICTIM).orElseThrow(() -> new AssertionError(ds.toString()));
        assertTrue(target.reasons().get(0).startsWith("distributed brute force against " + HOST + " port 22"),
                target.reasons().toString());
        assertTrue(ds.stream().noneMatch(x -> x.role() == Role.ATTACKER && x.risk() == Risk.HIGH), "none enough alone: " + ds);
    }

    @Test
    void osFingerprintingIsMediumAloneAndHighWithOtherEvidence() {
        Detector d = detector();
        List<FlowRecord> probes = List.of(
                tcp(ATTACKER, 40001, HOST, 22, 1, 1, 0, 0, 0, 0, 1, 0, ACK | RST, 54, 0),                     // NULL
                tcp(ATTACKER, 40002, HOST, 22, 1, 1, 1, 1, 1, 1, 1, SYN | FIN | PSH | URG, SYN | ACK, 60, 0), // SYN+FIN+PSH+URG
                tcp(ATTACKER, 40003, HOST, 81, 1, 1, 0, 0, 0, 1, 1, FIN | PSH | URG, RST | ACK, 54, 0),      // FIN+PSH+URG
                tcp(ATTACKER, 40004, HOST, 22, 2, 1, 1, 1, 1, 0, 0, SYN | RST, SYN | ACK, 60, 0));          // half-open
        List<Decision> ds = run(d, 0, probes);
        Decision recon = about(ds, ATTACKER, Role.ATTACKER).orElseThrow(() -> new AssertionError(ds.toString()));
        assertEquals(Risk.MEDIUM, recon.risk(), recon.reasons().toString());
        assertEquals("recon", recon.detector());

        // 40 s later a slow-ish login guessing that alone is only medium: together, high, with the recon quoted
        List<FlowRecord> guesses = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            guesses.add(login(ATTACKER, 41000 + i, HOST, 22, 8 * W));
        }
        List<Decision> later = run(d, 8 * W, guesses);
        Decision both = about(later, ATTACKER, Role.ATTACKER).orElseThrow();
        assertEquals(Risk.HIGH, both.risk(), both.reasons().toString());
        assertEquals(List.of("brute_force", "recon"), both.detectors());
        assertTrue(both.reasons().stream().anyMatch(r -> r.startsWith("earlier evidence: recon")), both.reasons().toString());

        Detector fresh = detector();
        assertTrue(run(fresh, 0, List.of(probes.get(0))).isEmpty(), "one odd segment is not reported");
    }

    @Test
    void aDetectorRepeatingItselfDoesNotClimb() {
        Detector d = detector();
        for (int w = 0; w < 20; w++) {
            long t = w * 14 * W; // every 70 s, four recon marks: medium each time, never more
            List<FlowRecord> probes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                probes.add(tcp(ATTACKER, 40000 + i, HOST, 22, 2, 1, 1, 1, 1, 0, 0, SYN | RST, SYN | ACK, 60, t));
            }
            List<Decision> ds = run(d, t, probes);
            assertEquals(Risk.MEDIUM, about(ds, ATTACKER, Role.ATTACKER).orElseThrow().risk(), ds.toString());
        }
    }

    static org.argus.flow.ArpRecord arp(int op, long mac, String sender, String target, long t) {
        return new org.argus.flow.ArpRecord(op, mac, IpAddress.parse(sender), 0, IpAddress.parse(target), 1, t);
    }

    @Test
    void anArpSweepIsAScanAndTwoOwnersTakingTurnsIsSpoofing() {
        Detector d = detector();
        List<org.argus.flow.ArpRecord> sweep = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            sweep.add(arp(1, 0x22, "192.168.1.66", "192.168.1." + (100 + i), i));
        }
        sweep.add(arp(1, 0xbb, "0.0.0.0", "192.168.1.77", 0)); // an RFC 5227 probe: not judged
        List<Decision> ds = d.process(0, 5, List.of(), sweep).decisions();
        Decision scan = about(ds, IpAddress.parse("192.168.1.66"), Role.ATTACKER).orElseThrow(() -> new AssertionError(ds.toString()));
        assertTrue(scan.reasons().get(0).contains("ARP sweep, who-has for 60 addresses"), scan.reasons().toString());
        assertEquals(1, ds.size(), ds.toString());

        long gateway = 0x11, poisoner = 0x22;
        List<Decision> last = List.of();
        for (int w = 1; w <= 4; w++) { // the gateway answers, the poisoner (also 192.168.1.66) repeats its lie
            long t = w * W;
            last = d.process(t, 5, List.of(), List.of(arp(2, gateway, "192.168.1.1", "192.168.1.10", t),
                    arp(2, poisoner, "192.168.1.1", "192.168.1.10", t + 1))).decisions();
        }
        Decision victim = about(last, IpAddress.parse("192.168.1.1"), Role.VICTIM).orElseThrow(() -> new AssertionError("victim"));
        assertEquals(Risk.HIGH, victim.risk(), victim.reasons().toString());
        Decision attacker = about(last, IpAddress.parse("192.168.1.66"), Role.ATTACKER).orElseThrow();
        assertTrue(attacker.detectors().contains("arp_spoofing") && attacker.risk() == Risk.HIGH, attacker.toString());

        Detector moved = detector(); // one change of owner (a new DHCP lease, a failover) is not reported
        moved.process(0, 5, List.of(), List.of(arp(2, gateway, "192.168.1.1", "192.168.1.10", 0)));
        assertTrue(moved.process(W, 5, List.of(), List.of(arp(2, poisoner, "192.168.1.1", "192.168.1.10", W))).decisions().isEmpty());
    }

    @Test
    void aGratuitousArpStormIsReportedButAFewAnnouncementsAreNot() {
        Detector d = detector();
        long gateway = 0x11, storm = 0x22;
        d.process(0, 5, List.of(), List.of(arp(2, gateway, "192.168.1.1", "192.168.1.10", 0),
                arp(1, storm, "192.168.1.66", "192.168.1.1", 1)));
        List<org.argus.flow.ArpRecord> few = List.of(new org.argus.flow.ArpRecord(1, 0x33, IpAddress.parse("192.168.1.77"), 0,
                IpAddress.parse("192.168.1.77"), 3, W)); // RFC 5227 announcements of a host that just came up
        assertTrue(d.process(W, 5, List.of(), few).decisions().isEmpty());

        List<org.argus.flow.ArpRecord> flood = List.of(new org.argus.flow.ArpRecord(2, storm, IpAddress.parse("192.168.1.1"), 0,
                IpAddress.parse("192.168.1.1"), 400, 2 * W)); // the gateway's address, announced by another host
        List<Decision> ds = d.process(2 * W, 5, List.of(), flood).decisions();
        Decision victim = about(ds, IpAddress.parse("192.168.1.1"), Role.VICTIM).orElseThrow(() -> new AssertionError(ds.toString()));
        assertEquals(Risk.HIGH, victim.risk());
        assertTrue(victim.reasons().get(0).contains("gratuitous ARP storm: 00:00:00:00:00:22 announced 192.168.1.1 400 times"),
                victim.reasons().toString());
        assertEquals(Risk.HIGH, about(ds, IpAddress.parse("192.168.1.66"), Role.ATTACKER).orElseThrow().risk());

        Detector own = detector(); // a host storming its own address is the one to look at
        List<Decision> self = own.process(0, 5, List.of(), List.of(new org.argus.flow.ArpRecord(1, 0x44,
                IpAddress.parse("192.168.1.80"), 0, IpAddress.parse("192.168.1.80"), 200, 0))).decisions();
        assertEquals(Risk.HIGH, about(self, IpAddress.parse("192.168.1.80"), Role.ATTACKER).orElseThrow().risk(), self.toString());
    }

    static org.argus.flow.DhcpRecord dhcp(int type, long client, String from, String to, long t) {
        return new org.argus.flow.DhcpRecord(type, client, IpAddress.parse(from), IpAddress.parse(to), 1, t);
    }

    @Test
    void dhcpStarvationNamesTheServerAndRogueServersDependOnTheConfiguredOnes() {
        Detector d = detector();
        IpAddress server = IpAddress.parse("192.168.1.1"), rogue = IpAddress.parse("192.168.1.250");
        List<org.argus.flow.DhcpRecord> normal = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // thirty devices back after a power cut: not starvation
            normal.add(dhcp(org.argus.flow.DhcpRecord.DISCOVER, 0x100 + i, "0.0.0.0", "255.255.255.255", i));
            normal.add(dhcp(org.argus.flow.DhcpRecord.OFFER, 0x100 + i, "192.168.1.1", "255.255.255.255", i + 1));
        }
        assertTrue(d.process(0, 5, List.of(), List.of(), normal).decisions().isEmpty(), "the first server seen is the LAN's");
        List<org.argus.flow.DhcpRecord> starve = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            starve.add(dhcp(org.argus.flow.DhcpRecord.DISCOVER, 0x9000 + i, "0.0.0.0", "255.255.255.255", W + i));
        }
        starve.add(dhcp(org.argus.flow.DhcpRecord.OFFER, 0x100, "192.168.1.250", "255.255.255.255", W + 200));
        List<Decision> ds = d.process(W, 5, List.of(), List.of(), starve).decisions();
        Decision victim = about(ds, rogue, Role.VICTIM).or(() -> about(ds, server, Role.VICTIM))
                .orElseThrow(() -> new AssertionError(ds.toString()));
        assertEquals(Risk.HIGH, victim.risk());
        assertTrue(victim.reasons().get(0).contains("150 distinct clients asked for a lease in the last 60 s, 120 in this window"),
                victim.reasons().toString());
        Decision second = about(ds, rogue, Role.ATTACKER).orElseThrow(() -> new AssertionError(ds.toString()));
        assertEquals(Risk.MEDIUM, second.risk(), "not configured: another server is only medium");
        List<org.argus.flow.ArpRecord> checks = new ArrayList<>(); // the server asks before it offers: not a sweep
        for (int i = 0; i < 80; i++) {
            checks.add(arp(1, 0x11, "192.168.1.1", "192.168.1." + (100 + i), 2 * W + i));
        }
        List<Decision> after = d.process(2 * W, 5, List.of(), checks).decisions();
        assertTrue(about(after, server, Role.ATTACKER).isEmpty(), after.toString());

        Detector named;
        try {
            named = new Detector(ArgusConfig.from(ConfigLoader.merge(new io.vertx.core.json.JsonObject().put("heuristics",
                    new io.vertx.core.json.JsonObject().put("dhcp_servers", new io.vertx.core.json.JsonArray().add("192.168.1.1"))),
                    java.util.Map.of("ARGUS_IP_SALT", "heuristics-test"))).detection(), null, Object::toString, false);
        } catch (org.argus.config.ConfigException e) {
            throw new AssertionError(e);
        }
        List<Decision> first = named.process(0, 5, List.of(), List.of(), List.of(
                dhcp(org.argus.flow.DhcpRecord.OFFER, 0x100, "192.168.1.250", "255.255.255.255", 0))).decisions();
        assertEquals(Risk.HIGH, about(first, rogue, Role.ATTACKER).orElseThrow(() -> new AssertionError(first.toString())).risk(),
                "a server not among dhcp_servers is a rogue from its first offer");
        assertTrue(named.process(W, 5, List.of(), List.of(), List.of(
                dhcp(org.argus.flow.DhcpRecord.ACK, 0x100, "192.168.1.1", "192.168.1.23", W))).decisions().isEmpty());
    }

    /** A completed short web connection: {@code request} wire bytes out, {@code answer} back. */
    static FlowRecord web(IpAddress from, int sport, int port, long request, long answer, long t) {
        TcpFlagCounts f = new TcpFlagCounts(1, 1, 2, 0, 4, 8, 0, SYN | ACK | PSH | FIN, SYN | ACK | PSH | FIN);
        return new FlowRecord(6, from, sport, HOST, port, 6, request, 5, answer, t, t + 1, f, new PacketShape(54, 1500, 0, 0, -1));
    }

    @Test
    void lookAlikeSmallWebConnectionsAreALoginBruteForceButBrowsingAndUploadsAreNot() {
        Detector d = detector();
        List<FlowRecord> guesses = new ArrayList<>(), pages = new ArrayList<>(), uploads = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            guesses.add(web(ATTACKER, 40000 + i, 80, 900 + i % 7, 1400 + i % 3, i)); // one form, one "failed" page
            pages.add(web(addr(1), 40000 + i, 80, 600, 2000 + 700 * i, i)); // sixty different pages
            uploads.add(web(addr(2), 40000 + i, 8080, 66_000, 400, i)); // a backup job's chunks: not small requests
        }
        List<FlowRecord> all = new ArrayList<>(guesses);
        all.addAll(pages);
        all.addAll(uploads);
        List<Decision> ds = run(d, 0, all);
        Decision guessing = about(ds, ATTACKER, Role.ATTACKER).orElseThrow(() -> new AssertionError(ds.toString()));
        assertEquals(Risk.HIGH, guessing.risk());
        assertTrue(guessing.reasons().get(0).startsWith("web login brute force: 60 look-alike connections to 192.168.1.10 port 80"),
                guessing.reasons().toString());
        assertEquals(1, ds.size(), ds.toString());
    }

    @Test
    void lruForgetsTheLeastRecentlyUsed() {
        Lru<Integer, String> m = new Lru<>(3);
        m.put(1, "a");
        m.put(2, "b");
        m.put(3, "c");
        m.get(1);
        m.put(4, "d");
        assertEquals(java.util.Set.of(1, 3, 4), m.keySet());
    }
}
