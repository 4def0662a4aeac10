package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of the packet decoder alone, one frame of any supported link type at a time: no
 * exception, and every decoded row holds only values the flow stage can take.
 */
class PacketDecoderFuzzTest {
    private static final int[] LINK_TYPES = {PacketDecoder.DLT_NULL, PacketDecoder.DLT_EN10MB, PacketDecoder.DLT_RAW,
            PacketDecoder.DLT_RAW_OPENBSD, PacketDecoder.LINKTYPE_RAW, PacketDecoder.DLT_LOOP, PacketDecoder.DLT_LINUX_SLL,
            PacketDecoder.LINKTYPE_IPV4, PacketDecoder.LINKTYPE_IPV6, PacketDecoder.DLT_LINUX_SLL2, PacketDecoder.DLT_PPP,
            PacketDecoder.DLT_PPP_HDLC, PacketDecoder.DLT_C_HDLC, PacketDecoder.DLT_IEEE802_11, PacketDecoder.DLT_IEEE802_11_RADIO,
            PacketDecoder.DLT_PPI, 195};

    /** Checks every row of a batch. */
    static void check(PacketBatch b) {
        for (int i = 0; i < b.size(); i++) {
            assertTrue(b.kind[i] >= PacketBatch.KIND_FLOW && b.kind[i] <= PacketBatch.KIND_ARP, "kind " + b.kind[i]);
            assertTrue(b.reason[i] >= 0 && b.reason[i] < Malformed.count(), "reason " + b.reason[i]);
            assertTrue(b.wireLen[i] >= 0 && b.wireLen[i] <= CaptureFileParser.MAX_FRAME, "wire length " + b.wireLen[i]);
            if (b.kind[i] == PacketBatch.KIND_ARP) { // opcode (16 bits), hardware addresses (48), IPv4 addresses (32)
                assertTrue(b.srcHi[i] >>> 48 == 0 && b.dstHi[i] >>> 48 == 0, "ARP hardware addresses");
                assertTrue(b.srcLo[i] >>> 32 == 0 && b.dstLo[i] >>> 32 == 0, "ARP protocol addresses");
            } else {
                assertTrue(b.proto[i] >= 0 && b.proto[i] <= 255, "protocol " + b.proto[i]);
            }
            if ((b.info[i] & PacketBatch.INFO_DHCP) != 0) { // an IPv4 UDP packet of a flow; type 1-255, a 48-bit client
                assertTrue(b.kind[i] == PacketBatch.KIND_FLOW && b.proto[i] == 17 && (b.info[i] & PacketBatch.INFO_V6) == 0, "DHCP row");
                long type = b.dhcp[i] >>> 48;
                assertTrue(type >= 1 && type <= 255, "DHCP message type " + type);
            }
            if ((b.info[i] & PacketBatch.INFO_MDNS) != 0) { // a UDP packet from 5353 naming a host: 1-63 printable characters
                assertTrue(b.kind[i] == PacketBatch.KIND_FLOW && b.proto[i] == 17 && (b.ports[i] >>> 16) == 5353, "mDNS row");
                String name = b.mdnsName[i];
                assertTrue(name != null && !name.isEmpty() && name.length() <= 63 && name.chars().allMatch(c -> c >= 0x20 && c < 0x7f),
                        "mDNS name " + name);
            }
        }
    }

    @FuzzTest(maxDuration = "8s")
    void frame(FuzzedDataProvider in) {
        int linkType = in.pickValue(LINK_TYPES);
        int extraWire = in.consumeInt(0, 1000);
        byte[] frame = in.consumeRemainingAsBytes();
        PacketBatch batch = new PacketBatch(1);
        new PacketDecoder(linkType).decode(frame, frame.length, 1_700_000_000_000_000_000L,
                Math.min(CaptureFileParser.MAX_FRAME, frame.length + extraWire), batch);
        check(batch);
    }
}
