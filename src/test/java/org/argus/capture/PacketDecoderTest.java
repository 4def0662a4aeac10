package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private static final int TCP = 6, UDP = 17;

    /** IPv4 header (20 B) + transport bytes. */
    private static byte[] ipv4(int proto, int fragWord, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(20 + l4.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 1).putShort((short) fragWord)
                .put((byte) 64).put((byte) proto).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2}).put(l4);
        return b.array();
    }

    private static byte[] tcp(int sport, int dport, int flags) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) sport).putShort((short) dport).putInt(0).putInt(0).put((byte) 0x50).put((byte) flags);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] eth(int... etherTypes) {
        ByteBuffer b = ByteBuffer.allocate(12 + 2 * etherTypes.length + 2 * (etherTypes.length - 1));
        b.put(new byte[12]);
        for (int i = 0; i < etherTypes.length; i++) {
            b.putShort((short) etherTypes[i]);
            if (i < etherTypes.length - 1) {
                b.putShort((short) 100); // VLAN TCI
            }
        }
        return b.array();
    }

    private static PacketBatch decode(int linkType, byte[] frame, int wireLen) {
        PacketBatch b = new PacketBatch(4);
        new PacketDecoder(linkType).decode(frame, frame.length, 1_000L, wireLen, b);
        return b;
    }

    @Test
    void ethernetWithQinQTagsReachesTcpPortsAndFlags() {
        byte[] frame = concat(eth(0x88a8, 0x8100, 0x0800), ipv4(TCP, 0, tcp(1234, 80, 0x02)));
        PacketBatch b = decode(PacketDecoder.DLT_EN10MB, frame, frame.length);
        assertEquals(PacketBatch.KIND_FLOW, b.kind[0]);
        assertEquals(TCP, b.proto[0]);
        assertEquals((1234 << 16) | 80, b.ports[0]);
        assertEquals(0x02, b.tcpFlags[0]);
        assertEquals(IpAddress.parse("10.0.0.1"), new IpAddress(b.srcHi[0], b.srcLo[0], false));
        assertEquals(frame.length, b.wireLen[0], "wire length as given, link header included");
    }

    @Test
    void payloadBytesAreKeptOnlyWhenAskedAndOnlyUpToTheLimit() {
        byte[] get = "GET /search?q=1%27+OR+1=1 HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] frame = concat(eth(0x0800), ipv4(TCP, 0, concat(tcp(40000, 80, 0x18), get)), new byte[6]); // Ethernet padding
        PacketBatch off = decode(PacketDecoder.DLT_EN10MB, frame, frame.length);
        assertEquals(0, off.payloadLen[0], "no payload unless asked");
        PacketBatch b = new PacketBatch(4);
        PacketDecoder d = new PacketDecoder(PacketDecoder.DLT_EN10MB).capturePayloads(16);
        d.decode(frame, frame.length, 1L, frame.length, b);
        assertEquals(16, b.payloadLen[0]);
        assertEquals("GET /search?q=1%", new String(b.payloadBytes, b.payloadAt[0], 16, java.nio.charset.StandardCharsets.US_ASCII));
        d = new PacketDecoder(PacketDecoder.DLT_EN10MB).capturePayloads(4096);
        byte[] udp = ByteBuffer.allocate(8 + 5).putShort((short) 5000).putShort((short) 53).putShort((short) 13).putShort((short) 0)
                .put("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).array();
        byte[] udpFrame = concat(eth(0x0800), ipv4(UDP, 0, udp));
        byte[] synFrame = concat(eth(0x0800), ipv4(TCP, 0, tcp(40000, 80, 0x02)));
        d.decode(frame, frame.length, 2L, frame.length, b);
        d.decode(udpFrame, udpFrame.length, 3L, udpFrame.length, b);
        d.decode(synFrame, synFrame.length, 4L, synFrame.length, b);
        assertEquals(get.length, b.payloadLen[1], "the IP total length ends the payload, not the Ethernet padding");
        assertEquals(new String(get, java.nio.charset.StandardCharsets.US_ASCII),
                new String(b.payloadBytes, b.payloadAt[1], b.payloadLen[1], java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("hello", new String(b.payloadBytes, b.payloadAt[2], b.payloadLen[2], java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0, b.payloadLen[3], "a bare SYN has no payload");
        assertEquals(0, decode(PacketDecoder.LINKTYPE_IPV4, ipv4(TCP, 185, new byte[30]), 50).payloadLen[0], "no payload from a later fragment");
    }

    @Test
    void nonFirstTcpFragmentIsNotAFlowButIcmpFragmentIs() {
        PacketBatch tcpFrag = decode(PacketDecoder.LINKTYPE_IPV4, ipv4(TCP, 185, new byte[8]), 28);
        assertEquals(PacketBatch.KIND_FRAGMENT, tcpFrag.kind[0]);
        assertEquals(PacketBatch.INFO_FRAGMENT | PacketBatch.INFO_IP, tcpFrag.info[0]);
        PacketBatch icmpFrag = decode(PacketDecoder.LINKTYPE_IPV4, ipv4(1, 185, new byte[8]), 28);
        assertEquals(PacketBatch.KIND_FLOW, icmpFrag.kind[0]);
        assertEquals(0, icmpFrag.ports[0]);
    }

    /** UDP header + a BOOTP message from client {@code 02:00:00:00:00:2a} with the given options after the cookie. */
    private static byte[] dhcp(int sport, int dport, byte... options) {
        ByteBuffer b = ByteBuffer.allocate(8 + 240 + options.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + 240 + options.length)).putShort((short) 0);
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(0x1234).putInt(0);
        b.position(8 + 28);
        b.put(new byte[] {2, 0, 0, 0, 0, 0x2a});
        b.position(8 + 236);
        b.putInt(0x63825363).put(options);
        return b.array();
    }

    @Test
    void dhcpMessageTypeAndClientAreReadFromIpv4Udp67And68() {
        PacketBatch b = decode(PacketDecoder.LINKTYPE_IPV4, ipv4(UDP, 0, dhcp(68, 67, (byte) 0, (byte) 12, (byte) 2,
                (byte) 'p', (byte) 'i', (byte) 53, (byte) 1, (byte) 1, (byte) 255)), 300);
        assertEquals(PacketBatch.KIND_FLOW, b.kind[0], "still a packet of its UDP flow");
        assertEquals(PacketBatch.INFO_DHCP, b.info[0] & PacketBatch.INFO_DHCP);
        assertEquals(1L << 48 | 0x02000000002aL, b.dhcp[0], "DISCOVER from 02:00:00:00:00:2a (after a pad and a host name)");
        assertEquals("pi", b.dhcpHostName[0], "option 12");
        assertEquals(null, b.dhcpVendorClass[0]);
        PacketBatch fqdn = decode(PacketDecoder.LINKTYPE_IPV4, ipv4(UDP, 0, dhcp(68, 67, (byte) 81, (byte) 7, (byte) 0, (byte) 0,
                (byte) 0, (byte) 'n', (byte) 'a', (byte) 's', (byte) 0, (byte) 60, (byte) 3, (byte) 'a', (byte) 0x01, (byte) 'b',
                (byte) 53, (byte) 1, (byte) 3)), 300);
        assertEquals("nas", fqdn.dhcpHostName[0], "option 81's ASCII name when 12 is absent, trailing NUL dropped");
        assertEquals("a?b", fqdn.dhcpVendorClass[0], "option 60, a control byte shown as '?'");
        assertEquals(5L << 48 | 0x02000000002aL, decode(PacketDecoder.LINKTYPE_IPV4, ipv4(UDP, 0,
                dhcp(67, 68, (byte) 53, (byte) 1, (byte) 5)), 300).dhcp[0], "ACK, server to client");
        for (byte[] notDhcp : new byte[][] {
                dhcp(68, 67, (byte) 12, (byte) 2, (byte) 'p'), // no message type; the host name option cut
                dhcp(68, 67, (byte) 53, (byte) 1), // the type option cut
                dhcp(68, 67, (byte) 255, (byte) 53, (byte) 1, (byte) 1), // after the end option
                dhcp(53, 67, (byte) 53, (byte) 1, (byte) 1)}) { // not DHCP's ports
            PacketBatch n = decode(PacketDecoder.LINKTYPE_IPV4, ipv4(UDP, 0, notDhcp), 300);
            assertEquals(PacketBatch.KIND_FLOW, n.kind[0]);
            assertEquals(0, n.info[0] & PacketBatch.INFO_DHCP);
        }
    }

    /** UDP header (from {@code sport} to 5353) + a DNS message: header fields, then {@code body}. */
    private static byte[] mdns(int sport, int flags, int questions, int answers, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + 12 + body.length);
        b.putShort((short) sport).putShort((short) 5353).putShort((short) (20 + body.length)).putShort((short) 0);
        b.putShort((short) 0).putShort((short) flags).putShort((short) questions).putShort((short) answers).putInt(0).put(body);
        return b.array();
    }

    /** A resource record: owner name bytes, type, class IN with the cache-flush bit, TTL 120, rdata. */
    private static byte[] rr(byte[] name, int type, byte[] rdata) {
        ByteBuffer b = ByteBuffer.allocate(name.length + 10 + rdata.length);
        b.put(name).putShort((short) type).putShort((short) 0x8001).putInt(120).putShort((short) rdata.length).put(rdata);
        return b.array();
    }

    private static byte[] labels(String... parts) {
        ByteBuffer b = ByteBuffer.allocate(64);
        for (String p : parts) {
            b.put((byte) p.length()).put(p.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        b.put((byte) 0);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static String mdnsName(byte[] udp) {
        PacketBatch b = decode(PacketDecoder.LINKTYPE_IPV4, ipv4(UDP, 0, udp), 20 + udp.length);
        assertEquals(PacketBatch.KIND_FLOW, b.kind[0], "always a packet of its UDP flow");
        return (b.info[0] & PacketBatch.INFO_MDNS) != 0 ? b.mdnsName[0] : null;
    }

    @Test
    void mdnsResponsesNameTheirSenderFromTheirFirstLocalAddressRecord() {
        byte[] ptr = rr(labels("_airplay", "_tcp", "local"), 12, new byte[] {(byte) 0xc0, 12});
        byte[] aaaa = rr(labels("Living-Room", "local"), 28, new byte[16]);
        byte[] a = rr(new byte[] {(byte) 0xc0, (byte) (12 + ptr.length)}, 1, new byte[] {10, 0, 0, 1}); // name compressed
        assertEquals("Living-Room", mdnsName(mdns(5353, 0x8400, 0, 3, concat(ptr, aaaa, a))), "after a PTR answer");
        // an announcement whose A record points back at the owner name of an earlier question
        byte[] question = concat(labels("nas", "local"), new byte[] {0, (byte) 0xff, 0, 1});
        assertEquals("nas", mdnsName(mdns(5353, 0x8400, 1, 1, concat(question, rr(new byte[] {(byte) 0xc0, 12}, 1, new byte[4])))));
        assertEquals(null, mdnsName(mdns(5353, 0x0000, 0, 1, aaaa)), "a query names no one");
        assertEquals(null, mdnsName(mdns(40000, 0x8400, 0, 1, aaaa)), "not from port 5353 (a unicast query's answer is)");
        assertEquals(null, mdnsName(mdns(5353, 0x8400, 0, 1, rr(labels("a", "b", "local"), 1, new byte[4]))), "not <host>.local");
        assertEquals(null, mdnsName(mdns(5353, 0x8400, 0, 1, rr(labels("tv", "local"), 1, new byte[3]))), "A with 3 bytes");
        assertEquals(null, mdnsName(mdns(5353, 0x8400, 0, 1, rr(new byte[] {(byte) 0xc0, 12}, 1, new byte[4]))),
                "a pointer to itself ends, unread");
        byte[] cut = mdns(5353, 0x8400, 0, 1, aaaa);
        assertEquals(null, mdnsName(java.util.Arrays.copyOf(cut, cut.length - 20)), "cut inside the record");
    }

    @Test
    void arpForIpv4OverEthernetIsReadOtherArpStaysNonIp() {
        byte[] frame = new byte[42];
        java.nio.ByteBuffer f = java.nio.ByteBuffer.wrap(frame);
        f.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 7}).putShort((short) 0x0806)
                .putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 2)
                .put(new byte[] {2, 0, 0, 0, 0, 7}).put(new byte[] {10, 0, 0, 50})
                .put(new byte[] {2, 0, 0, 0, 0, 9}).put(new byte[] {10, 0, 0, 1});
        PacketBatch b = decode(PacketDecoder.DLT_EN10MB, frame, 60);
        assertEquals(PacketBatch.KIND_ARP, b.kind[0]);
        assertEquals(2, b.proto[0], "reply");
        assertEquals(0x020000000007L, b.srcHi[0]);
        assertEquals(0x0a000032L, b.srcLo[0]);
        assertEquals(0x020000000009L, b.dstHi[0]);
        assertEquals(0x0a000001L, b.dstLo[0]);
        assertEquals(PacketBatch.KIND_NON_IP, decode(PacketDecoder.DLT_EN10MB, java.util.Arrays.copyOf(frame, 40), 60).kind[0],
                "cut inside the target address");
        frame[17] = 0x08; // protocol 0x0808: not IPv4
        assertEquals(PacketBatch.KIND_NON_IP, decode(PacketDecoder.DLT_EN10MB, frame, 60).kind[0]);
    }

    @Test
    void truncatedFramesAreCountedByReasonNeverThrown() {
        assertEquals(Malformed.TRUNCATED_LINK.ordinal(), decode(PacketDecoder.DLT_EN10MB, new byte[10], 10).reason[0]);
        byte[] shortIp = concat(eth(0x0800), new byte[] {0x45, 0, 0, 40});
        assertEquals(Malformed.TRUNCATED_IP.ordinal(), decode(PacketDecoder.DLT_EN10MB, shortIp, 60).reason[0]);
        byte[] cutTcp = ipv4(TCP, 0, new byte[] {0, 80});
        PacketBatch b = decode(PacketDecoder.DLT_RAW, cutTcp, cutTcp.length);
        assertEquals(PacketBatch.KIND_MALFORMED, b.kind[0]);
        assertEquals(Malformed.TRUNCATED_TRANSPORT.ordinal(), b.reason[0]);
        byte[] badIhl = ipv4(TCP, 0, tcp(1, 2, 0));
        badIhl[0] = 0x44;
        assertEquals(Malformed.BAD_IP_HEADER_LENGTH.ordinal(), decode(PacketDecoder.LINKTYPE_RAW, badIhl, 40).reason[0]);
        assertEquals(Malformed.UNSUPPORTED_LINKTYPE.ordinal(), decode(147, new byte[40], 40).reason[0]);
        assertEquals(Malformed.BAD_IP_VERSION.ordinal(), decode(PacketDecoder.LINKTYPE_RAW, new byte[] {0x55, 0}, 2).reason[0]);
    }

    @Test
    void ipv6ExtensionHeadersAreSkippedToUdp() {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 + 8 + 8);
        b.putInt(0x60000000).putShort((short) 24).put((byte) 0).put((byte) 64); // next header: Hop-by-Hop
        b.putLong(0x20010db800000000L).putLong(1).putLong(0x20010db800000000L).putLong(2);
        b.put((byte) 44).put((byte) 0).put(new byte[6]);                 // Hop-by-Hop, 8 bytes, next: Fragment
        b.put((byte) UDP).put((byte) 0).putShort((short) 0).putInt(7);   // Fragment offset 0 (first), next: UDP
        b.putShort((short) 5353).putShort((short) 53).putShort((short) 8).putShort((short) 0);
        PacketBatch p = decode(PacketDecoder.LINKTYPE_IPV6, b.array(), 64);
        assertEquals(PacketBatch.KIND_FLOW, p.kind[0]);
        assertEquals(UDP, p.proto[0]);
        assertEquals((5353 << 16) | 53, p.ports[0]);
        assertEquals("2001:db8::2", new IpAddress(p.dstHi[0], p.dstLo[0], true).toString());
    }

    @Test
    void linuxSll2AndBsdNullInBothByteOrders() {
        byte[] ip = ipv4(UDP, 0, new byte[] {0, 1, 0, 2, 0, 8, 0, 0});
        ByteBuffer sll2 = ByteBuffer.allocate(20 + ip.length);
        sll2.putShort((short) 0x0800).put(new byte[18]).put(ip);
        assertEquals(PacketBatch.KIND_FLOW, decode(PacketDecoder.DLT_LINUX_SLL2, sll2.array(), 48).kind[0]);
        byte[] nullLe = concat(new byte[] {2, 0, 0, 0}, ip);
        byte[] nullBe = concat(new byte[] {0, 0, 0, 2}, ip);
        assertEquals((1 << 16) | 2, decode(PacketDecoder.DLT_NULL, nullLe, 32).ports[0]);
        assertEquals((1 << 16) | 2, decode(PacketDecoder.DLT_NULL, nullBe, 32).ports[0]);
        assertEquals(PacketBatch.KIND_NON_IP, decode(PacketDecoder.DLT_EN10MB, concat(eth(0x0806), new byte[28]), 60).kind[0]);
    }

    @Test
    void snaplenTruncationIsFlaggedNotMalformedWhenPortsSurvive() {
        byte[] frame = concat(eth(0x0800), ipv4(UDP, 0, new byte[] {0, 53, 4, 0, 0, 8, 0, 0}));
        PacketBatch b = decode(PacketDecoder.DLT_EN10MB, frame, 1514);
        assertEquals(PacketBatch.KIND_FLOW, b.kind[0]);
        assertEquals(PacketBatch.INFO_SNAPLEN_TRUNCATED | PacketBatch.INFO_IP, b.info[0]);
        assertEquals(1514, b.wireLen[0]);
    }
}
