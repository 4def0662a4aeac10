package org.argus.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.argus.TestData;
import org.argus.blacklist.BanTarget;
import org.argus.capture.PcapFileReader;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowStats;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;
import org.argus.flow.WindowAssembler;
import org.argus.flow.WindowTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inventory on real captures, into a real SQLite file. Expected devices are tshark's view of the same files
 * ({@code tshark -r F -T fields -e eth.src -e ip.src -e ipv6.src} and {@code -Y arp}, private sources only).
 */
class DeviceInventoryTest {
    private static final List<BanTarget> PRIVATE = DeviceSettings.PRIVATE_RANGES.stream().map(BanTarget::parseCidr).toList();

    @TempDir
    Path dir;

    private static List<FlowWindow> windows(String capture) throws Exception {
        List<FlowWindow> out = new ArrayList<>();
        WindowAssembler a = new WindowAssembler(FlowSettings.defaults(), new FlowStats(), out::add);
        new PcapFileReader(TestData.shared().resolve("pcaps/" + capture), 256).read(a::accept);
        a.flush();
        return out;
    }

    private static List<Device> replay(String capture, DeviceStore store) throws Exception {
        DeviceInventory inventory = new DeviceInventory(PRIVATE);
        List<Device> fresh = new ArrayList<>();
        for (FlowWindow w : windows(capture)) {
            fresh.addAll(store.record(inventory.observe(w)));
        }
        return fresh;
    }

    private static Set<String> addresses(Device d) {
        return d.addresses().stream().map(Device.Address::address).collect(Collectors.toSet());
    }

    @Test
    void aCaptureBecomesItsDevicesOnceAndTheyAreNotNewAfterARestart() throws Exception {
        Oui oui = Oui.load(OuiTest.MANUF);
        Path db = dir.resolve("devices.db");
        List<Device> fresh;
        try (DeviceStore store = DeviceStore.open(db, oui, 100, 16)) {
            fresh = replay("gnutella.pcap", store);
            assertEquals(List.of("08:00:27:e6:e5:59", "52:54:00:12:35:02", "52:54:00:12:35:03").stream().sorted().toList(),
                    fresh.stream().map(Device::key).sorted().toList(), "each device announced once");
            Device vbox = store.find("08:00:27:e6:e5:59").orElseThrow();
            assertEquals(Set.of("10.0.2.15", "fe80::c50d:519f:96a4:e108"), addresses(vbox), "IPv4 and IPv6 under one MAC");
            assertEquals("PCS Computer Systems GmbH", vbox.vendor());
            assertFalse(vbox.randomizedMac());
            assertEquals("MSEDGEWIN10", vbox.hostName(), "DHCP option 12 of its REQUEST");
            assertEquals("MSFT 5.0", vbox.vendorClass(), "DHCP option 60");
            assertTrue(vbox.bytesToday() > 100_000 && vbox.flowsToday() > 10, vbox.toString());
            Device gateway = store.find("10.0.2.2").orElseThrow();
            assertEquals("52:54:00:12:35:02", gateway.mac());
            assertTrue(gateway.randomizedMac(), "a locally administered MAC");
            assertNull(gateway.vendor());
            assertEquals(Set.of("10.0.2.2"), addresses(gateway), "routed packets it forwards are not its addresses");
            assertEquals(Set.of("10.0.2.3"), addresses(store.find("52:54:00:12:35:03").orElseThrow()), "from ARP alone");
            assertEquals(3, store.list().size());
        }
        try (DeviceStore again = DeviceStore.open(db, oui, 100, 16)) {
            assertEquals(3, again.size());
            assertEquals(List.of(), replay("gnutella.pcap", again), "nothing is new after a restart");
            assertEquals(List.of("08:00:27:e6:e5:59", "52:54:00:12:35:03", "52:54:00:12:35:02").size(), again.list().size());
        }
    }

