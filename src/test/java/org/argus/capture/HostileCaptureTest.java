package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture files with impossible lengths, interfaces and times (the shapes mutation fuzzing and libpcap's own test
 * files produce), and the link types seen in real captures that Argus did not decode: every length is bounds-checked,
 * a bad record is counted and skipped, an impossible framing ends the read with a reason, and a file that yields
 * nothing is refused by name.
 */
class HostileCaptureTest {
    @TempDir
    Path dir;

    /** An Ethernet frame carrying a TCP SYN 192.0.2.1:40000 → 192.0.2.2:22 (54 bytes). */
    static byte[] ethernetSyn() {
        ByteBuffer b = ByteBuffer.allocate(54);
        b.put(new byte[12]).putShort((short) 0x0800);
        b.put(ipv4Syn());
        return b.array();
    }

    /** IPv4 + TCP SYN, 40 bytes. */
    static byte[] ipv4Syn() {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(new byte[] {(byte) 192, 0, 2, 1}).put(new byte[] {(byte) 192, 0, 2, 2});
        b.putShort((short) 40000).putShort((short) 22).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02).putShort((short) 1024)
                .putInt(0);
        return b.array();
    }

    private static ByteBuffer pcap(int linkType) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(linkType);
        return b;
    }

    private static void record(ByteBuffer b, long sec, byte[] frame, int orig) {
        b.putInt((int) sec).putInt(0).putInt(frame.length).putInt(orig).put(frame);
    }

    private Path write(String name, ByteBuffer b) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, java.util.Arrays.copyOf(b.array(), b.position()));
        return f;
    }

    private record Read(PcapFileReader.Result result, List<String> rows) {
    }

    private static Read read(Path f) throws Exception {
        List<String> rows = new ArrayList<>();
        PcapFileReader.Result r = new PcapFileReader(f, 16).read(b -> {
            for (int i = 0; i < b.size(); i++) {
                rows.add(b.tsNanos[i] / 1_000_000_000L + " " + b.wireLen[i] + " " + b.kind[i] + " " + b.proto[i] + " "
                        + (b.ports[i] >>> 16) + ">" + (b.ports[i] & 0xFFFF));
            }
        });
        return new Read(r, rows);
    }

    @Test
    void impossibleWireLengthsAreCountedAndSkipped() throws Exception {
        ByteBuffer b = pcap(1);
        record(b, 1_700_000_000L, ethernetSyn(), 54);
        record(b, 1_700_000_001L, ethernetSyn(), 0xFFFFFFFF); // read as -1 before
        record(b, 1_700_000_002L, ethernetSyn(), 0x80000001); // above 2^31
        record(b, 1_700_000_003L, ethernetSyn(), 262_145);
        record(b, 1_700_000_004L, ethernetSyn(), 10); // below the captured length
        record(b, 1_700_000_005L, ethernetSyn(), 262_144);
        Read r = read(write("lengths.pcap", b));
        assertEquals(List.of("1700000000 54 " + PacketBatch.KIND_FLOW + " 6 40000>22", "1700000005 262144 " + PacketBatch.KIND_FLOW + " 6 40000>22"),
                r.rows());
        assertEquals(4, r.result().badRecords());
        assertNull(r.result().corruption());
        assertEquals(2, r.result().packets());
    }

    @Test
    void anImpossibleCapturedLengthEndsTheReadKeepingWhatCameBefore() throws Exception {
        ByteBuffer b = pcap(1);
        record(b, 1_700_000_000L, ethernetSyn(), 54);
        b.putInt(1_700_000_001).putInt(0).putInt(0x7FFFFFFF).putInt(54).put(ethernetSyn());
        record(b, 1_700_000_002L, ethernetSyn(), 54);
        Read r = read(write("caplen.pcap", b));
        assertEquals(1, r.rows().size());
        assertTrue(r.result().corruption().contains("captured length 2147483647 above 262144"), r.result().corruption());
        assertTrue(r.result().problems().contains("corrupt"), r.result().problems());
    }

    @Test
    void aFileWhoseFirstRecordIsCorruptIsRefusedByName() throws Exception {
        ByteBuffer b = pcap(1);
        b.putInt(1_700_000_001).putInt(0).putInt(808_464_432).putInt(808_464_432).put("0000".getBytes());
        Path f = write("nothing.pcap", b);
        CaptureException e = assertThrows(CaptureException.class, () -> read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("808464432"), e.getMessage());
    }

    private static ByteBuffer shb(ByteBuffer n, byte[] options) {
        int total = 28 + options.length;
        n.putInt(0x0A0D0D0A).putInt(total).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).put(options).putInt(total);
        return n;
    }

    private static ByteBuffer idb(ByteBuffer n, int linkType, byte[] options) {
        int total = 20 + options.length;
        n.putInt(1).putInt(total).putShort((short) linkType).putShort((short) 0).putInt(0).put(options).putInt(total);
        return n;
    }

    private static ByteBuffer epb(ByteBuffer n, int iface, long ticks, byte[] frame, int orig) {
        int pad = (4 - frame.length % 4) % 4, total = 32 + frame.length + pad;
        n.putInt(6).putInt(total).putInt(iface).putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(frame.length).putInt(orig)
                .put(frame).put(new byte[pad]).putInt(total);
        return n;
    }

    private static ByteBuffer pcapng() {
        return ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] option(int code, byte[] value, int declaredLength) {
        int pad = (4 - value.length % 4) % 4;
        ByteBuffer o = ByteBuffer.allocate(4 + value.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        o.putShort((short) code).putShort((short) declaredLength).put(value).put(new byte[pad]);
        return o.array();
    }

    @Test
    void aSectionHeaderOptionLongerThanItsBlockIsRefusedNotReadAsAHugePacket() throws Exception {
        // libpcap's shb-option-too-long.pcapng in spirit: a comment option claiming 0x3030 bytes in a 36-byte block
        ByteBuffer n = shb(pcapng(), option(1, "0000".getBytes(), 0x3030));
        idb(n, 1, new byte[0]);
        epb(n, 0, 1_700_000_000_000_000L, ethernetSyn(), 54);
        Path f = write("shb-option-too-long.pcapng", n);
        CaptureException e = assertThrows(CaptureException.class, () -> read(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("option 1 is 12336 bytes"), e.getMessage());
    }

    @Test
    void undescribedInterfacesAndTimesOutOfRangeAreSkipped() throws Exception {
        byte[] negativeOffset = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-4_000_000_000L).array();
        ByteBuffer n = shb(pcapng(), new byte[0]);
        idb(n, 1, new byte[0]); // interface 0: microseconds
        idb(n, 1, option(14, negativeOffset, 8)); // interface 1: 4e9 s before its ticks
        epb(n, 0, 1_700_000_000_000_000L, ethernetSyn(), 54);
        epb(n, 7, 1_700_000_001_000_000L, ethernetSyn(), 54); // no interface 7
        epb(n, 1, 1_700_000_002_000_000L, ethernetSyn(), 54); // before 1970
        epb(n, 0, -1L, ethernetSyn(), 54); // 2^64-1 µs: beyond 2262
        epb(n, 0, 1_700_000_003_000_000L, ethernetSyn(), -1);
        epb(n, 0, 1_700_000_004_000_000L, ethernetSyn(), 54);
        Read r = read(write("ifaces.pcapng", n));
        assertEquals(List.of("1700000000 54 " + PacketBatch.KIND_FLOW + " 6 40000>22", "1700000004 54 " + PacketBatch.KIND_FLOW + " 6 40000>22"),
                r.rows());
        assertEquals(4, r.result().badRecords());
        assertNull(r.result().corruption());
    }

    @Test
    void aTimestampOffsetOptionRunningPastItsBlockEndsTheReadWithAReason() throws Exception {
        ByteBuffer n = shb(pcapng(), new byte[0]);
        idb(n, 1, new byte[0]);
        epb(n, 0, 1_700_000_000_000_000L, ethernetSyn(), 54);
        idb(n, 1, option(14, new byte[4], 8)); // declares 8 bytes, holds 4: the last word of the block
        epb(n, 1, 1_700_000_001_000_000L, ethernetSyn(), 54);
        Read r = read(write("tsoffset.pcapng", n));
        assertEquals(1, r.rows().size());
        assertTrue(r.result().corruption().contains("option 14 is 8 bytes"), r.result().corruption());
    }

    @Test
    void blockLengthsThatDisagreeOrAreHugeEndTheRead() throws Exception {
        ByteBuffer n = shb(pcapng(), new byte[0]);
        idb(n, 1, new byte[0]);
        epb(n, 0, 1_700_000_000_000_000L, ethernetSyn(), 54);
        n.putInt(6).putInt(0x7FFFFFFC).putInt(0);
        Read r = read(write("huge.pcapng", n));
        assertEquals(1, r.rows().size());
        assertTrue(r.result().corruption().contains("total length 2147483644"), r.result().corruption());
    }

    @Test
    void tickConversionIsCheckedArithmetic() {
        assertEquals(1_700_000_000_123_456_000L, CaptureFileParser.toNanos(1_700_000_000_123_456L, 1_000_000L, 0));
        assertEquals(-1, CaptureFileParser.toNanos(-1L, 1_000_000L, 0), "2^64-1 µs");
        assertEquals(-1, CaptureFileParser.toNanos(5, 1, -6), "before 1970");
        assertEquals(-1, CaptureFileParser.toNanos(1, 1, Long.MAX_VALUE), "offset overflow");
        assertEquals(1_500_000_000L, CaptureFileParser.toNanos(3, 2, 0), "binary resolution");
    }

    private Read oneFrame(int linkType, byte[] frame) throws Exception {
        ByteBuffer b = pcap(linkType);
        record(b, 1_700_000_000L, frame, frame.length);
        return read(write("link" + linkType + ".pcap", b));
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static final String SYN_ROW = "1700000000 %d " + PacketBatch.KIND_FLOW + " 6 40000>22";

    @Test
    void pppCiscoHdlcAnd80211LinkTypesCarryIp() throws Exception {
        byte[] ip = ipv4Syn();
        // PPP with RFC 1662 address/control, without, and with a compressed protocol field
        for (byte[] head : new byte[][] {{(byte) 0xff, 0x03, 0x00, 0x21}, {0x00, 0x21}, {0x21}}) {
            byte[] f = concat(head, ip);
            assertEquals(List.of(String.format(SYN_ROW, f.length)), oneFrame(PacketDecoder.DLT_PPP, f).rows());
        }
        byte[] hdlc = concat(new byte[] {0x0f, 0x00, 0x08, 0x00}, ip);
        assertEquals(List.of(String.format(SYN_ROW, hdlc.length)), oneFrame(PacketDecoder.DLT_C_HDLC, hdlc).rows());
        // 802.11 QoS data frame (subtype 8), From DS, LLC/SNAP IPv4
        byte[] wifi = concat(new byte[] {(byte) 0x88, 0x02, 0, 0}, new byte[18], new byte[2], new byte[2],
                new byte[] {(byte) 0xaa, (byte) 0xaa, 0x03, 0, 0, 0, 0x08, 0x00}, ip);
        assertEquals(List.of(String.format(SYN_ROW, wifi.length)), oneFrame(PacketDecoder.DLT_IEEE802_11, wifi).rows());
        byte[] ppi = concat(new byte[] {0, 0, 8, 0, 105, 0, 0, 0}, wifi);
        assertEquals(List.of(String.format(SYN_ROW, ppi.length)), oneFrame(PacketDecoder.DLT_PPI, ppi).rows());
        byte[] radiotap = concat(new byte[] {0, 0, 8, 0, 0, 0, 0, 0}, wifi);
        assertEquals(List.of(String.format(SYN_ROW, radiotap.length)), oneFrame(PacketDecoder.DLT_IEEE802_11_RADIO, radiotap).rows());
        // a protected (encrypted) data frame is not IP, and a beacon neither
        byte[] wep = wifi.clone();
        wep[1] |= 0x40;
        assertEquals(List.of("1700000000 " + wep.length + " " + PacketBatch.KIND_NON_IP + " 0 0>0"),
                oneFrame(PacketDecoder.DLT_IEEE802_11, wep).rows());
        byte[] cut = java.util.Arrays.copyOf(ppi, 20);
        assertEquals(PacketBatch.KIND_MALFORMED + "", oneFrame(PacketDecoder.DLT_PPI, cut).rows().get(0).split(" ")[2]);
    }

    @Test
    void anUndecodedLinkTypeIsSaidPlainlyNotJustCounted() throws Exception {
        Read r = oneFrame(195, new byte[40]); // IEEE 802.15.4
        assertEquals(PacketBatch.KIND_MALFORMED + "", r.rows().get(0).split(" ")[2]);
        assertTrue(r.result().problems().contains("link type 195 is not decoded"), r.result().problems());
        assertEquals("", oneFrame(PacketDecoder.DLT_EN10MB, ethernetSyn()).result().problems());
    }
}
