package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.argus.TestData;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommunityIdTest {
    @Test
    void specExampleAndBothDirections() {
        // The example in corelight/community-id-spec's README.
        IpAddress a = IpAddress.parse("128.232.110.120"), b = IpAddress.parse("66.35.250.204");
        assertEquals("1:LQU9qZlK+B5F3KDmev6m5PMibrg=", CommunityId.of(0, 6, a, 34855, b, 80, true));
        assertEquals("1:LQU9qZlK+B5F3KDmev6m5PMibrg=", CommunityId.of(0, 6, b, 80, a, 34855, true));
        assertFalse(CommunityId.of(1, 6, a, 34855, b, 80, true).equals(CommunityId.of(0, 6, a, 34855, b, 80, true)),
                "the seed changes the hash");
    }

    @Test
    void icmpEchoRequestAndReplyShareAnIdOneWayMessagesDoNot() {
        IpAddress a = IpAddress.parse("10.0.0.1"), b = IpAddress.parse("10.0.0.2");
        assertEquals(CommunityId.of(0, 1, a, 8, b, 0, true), CommunityId.of(0, 1, b, 0, a, 0, true));
        assertEquals(CommunityId.of(0, 58, IpAddress.parse("fe80::1"), 128, IpAddress.parse("fe80::2"), 0, true),
                CommunityId.of(0, 58, IpAddress.parse("fe80::2"), 129, IpAddress.parse("fe80::1"), 0, true));
        assertFalse(CommunityId.of(0, 1, b, 3, a, 3, true).equals(CommunityId.of(0, 1, a, 3, b, 3, true)),
                "destination unreachable is one-way: direction matters");
    }

    /**
     * Against Wireshark's own Community ID (tshark 4.0.17, {@code --enable-protocol communityid}): the distinct IDs
     * per capture are in {@code src/test/resources/communityid/<capture>.tsv}. Every flow's ID must be one tshark
     * computed; for TCP/UDP/other protocols the two sets must be equal (ICMP flows carry their first message's ID,
     * tshark one per message kind).
     */
    @ParameterizedTest
    @ValueSource(strings = {"http_ip4and6.pcapng", "ocs.pcap", "ipv6_fragments.pcapng", "netflix.pcap",
            "KakaoTalk_talk.pcap", "synscan.pcapng", "udp_0_1000_20190821.pcap", "wechat.pcap"})
    void matchesWireshark(String capture) throws Exception {
        Set<String> icmp = new HashSet<>(), other = new HashSet<>();
        try (InputStream in = getClass().getResourceAsStream("/communityid/" + capture + ".tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] p = line.split("\t");
                (p[1].equals("icmp") ? icmp : other).add(p[0]);
            }
        }
        Set<String> oursIcmp = new HashSet<>(), oursOther = new HashSet<>();
        for (FlowWindow w : WindowsOf.read(TestData.shared().resolve("pcaps").resolve(capture))) {
            for (FlowRecord f : w.flows()) {
                (FlowFacts.icmp(f) ? oursIcmp : oursOther).add(CommunityId.of(f));
            }
        }
        assertFalse(oursIcmp.isEmpty() && oursOther.isEmpty(), "flows found");
        assertTrue(icmp.containsAll(oursIcmp), "ICMP flow IDs are tshark's: missing " + minus(oursIcmp, icmp));
        Set<String> tsharkFlowIds = new HashSet<>(other);
        assertTrue(tsharkFlowIds.containsAll(oursOther), "flow IDs are tshark's: extra " + minus(oursOther, other));
        // tshark also gives non-first IPv6 fragments (no transport header) an ID; those are not flows of ours.
        if (!capture.equals("ipv6_fragments.pcapng")) {
            assertEquals(other, oursOther, "same set of TCP/UDP/other flow IDs");
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.removeAll(b);
        return s;
    }
}