    @Test
    void aHomeCaptureShowsTheClientAndTheRouterWithTheirVendors() throws Exception {
        try (DeviceStore store = DeviceStore.open(dir.resolve("d.db"), Oui.load(OuiTest.MANUF), 100, 16)) {
            replay("netflix.pcap", store);
            List<Device> all = store.list();
            assertEquals(Set.of("e4:98:d6:1f:bd:14", "80:2a:a8:4c:61:cc"), all.stream().map(Device::key).collect(Collectors.toSet()));
            Device apple = store.find("192.168.1.7").orElseThrow();
            assertEquals("Apple, Inc.", apple.vendor());
            // tshark -q -z conv,ip: 192.168.1.7 <-> 23.246.11.141 is the biggest conversation, 306 kB
            List<DeviceInventory.Peer> peers = store.topPeers(apple.key(), apple.lastSeen(), 1, 5);
            assertEquals(5, peers.size(), peers.toString());
            assertEquals("23.246.11.141", peers.get(0).address().toString());
            assertTrue(peers.get(0).bytes() > 290_000 && peers.get(0).bytes() < 320_000, peers.get(0).toString());
            for (int i = 1; i < peers.size(); i++) {
                assertTrue(peers.get(i - 1).bytes() >= peers.get(i).bytes(), peers.toString());
            }
            assertEquals("Ubiquiti Inc", store.find("192.168.1.1").orElseThrow().vendor());
        }
    }

    @Test
    void dhcpHostNamesAttachToTheirDevices() throws Exception {
        try (DeviceStore store = DeviceStore.open(dir.resolve("k.db"), Oui.load(OuiTest.MANUF), 1000, 16)) {
            replay("1kxun.pcap", store);
            Device mac = store.find("60:c5:47:05:bc:8c").orElseThrow();
            assertEquals("MacBook-Air", mac.hostName());
            assertTrue(addresses(mac).contains("192.168.5.16"), addresses(mac).toString());
            assertEquals("Apple, Inc.", mac.vendor());
        }
    }

    @Test
    void mdnsAnnouncementsNameADeviceWithoutDhcp() throws Exception {
        // gnutella.pcap: frames 21 and 23 are MSEDGEWIN10's mDNS responses (tshark: dns.resp.name MSEDGEWIN10.local,
        // types A and AAAA), over IPv4 and IPv6
        List<org.argus.flow.MdnsName> names = new ArrayList<>();
        List<FlowWindow> noDhcp = new ArrayList<>();
        for (FlowWindow w : windows("gnutella.pcap")) {
            names.addAll(w.mdns());
            noDhcp.add(new FlowWindow(w.startNanos(), w.endNanos(), w.totals(), w.flows(), w.arp(), List.of(), w.mdns()));
        }
        assertEquals(Set.of(new org.argus.flow.MdnsName(Mac.parse("08:00:27:e6:e5:59"), "MSEDGEWIN10")), Set.copyOf(names));
        try (DeviceStore store = DeviceStore.open(dir.resolve("m.db"), Oui.empty(), 100, 16)) {
            DeviceInventory inventory = new DeviceInventory(PRIVATE);
            for (FlowWindow w : noDhcp) {
                store.record(inventory.observe(w));
            }
            assertEquals("MSEDGEWIN10", store.find("08:00:27:e6:e5:59").orElseThrow().hostName(), "the name from mDNS alone");
            assertNull(store.find("08:00:27:e6:e5:59").orElseThrow().vendorClass());
        }
    }

