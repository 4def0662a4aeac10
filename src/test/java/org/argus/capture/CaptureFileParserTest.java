package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.argus.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plain-Java capture reader against libpcap on every public capture in {@code ../shared/pcaps} (pcap and pcapng,
 * several link types, truncated and malformed files): the same decoded packets (time, wire length, addresses, ports,
 * flags, reasons), the same count and the same truncation verdict. Plus what those files lack: big-endian and
 * nanosecond pcap, and pcapng with nanosecond {@code if_tsresol}.
 */
class CaptureFileParserTest {
    @TempDir
    Path dir;

    static List<Path> captures() throws Exception {
        return TestData.captures();
    }

    /** Every decoded row of a file, as comparable text, through either reader. */
    private static List<String> rows(Path file, boolean libpcap, PcapFileReader.Result[] result) throws Exception {
        List<String> out = new ArrayList<>();
        {
            result[0] = new PcapFileReader(file, 100, libpcap).read(b -> {
                for (int i = 0; i < b.size(); i++) {
                    out.add(b.tsNanos[i] + " " + b.wireLen[i] + " " + b.kind[i] + " " + b.info[i] + " " + b.proto[i] + " " + b.srcHi[i]
                            + " " + b.srcLo[i] + " " + b.dstHi[i] + " " + b.dstLo[i] + " " + b.ports[i] + " " + b.tcpFlags[i]
                            + " " + b.icmpTypeCode[i] + " " + b.reason[i]);
                }
            });
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("captures")
    void readsEveryPublicCaptureExactlyAsLibpcapDoes(Path file) throws Exception {
        PcapFileReader.Result[] plain = new PcapFileReader.Result[1], lib = new PcapFileReader.Result[1];
        List<String> a, b;
        try {
            b = rows(file, true, lib);
        } catch (CaptureException libpcapRefuses) {
            return; // a file libpcap cannot open at all: nothing to compare (the parser declines those too)
        }
        a = rows(file, false, plain);
        assertEquals(b.size(), a.size(), file + ": packets");
        assertEquals(b, a, file + ": decoded packets");
        assertEquals(lib[0].packets(), plain[0].packets());
        assertEquals(lib[0].truncated(), plain[0].truncated(), file + ": truncation");
    }

    @Test
    void bigEndianAndNanosecondPcapAndNanosecondPcapng() throws Exception {
        byte[] frame = new byte[60];
        frame[12] = 0x08; // EtherType IPv4 with a zero IPv4 header: decoded as malformed, the time and length still count
        long ts = 1_795_867_200L * 1_000_000_000L + 123_456_789L;
        for (boolean big : new boolean[] {false, true}) {
            Path f = dir.resolve("ns-" + big + ".pcap");
            ByteBuffer b = ByteBuffer.allocate(24 + 16 + 60).order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            b.putInt((int) (ts / 1_000_000_000L)).putInt((int) (ts % 1_000_000_000L)).putInt(60).putInt(1514).put(frame);
            Files.write(f, b.array());
            CaptureFileParser p = CaptureFileParser.open(f);
            assertTrue(p.next());
            assertEquals(ts, p.tsNanos);
            assertEquals(1514, p.wireLen);
            assertEquals(60, p.caplen);
            assertTrue(!p.next() && !p.truncated());
            p.close();
        }
        // pcapng: SHB, IDB with if_tsresol = 9 (ns), one EPB, then a cut EPB.
        ByteBuffer n = ByteBuffer.allocate(400).order(ByteOrder.LITTLE_ENDIAN);
        n.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        n.putInt(1).putInt(32).putShort((short) 1).putShort((short) 0).putInt(0).putShort((short) 9).putShort((short) 1)
                .put((byte) 9).put(new byte[3]).putInt(0).putInt(32);
        n.putInt(6).putInt(32 + 60).putInt(0).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(60).putInt(60).put(frame).putInt(32 + 60);
        n.putInt(6).putInt(32 + 60).putInt(0).putInt(0);
        Path ng = dir.resolve("ns.pcapng");
        Files.write(ng, java.util.Arrays.copyOf(n.array(), n.position()));
        CaptureFileParser p = CaptureFileParser.open(ng);
        assertEquals(1, p.linkType());
        assertTrue(p.next());
        assertEquals(ts, p.tsNanos);
        assertArrayEquals(frame, p.frameBytes());
        assertTrue(!p.next() && p.truncated(), "the cut second block");
        p.close();
    }
}
