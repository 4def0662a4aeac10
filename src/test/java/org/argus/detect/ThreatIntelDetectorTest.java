package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.argus.TestData;
import org.argus.blacklist.BanTarget;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.intel.FeedFormat;
import org.argus.intel.IntelLoader;
import org.argus.intel.IntelSettings;
import org.argus.intel.ThreatIntel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real capture (gnutella.pcap, a peer-to-peer client at 10.0.2.15 behind NAT) replayed with two of its public
 * addresses in a feed: one that originated flows to the client (inbound: an attacker decision about it) and one the
 * client originated flows to (outbound: a compromised decision about the client), each in the window of its first
 * contact, through the detector every sensor and replay uses.
 */
class ThreatIntelDetectorTest {
    private static final List<BanTarget> LOCAL = List.of(BanTarget.parseCidr("10.0.0.0/8"), BanTarget.parseCidr("fe80::/10"));

    @TempDir
    Path dir;

    private static boolean local(IpAddress a) {
        return LOCAL.stream().anyMatch(n -> n.contains(a));
    }

    @Test
    void aListedAddressIsDecidedInTheWindowOfItsFirstContactInBothDirections() throws Exception {
        List<FlowWindow> windows = WindowsOf.read(TestData.shared().resolve("pcaps/gnutella.pcap"));
        IpAddress inbound = null, outbound = null;
        int inboundWindow = -1, outboundWindow = -1;
        for (int w = 0; w < windows.size(); w++) {
            for (FlowRecord f : windows.get(w).flows()) {
                if (inbound == null && !local(f.originator()) && local(f.responder()) && !f.originator().groupOrBroadcast()) {
                    inbound = f.originator();
                    inboundWindow = w;
                }
            }
        }
        assertNotNull(inbound, "gnutella.pcap has a peer connecting in");
        // the first public responder the client called, other than the inbound peer, chosen from a later window
        for (int w = inboundWindow + 1; w < windows.size() && outbound == null; w++) {
            for (FlowRecord f : windows.get(w).flows()) {
                if (local(f.originator()) && !local(f.responder()) && !f.responder().equals(inbound) && !f.responder().groupOrBroadcast()
                        && firstContact(windows, f.responder()) == w) {
                    outbound = f.responder();
                    outboundWindow = w;
                    break;
                }
            }
        }
        assertNotNull(outbound, "gnutella.pcap's client calls out");
        Path feed = dir.resolve("feed.txt");
        Files.writeString(feed, "# test feed\n" + inbound + "\n" + BanTarget.parseCidr(outbound + "/" + (outbound.v6() ? 128 : 32)) + "\n");
        IntelLoader loader = new IntelLoader(new IntelSettings(List.of(new ThreatIntel.Feed("test_c2", feed.toString(), FeedFormat.PLAIN,
                "botnet_cc", 95, 60)), dir.resolve("cache"), true, 1000), new ThreatIntel.Sanitizer(true, null), Clock.systemUTC());
        ThreatIntel intel = loader.refresh(true);
        assertEquals(2, intel.size());
        Detector detector = new Detector(HeuristicsTest.defaults(), null, Object::toString, false);
        detector.threatIntel(new ThreatIntelDetector(() -> intel, ThreatIntelDetectorTest::local));
        List<Decision> intelDecisions = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int w = 0; w < windows.size(); w++) {
            for (Decision d : detector.process(windows.get(w)).decisions()) {
                if (d.detectors().contains(ThreatIntelDetector.NAME)) {
                    intelDecisions.add(d);
                    at.add(w);
                }
            }
        }
        final IpAddress in = inbound;
        int first = intelDecisions.indexOf(intelDecisions.stream().filter(d -> d.address().equals(in)).findFirst().orElseThrow());
        Decision attacker = intelDecisions.get(first);
        assertEquals(inboundWindow, at.get(first), "decided in the window of its first contact: " + inbound);
        assertEquals(Role.ATTACKER, attacker.role());
        assertEquals(Risk.HIGH, attacker.risk(), "score 95 against high_risk_threshold 0.9");
        assertTrue(attacker.reasons().get(0).startsWith("threat intel: test_c2 (botnet_cc, score 95) lists " + inbound), attacker.reasons().toString());
        final IpAddress out = outbound;
        // (a peer-to-peer client also calls the inbound peer: that is a compromised decision of its own)
        int second = intelDecisions.indexOf(intelDecisions.stream().filter(d -> d.role() == Role.COMPROMISED
                && d.reasons().get(0).contains(out + " (")).findFirst().orElseThrow());
        Decision compromised = intelDecisions.get(second);
        assertEquals(IpAddress.parse("10.0.2.15"), compromised.address(), "the local device, not the listed address");
        assertEquals(outboundWindow, at.get(second), "decided in the window of its first contact: " + outbound);
        assertTrue(compromised.reasons().get(0).contains("possibly compromised") && compromised.reasons().get(0).contains(out.toString()),
                compromised.reasons().toString());
        assertTrue(intelDecisions.stream().noneMatch(d -> d.address().equals(out)), "a listed address that only answered is no attacker");
        assertTrue(new org.argus.blacklist.BanPolicy(java.util.Map.of(Risk.HIGH, 24.0), org.argus.blacklist.Allowlist.of(java.util.Map.of()))
                .onDecision(compromised) instanceof org.argus.blacklist.BanPolicy.VictimAlert, "never a ban of the device");
    }

    private static int firstContact(List<FlowWindow> windows, IpAddress a) {
        for (int w = 0; w < windows.size(); w++) {
            for (FlowRecord f : windows.get(w).flows()) {
                if (f.originator().equals(a) || f.responder().equals(a)) {
                    return w;
                }
            }
        }
        return -1;
    }
}
