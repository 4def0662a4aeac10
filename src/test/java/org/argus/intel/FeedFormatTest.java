package org.argus.intel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.BanTarget;
import org.junit.jupiter.api.Test;

/**
 * A fixture in every feed format (src/test/resources/org/argus/intel: good lines, comments, bad lines, bogons,
 * private space, duplicates) parses to the right indicators and counts, and the sanitizer refuses what it must.
 */
class FeedFormatTest {
    static FeedFormat.Parsed parse(FeedFormat f, String resource) throws Exception {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(FeedFormatTest.class.getResourceAsStream(resource),
                StandardCharsets.UTF_8))) {
            return f.parse(in);
        }
    }

    private static List<String> blocks(FeedFormat.Parsed p) {
        return p.indicators().stream().map(i -> i.block().toString()).toList();
    }

    @Test
    void plainNetset() throws Exception {
        FeedFormat.Parsed p = parse(FeedFormat.PLAIN, "firehol.netset");
        assertEquals(List.of("198.51.100.7", "203.0.113.0/24", "2001:db8:bad::/48", "198.51.100.77", "198.51.100.7", "0.0.0.0/8",
                "127.0.0.1", "224.0.0.0/4", "10.0.0.0/8", "fe80::1", "192.168.1.0/24"), blocks(p));
        assertEquals(3, p.badLines());
        assertEquals(List.of("line 19: 198.51.100.300", "line 20: not-an-address", "line 21: 198.51.100.0/33"), p.badSamples());
    }

    @Test
    void spamhausDrop() throws Exception {
        FeedFormat.Parsed p = parse(FeedFormat.SPAMHAUS, "drop.txt");
        assertEquals(List.of("192.0.2.0/25", "198.18.0.0/15", "203.0.113.128/25", "100.64.0.0/10"), blocks(p));
        assertEquals("SBL101", p.indicators().get(0).note());
        assertEquals(1, p.badLines(), "a note that is not an SBL id: " + p.badSamples());
    }

    @Test
    void feodoCsv() throws Exception {
        FeedFormat.Parsed p = parse(FeedFormat.FEODO, "feodo.csv");
        assertEquals(List.of("198.51.100.23", "198.51.100.24", "192.168.7.7"), blocks(p));
        assertEquals("Dridex", p.indicators().get(0).note());
        assertEquals(2, p.badLines(), "a short row and a bad address: " + p.badSamples());
        // the older bare form with its header in a comment
        FeedFormat.Parsed old = FeedFormat.FEODO.parse(new BufferedReader(new java.io.StringReader(
                "# Firstseen,DstIP,DstPort,LastOnline,Malware\n2021-01-17 07:44:46,198.51.100.9,443,2021-05-05,Dridex\n")));
        assertEquals(List.of("198.51.100.9"), blocks(old));
        assertEquals(0, old.badLines());
    }

    @Test
    void zeekIntel() throws Exception {
        FeedFormat.Parsed p = parse(FeedFormat.ZEEK, "zeek.intel");
        assertEquals(List.of("198.51.100.50", "2001:db8:50::/64"), blocks(p));
        assertEquals("local-ti: seen scanning SSH", p.indicators().get(0).note());
        assertEquals("local-ti", p.indicators().get(1).note());
        assertEquals(2, p.otherTypes(), "a domain and a URL");
        assertEquals(2, p.badLines(), "a row missing columns, an unknown type: " + p.badSamples());
    }

    @Test
    void suricataIprep() throws Exception {
        FeedFormat.Parsed p = parse(FeedFormat.SURICATA, "suricata.iprep");
        assertEquals(List.of("198.51.100.60", "198.51.100.0/28"), blocks(p));
        assertEquals("category 1, reputation 101", p.indicators().get(0).note());
        assertEquals(3, p.badLines(), "category 0, reputation 128, two fields: " + p.badSamples());
    }

    @Test
    void theSanitizerRefusesBogonsPrivateSpaceAndTheAllowlist() {
        ThreatIntel.Sanitizer s = new ThreatIntel.Sanitizer(true, Allowlist.of(Map.of("198.51.100.99", "this sensor's own address")));
        assertEquals("this network (0.0.0.0/8)", s.refusal(BanTarget.parseCidr("0.0.0.0/8")));
        assertEquals("loopback", s.refusal(BanTarget.parseCidr("127.0.0.1")));
        assertEquals("multicast", s.refusal(BanTarget.parseCidr("239.1.2.3")));
        assertEquals("reserved or broadcast (240.0.0.0/4)", s.refusal(BanTarget.parseCidr("255.255.255.255")));
        assertEquals("link-local", s.refusal(BanTarget.parseCidr("fe80::1")));
        assertEquals("private (RFC 1918)", s.refusal(BanTarget.parseCidr("192.168.1.0/24")));
        assertEquals("this network (0.0.0.0/8)", s.refusal(BanTarget.parseCidr("0.0.0.0/0")), "the whole space overlaps everything");
        assertEquals("unique local (RFC 4193)", s.refusal(BanTarget.parseCidr("fd00::/8")));
        assertTrue(s.refusal(BanTarget.parseCidr("198.51.100.0/24")).startsWith("allowlisted: "), "a block holding the sensor");
        assertEquals(null, s.refusal(BanTarget.parseCidr("198.51.100.7")));
        assertEquals(null, new ThreatIntel.Sanitizer(false, null).refusal(BanTarget.parseCidr("10.1.2.3")), "private allowed when asked");
    }
}
