package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.argus.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM binding to libpcap on real captures: filters compile and apply in libpcap, refusals carry libpcap's own
 * words, and packet headers read through the platform's C layouts match the plain-Java parser (the whole-file
 * comparison is {@link CaptureFileParserTest}). Live opening is exercised for real by LiveCaptureIT on a veth.
 */
class LibPcapTest {
    @TempDir
    Path dir;

    /** Time and wire length of the IPv4 packets of {@code file} whose protocol is {@code proto}, by the plain-Java parser. */
    private static List<String> decodedWithProto(Path file, int proto) throws Exception {
        List<String> rows = new ArrayList<>();
        new PcapFileReader(file, 64).read(b -> {
            for (int i = 0; i < b.size(); i++) {
                if (b.kind[i] == PacketBatch.KIND_FLOW && b.proto[i] == proto && (b.info[i] & PacketBatch.INFO_V6) == 0) {
                    rows.add(b.tsNanos[i] + " " + b.wireLen[i]);
                }
            }
        });
        return rows;
    }

    @Test
    void aBpfFilterRunsInLibpcapAndKeepsOnlyWhatItMatches() throws Exception {
        Path file = TestData.shared().resolve("pcaps/1kxun.pcap");
        List<String> tcp = decodedWithProto(file, PacketDecoder.PROTO_TCP);
        assertTrue(tcp.size() > 100, "the capture has TCP: " + tcp.size());
        long total = 0;
        List<String> matched = new ArrayList<>();
        try (LibPcap all = LibPcap.openOffline(file.toString())) {
            while (all.next() == LibPcap.OK) {
                total++;
            }
        }
        try (LibPcap h = LibPcap.openOffline(file.toString())) {
            assertEquals(PacketDecoder.DLT_EN10MB, h.linkType());
            h.setFilter("tcp and not ip6");
            PacketDecoder decoder = new PacketDecoder(h.linkType());
            int rc;
            while ((rc = h.next()) == LibPcap.OK) {
                PacketBatch one = new PacketBatch(1);
                decoder.decode(h.frame(), 0, h.caplen, h.tsNanos, h.wireLen, one);
                assertEquals(PacketDecoder.PROTO_TCP, one.proto[0]);
                assertTrue(h.caplen > 0 && h.wireLen >= h.caplen, "lengths " + h.caplen + "/" + h.wireLen);
                matched.add(h.tsNanos + " " + h.wireLen);
            }
            assertEquals(LibPcap.END, rc);
            assertEquals(LibPcap.END, h.next(), "end stays the end");
        }
        assertEquals(tcp, matched, "the filter kept exactly the TCP packets, with the parser's times and lengths");
        assertTrue(total > matched.size(), "and dropped the rest: " + total + " > " + matched.size());
    }

    @Test
    void aFilterLibpcapCannotCompileIsRefusedInItsWords() throws Exception {
        try (LibPcap h = LibPcap.openOffline(TestData.shared().resolve("pcaps/1kxun.pcap").toString())) {
            CaptureException e = assertThrows(CaptureException.class, () -> h.setFilter("tcp and and port"));
            assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
        }
    }

    @Test
    void aFileLibpcapCannotReadIsRefusedByName() throws Exception {
        Path junk = dir.resolve("not-a-capture.pcap");
        Files.writeString(junk, "this is not a capture file, just text long enough for a header");
        CaptureException e = assertThrows(CaptureException.class, () -> LibPcap.openOffline(junk.toString()));
        assertTrue(e.getMessage().startsWith(junk + ": not a readable pcap or pcapng file (libpcap: "), e.getMessage());
    }

    @Test
    void anInterfaceThatDoesNotExistIsRefusedInLibpcapsWords() {
        CaptureException e = assertThrows(CaptureException.class, () -> LibPcap.openLive("argus-nope0", 256, false, 100, 1 << 20));
        assertTrue(e.getMessage().startsWith("cannot open interface argus-nope0: "), e.getMessage());
        assertTrue(e.getMessage().length() > "cannot open interface argus-nope0: ".length() + 5, e.getMessage());
    }
}