    @Test
    void theScoreHistoryStepsAtEachPieceOfEvidenceAndScanAndAFailedRescanHidesNothing() throws Exception {
        java.time.Instant t = java.time.Instant.parse("2026-12-01T12:00:00Z");
        java.time.Duration hour = java.time.Duration.ofHours(1);
        try (DeviceStore store = DeviceStore.open(dir.resolve("h.db"), Oui.empty(), 100, 16)) {
            store.trust(TrustScore.Weights.seed(), java.time.Duration.ofHours(24), java.time.Clock.fixed(t.plus(hour.multipliedBy(3)),
                    java.time.ZoneOffset.UTC));
            replay("netflix.pcap", store);
            String key = store.find("192.168.1.7").orElseThrow().key();
            store.addEvent(key, new TrustScore.Event(t, TrustScore.Part.BEHAVIOUR, 40, "port_scan high: 200 ports of 192.168.1.1"));
            DeviceScanner.Finding telnet = new DeviceScanner.Finding(23, "tcp", "telnet", "high", "Telnet");
            store.recordScan(key, new DeviceScanner.Outcome("192.168.1.7", t, t.plus(hour), null, List.of(telnet)));
            store.recordScan(key, new DeviceScanner.Outcome("192.168.1.7", t.plus(hour), t.plus(hour.multipliedBy(2)), "nmap timed out", List.of()));
            List<DeviceStore.ScorePoint> h = store.history(key, t.minus(hour), t.plus(hour.multipliedBy(30)), 32);
            java.util.Map<java.time.Instant, Double> at = new java.util.HashMap<>();
            h.forEach(p -> at.put(p.at(), p.score()));
            for (int i = 1; i < h.size(); i++) {
                assertTrue(h.get(i - 1).at().isBefore(h.get(i).at()), "oldest first, no repeats: " + h);
            }
            // hourly samples; the event and the completed scan fall on two of them, so each adds only the point just before
            assertEquals(32 + 2, h.size(), "32 samples, and a step before the event and before the completed scan: " + h);
            assertEquals(100.0, at.get(t.minusMillis(1)));
            assertEquals(80.0, at.get(t), "behaviour 60 × 0.5 + 100 × 0.3 + 100 × 0.2");
            // an hour later: behaviour 100 − 40 × 23/24, vulnerability 100 − 30 (Telnet)
            assertEquals(Math.round(((100 - 40 * 23 / 24.0) * 0.5 + 70 * 0.3 + 100 * 0.2) * 10) / 10.0, at.get(t.plus(hour)));
            assertEquals(91.0, h.get(h.size() - 1).score(), "the decision recovered, the open Telnet port stays");
            assertEquals(100.0, h.get(0).score());
            Device d = store.find(key).orElseThrow();
            assertEquals(70.0, d.trust().vulnerability(), "the timed-out re-scan does not hide the Telnet port");
            assertEquals(List.of(23), d.toJson().getJsonArray("open_ports").getList());
            List<TrustScore.Event> evidence = store.evidence(key, 20);
            assertEquals(1, evidence.size());
            assertTrue(evidence.get(0).reason().startsWith("port_scan high"), evidence.toString());
        }
    }

    private static FlowRecord probe(IpAddress from, long fromMac, IpAddress to, long toMac, boolean answered, long ts) {
        return new FlowRecord(6, from, 40000, to, 80, 1, 60, answered ? 1 : 0, answered ? 60 : 0, ts, ts,
                TcpFlagCounts.NONE, org.argus.flow.PacketShape.UNKNOWN, fromMac, answered ? toMac : 0);
    }

