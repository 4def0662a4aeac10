package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadsTest {
    private static final Path PCAPS = Path.of("../shared/pcaps");

    @Test
    void httpOverIpv4AndIpv6() throws IOException {
        List<Payloads.Payload> out = new ArrayList<>();
        long packets = Payloads.read(PCAPS.resolve("http_ip4and6.pcapng"), 256, out::add);
        assertEquals(20, packets);
        List<String> requests = out.stream().map(p -> new String(p.bytes(), StandardCharsets.ISO_8859_1))
                .filter(s -> s.startsWith("GET /")).toList();
        assertEquals(2, requests.size(), "one request over IPv4, one over IPv6: " + out.size() + " payloads");
        assertTrue(out.stream().anyMatch(p -> new String(p.bytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.")), "the answers");
        assertTrue(out.stream().allMatch(p -> p.protocol() == 6 && p.bytes().length > 0 && p.bytes().length <= 256));
    }

    @Test
    void dnsOverUdpAndRefusals() throws IOException {
        List<Payloads.Payload> out = new ArrayList<>();
        Payloads.read(PCAPS.resolve("1kxun.pcap"), 64, out::add);
        assertTrue(out.stream().anyMatch(p -> p.protocol() == 17 && (p.dstPort() == 53 || p.srcPort() == 53)), "DNS payloads");
        assertTrue(out.stream().allMatch(p -> p.bytes().length <= 64), "cut at the limit");
        assertThrows(IOException.class, () -> Payloads.read(PCAPS.resolve("pcap-invalid-version-1.pcap"), 64, p -> { }));
    }
}
