package org.argus.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.argus.gen.CaptureGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PcapFileReader#readAhead}: the same packets in the same order as {@link PcapFileReader#read}, and failures on either side surface. */
class ReadAheadTest {
    @TempDir
    Path dir;

    private static String row(PacketBatch b, int k) {
        return b.tsNanos[k] + " " + b.wireLen[k] + " " + b.kind[k] + " " + b.proto[k] + " " + b.srcLo[k] + " " + b.dstLo[k]
                + " " + b.ports[k] + " " + b.tcpFlags[k];
    }

    private static List<String> rows(List<String> into, PacketBatch b) {
        for (int k = 0; k < b.size(); k++) {
            into.add(row(b, k));
        }
        return into;
    }

    @Test
    void sameBatchesInTheSameOrderWhileBatchesAreRecycled() throws Exception {
        Path f = dir.resolve("g.pcap");
        long packets = CaptureGenerator.write(f, 300, 3, 1_795_000_000L, 30);
        List<String> plain = new ArrayList<>();
        PcapFileReader.Result r1 = new PcapFileReader(f, 100).read(b -> rows(plain, b));
        List<String> ahead = new ArrayList<>();
        List<PacketBatch> seen = new ArrayList<>();
        PcapFileReader.Result r2 = new PcapFileReader(f, 100).readAhead(b -> {
            rows(ahead, b);
            if (seen.stream().noneMatch(s -> s == b)) {
                seen.add(b);
            }
        }, 3);
        assertEquals(packets, plain.size());
        assertEquals(plain, ahead);
        assertEquals(r1, r2);
        assertTrue(seen.size() <= 3, "at most depth batch objects, reused: " + seen.size());
    }

    @Test
    void aFileThatCannotBeReadFailsAsWithRead() {
        CaptureException e = assertThrows(CaptureException.class,
                () -> new PcapFileReader(dir.resolve("missing.pcap"), 64).readAhead(b -> { }, 2));
        assertTrue(e.getMessage().contains("missing.pcap") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void aFailingSinkStopsTheReaderThread() throws Exception {
        Path f = dir.resolve("g.pcap");
        CaptureGenerator.write(f, 300, 3, 1_795_000_000L, 30);
        int[] calls = {0};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new PcapFileReader(f, 10).readAhead(b -> {
            if (++calls[0] == 2) {
                throw new IllegalStateException("sink broke");
            }
        }, 2));
        assertEquals("sink broke", e.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("argus-file-reader") && t.isAlive()),
                "the reader thread has ended");
        assertTrue(Files.exists(f));
    }
}
