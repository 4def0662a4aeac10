package org.argus.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.argus.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture whose time goes backwards: the same traffic twice in one file ({@code mergecap -a} of two copies). Each
 * packet must land in the window of its own timestamp, so the per-window totals summed over the two segments are
 * twice tshark's ground truth for one copy, with nothing counted late.
 */
class TimeJumpTest {
    @TempDir
    Path dir;

    @Test
    void theSameTrafficTwiceIsTwoSegmentsMatchingTshark() throws Exception {
        Path one = TestData.shared().resolve("pcaps/KakaoTalk_talk.pcap");
        byte[] file = Files.readAllBytes(one);
        byte[] twice = new byte[file.length * 2 - 24];
        System.arraycopy(file, 0, twice, 0, file.length);
        System.arraycopy(file, 24, twice, file.length, file.length - 24); // the records again, after the first copy's
        Path doubled = Files.write(dir.resolve("twice.pcap"), twice);

        Map<Long, long[]> expected = new TreeMap<>();
        List<String> truth = Files.readAllLines(one.resolveSibling("KakaoTalk_talk.pcap.windows.csv"));
        for (String line : truth.subList(1, truth.size())) {
            String[] f = line.split(",");
            expected.put(Long.parseLong(f[0]), new long[] {2 * Long.parseLong(f[1]), 2 * Long.parseLong(f[2])});
        }
        Map<Long, long[]> got = new TreeMap<>();
        FlowStats stats = new FlowStats();
        WindowAssembler.readFile(doubled, FlowSettings.defaults(), 256, stats, w -> {
            long[] t = got.computeIfAbsent(Math.floorDiv(w.startNanos(), 1_000_000_000L), k -> new long[2]);
            t[0] += w.totals().packets();
            t[1] += w.totals().bytes();
            assertEquals(0, w.totals().latePackets(), "no packet is late: each is in its own window");
        });
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((start, t) -> {
            assertEquals(t[0], got.get(start)[0], "packets of the window at " + start);
            assertEquals(t[1], got.get(start)[1], "bytes of the window at " + start);
        });
        assertEquals(1, stats.timeJumps.sum(), "one backward step, one new segment");
        assertEquals(0, stats.latePackets.sum());
    }
}
