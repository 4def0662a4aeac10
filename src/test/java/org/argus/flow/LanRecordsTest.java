package org.argus.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.argus.TestData;
import org.junit.jupiter.api.Test;

/**
 * The LAN messages windows carry, from real captures, against tcpdump's reading of the same files
 * ({@code tcpdump -n -v -r FILE 'udp port 67 or udp port 68'}, message type option 53; {@code tcpdump -n -r FILE arp}).
 */
class LanRecordsTest {
    /** Every DHCP record and ARP group of a capture's windows. */
    private static List<FlowWindow> windows(String capture) throws Exception {
        List<FlowWindow> out = new ArrayList<>();
        WindowAssembler.readFile(TestData.shared().resolve("pcaps/" + capture), FlowSettings.defaults(), 256,
                new FlowStats(), out::add);
        return out;
    }

    private static Map<Integer, Long> dhcpByType(List<FlowWindow> windows) {
        Map<Integer, Long> byType = new TreeMap<>();
        windows.forEach(w -> w.dhcp().forEach(r -> byType.merge(r.type(), r.packets(), Long::sum)));
        return byType;
    }

    @Test
    void dhcpMessagesOfRealCapturesAreReadByTypeAsTcpdumpReadsThem() throws Exception {
        // 1kxun.pcap: 16 ACK, 3 DISCOVER, 2 INFORM, 3 REQUEST; the ACKs all from 192.168.119.1
        List<FlowWindow> kxun = windows("1kxun.pcap");
        assertEquals(Map.of(DhcpRecord.DISCOVER, 3L, DhcpRecord.REQUEST, 3L, DhcpRecord.ACK, 16L, 8, 2L), dhcpByType(kxun));
        kxun.forEach(w -> w.dhcp().stream().filter(r -> r.type() == DhcpRecord.ACK)
                .forEach(r -> assertEquals(IpAddress.parse("192.168.119.1"), r.source())));
        assertEquals(Map.of(DhcpRecord.REQUEST, 1L, DhcpRecord.ACK, 1L), dhcpByType(windows("gnutella.pcap")));
        List<FlowWindow> wechat = windows("wechat.pcap");
        assertEquals(Map.of(DhcpRecord.REQUEST, 1L), dhcpByType(wechat));
        DhcpRecord request = wechat.stream().flatMap(w -> w.dhcp().stream()).findFirst().orElseThrow();
        assertEquals("b8:78:2e:e2:da:07", ArpRecord.mac(request.clientMac()));
    }

    @Test
    void arpPacketsOfRealCapturesAreAllKept() throws Exception {
        // tcpdump counts 22 ARP packets in gnutella.pcap
        long gnutella = windows("gnutella.pcap").stream().flatMap(w -> w.arp().stream()).mapToLong(ArpRecord::packets).sum();
        assertEquals(22, gnutella);
        // arp-oobr.pcap (fuzzed): 2023 packets of tcpdump -r arp-oobr.pcap 'arp and arp[0:2]=1 and arp[2:2]=0x0800 and
        // arp[4]=6 and arp[5]=4 and arp[27:1] >= 0' (hardware 1, protocol IPv4, lengths 6 and 4, all 28 bytes
        // captured); the other 259 of its 2282 frames stay plain non-IP frames
        long oobr = windows("arp-oobr.pcap").stream().flatMap(w -> w.arp().stream()).mapToLong(ArpRecord::packets).sum();
        assertEquals(2023, oobr);
    }
}