    private static FlowWindow window(List<FlowRecord> flows) {
        return new FlowWindow(0, 5_000_000_000L, new WindowTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), flows, List.of(), List.of());
    }

    @Test
    void aScanOfTheLocalRangeInventsNoDevicesAndStorageIsBounded() throws Exception {
        long scanner = Mac.parse("00:11:22:33:44:55");
        List<FlowRecord> flows = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            flows.add(probe(IpAddress.parse("192.168.7.2"), scanner, IpAddress.parse("192.168.7." + (i + 2)), 0x0a0000000000L + i, i <= 3, i));
        }
        flows.add(probe(IpAddress.parse("8.8.8.8"), Mac.parse("00:aa:bb:cc:dd:ee"), IpAddress.parse("192.168.7.2"), scanner, true, 1));
        try (DeviceStore store = DeviceStore.open(dir.resolve("b.db"), Oui.empty(), 3, 2)) {
            List<Device> fresh = store.record(new DeviceInventory(PRIVATE).observe(window(flows)));
            assertEquals(3, fresh.size(), "the scanner and the first two of three answering hosts; max_devices 3");
            assertEquals(1, store.refused(), "the third answering host is counted, not stored");
            assertEquals("00:11:22:33:44:55", fresh.get(0).key());
            assertEquals(Set.of("192.168.7.2"), addresses(fresh.get(0)), "a remote peer is no address of the device");
            // the same MAC seen with three more addresses keeps the two most recent
            List<FlowRecord> moved = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                moved.add(probe(IpAddress.parse("192.168.7." + (100 + i)), scanner, IpAddress.parse("8.8.8.8"), 0, false, 1_000_000_000L * (i + 1)));
            }
            store.record(new DeviceInventory(PRIVATE).observe(window(moved)));
            assertEquals(Set.of("192.168.7.101", "192.168.7.102"), addresses(store.find("00:11:22:33:44:55").orElseThrow()));
        }
    }

    @Test
    void contactsWithBannedAddressesAndDecisionsLowerTrust() throws Exception {
        long pc = Mac.parse("00:11:22:33:44:66");
        IpAddress c2 = IpAddress.parse("203.0.113.9"), attacker = IpAddress.parse("198.51.100.7"), me = IpAddress.parse("192.168.7.5");
        DeviceInventory inventory = new DeviceInventory(PRIVATE);
        inventory.bannedBy(a -> a.equals(c2) || a.equals(attacker));
        List<DeviceInventory.Sighting> s = inventory.observe(window(List.of(
                probe(me, pc, c2, Mac.parse("00:aa:bb:cc:dd:ee"), false, 1),          // it calls a banned host: counts
                probe(attacker, Mac.parse("00:aa:bb:cc:dd:ee"), me, pc, true, 2))));   // it answers an attacker: no fault
        assertEquals(1, s.size());
        assertEquals(Set.of(c2), s.get(0).bannedContacts());
        java.time.Instant now = java.time.Instant.parse("2026-12-01T12:00:00Z");
        try (DeviceStore store = DeviceStore.open(dir.resolve("t.db"), Oui.empty(), 10, 4)
                .trust(TrustScore.Weights.seed(), java.time.Duration.ofHours(24), java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))) {
            store.record(s);
            String key = "00:11:22:33:44:66";
            assertEquals(100.0, store.find(key).orElseThrow().trust().total());
            assertEquals(null, store.updateBand(key, TrustScore.Band.NORMAL), "the first band");
            store.addEvent(key, new TrustScore.Event(now, TrustScore.Part.REPUTATION, TrustScore.BANNED_CONTACT_PENALTY, "contacted banned " + c2));
            store.addEvent(key, new TrustScore.Event(now.minus(java.time.Duration.ofHours(12)), TrustScore.Part.BEHAVIOUR, 40, "port_scan high"));
            Device d = store.find(key).orElseThrow();
            assertEquals(75.0, d.trust().reputation());
            assertEquals(80.0, d.trust().behaviour(), 1e-9, "half recovered after 12 of 24 hours");
            assertEquals(80 * 0.5 + 100 * 0.3 + 75 * 0.2, d.trust().total(), 0.05);
            assertEquals(2, d.trust().reasons().size());
            assertEquals(TrustScore.Band.NORMAL, store.updateBand(key, TrustScore.Band.WARNING), "returns the band before");
            assertEquals(List.of(key), store.notNormal());
            assertEquals(d.trust().total(), d.toJson().getDouble("trust_score"));
            assertEquals("normal", d.toJson().getString("trust_band"));
            assertEquals(java.util.Map.of("normal", 0, "warning", 1, "alert", 0, "critical", 0), store.bands());
            assertFalse(store.forget("00:00:00:00:00:01"));
            assertTrue(store.forget(key));
            assertTrue(store.find(key).isEmpty());
            assertEquals(0, store.size());
            assertEquals(List.of(), store.notNormal(), "its band went with it");
            assertEquals(1, store.record(s).size(), "new again when next seen");
            assertEquals(100.0, store.find(key).orElseThrow().trust().total(), "with no old evidence");
        }
    }
}
