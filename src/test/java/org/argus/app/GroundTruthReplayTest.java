package org.argus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.argus.TestData;
import org.argus.anon.Anonymizer;
import org.argus.csv.CsvRotator;
import org.argus.csv.CsvSettings;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowSettings;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every capture in {@code shared/pcaps} replayed and compared with its tshark ground truth: packets and bytes per
 * window (the {@code --windows} output, and the window columns of every CSV row), and per bidirectional 5-tuple the
 * packets and bytes summed over windows for TCP, UDP, ICMP and ICMPv6 (read back from the anonymized CSVs, with the
 * ground truth's addresses anonymized under the same salt). An unreadable file must give a clear message.
 */
class GroundTruthReplayTest {
    private static final String SALT = "ground-truth-test-salt";
    private static final List<String> COMPARED = List.of("TCP", "UDP", "ICMP", "ICMPv6");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> replayMatchesTshark() throws IOException {
        return TestData.captures().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private void check(Path capture) throws IOException {
        String name = capture.getFileName().toString();
        JsonObject truth = new JsonObject(Files.readString(capture.resolveSibling(name + ".summary.json")));
        Path out = tmp.resolve(name);
        Path windows = tmp.resolve(name + ".windows.jsonl");
        List<String> failures = new ArrayList<>();
        CsvSettings csv = new CsvSettings(out, 10_000, Duration.ofHours(1), 0, false);
        Replay.Summary s = Replay.run(List.of(capture), FlowSettings.defaults(), csv, SALT, 512, windows, failures::add, null);

        boolean unreadable = truth.getInteger("tshark_rc") != 0 && truth.getLong("frames") == 0;
        if (unreadable) {
            assertEquals(1, failures.size(), "an unreadable file is reported");
            assertTrue(failures.get(0).contains(name), "the message names the file: " + failures.get(0));
            assertFalse(failures.get(0).contains("Exception"), "a message, not a stack trace: " + failures.get(0));
            return;
        }
        assertTrue(failures.isEmpty(), "no failures: " + failures);
        assertEquals(truth.getLong("frames"), s.packets(), "frames");
        assertEquals(truth.getLong("bytes"), s.bytes(), "wire bytes");
        assertEquals(truth.getLong("windows"), s.windows(), "non-empty windows");

        // Windows: packets and bytes per window, plus the per-protocol columns.
        Map<Long, String> expectedWindows = new TreeMap<>();
        for (String line : dataLines(capture.resolveSibling(name + ".windows.csv"))) {
            String[] f = line.split(",");
            expectedWindows.put(Long.parseLong(f[0]), f[1] + "/" + f[2] + " tcp=" + f[4] + " udp=" + f[5] + " icmp=" + f[6] + " syn=" + f[7]);
        }
        Map<Long, String> actualWindows = new TreeMap<>();
        Map<Long, String> windowTotals = new TreeMap<>();
        for (String line : Files.readAllLines(windows)) {
            JsonObject w = new JsonObject(line);
            actualWindows.put(w.getLong("window_start"), w.getLong("packets") + "/" + w.getLong("bytes") + " tcp="
                    + w.getLong("tcp_packets") + " udp=" + w.getLong("udp_packets") + " icmp=" + w.getLong("icmp_packets")
                    + " syn=" + w.getLong("tcp_syn"));
            windowTotals.put(w.getLong("window_start"), w.getLong("packets") + "," + w.getLong("bytes"));
        }
        assertEquals(expectedWindows, actualWindows, "windows of " + name);

        // Flows, from the CSVs.
        Anonymizer anon = new Anonymizer(SALT);
        Map<String, long[]> expectedFlows = new TreeMap<>();
        for (String line : dataLines(capture.resolveSibling(name + ".flows.csv"))) {
            String[] f = line.split(",");
            String proto = FlowRecord.protocolName(Integer.parseInt(f[0]));
            String key = key(proto, anon.anonymize(IpAddress.parse(f[1])), f[2], anon.anonymize(IpAddress.parse(f[3])), f[4]);
            expectedFlows.put(key, new long[] {Long.parseLong(f[5]), Long.parseLong(f[6])});
        }
        Map<String, long[]> actualFlows = new TreeMap<>();
        List<Path> csvs = Files.exists(out) ? Files.list(out).sorted().toList() : List.of();
        for (Path f : csvs) {
            assertTrue(CsvRotator.CLOSED_NAME.matcher(f.getFileName().toString()).matches(), "closed CSV name: " + f);
            List<String> lines = Files.readAllLines(f);
            assertEquals(CsvRotator.HEADER, lines.get(0));
            for (String row : lines.subList(1, lines.size())) {
                String[] c = row.split(",", -1);
                assertEquals(18, c.length, row);
                long ws = java.time.Instant.parse(c[1]).getEpochSecond();
                assertEquals(windowTotals.get(ws), c[4] + "," + c[5], "window columns of row " + row);
                if (!COMPARED.contains(c[11])) {
                    continue;
                }
                long[] v = actualFlows.computeIfAbsent(key(c[11], c[9], c[12], c[10], c[13]), k -> new long[2]);
                v[0] += Long.parseLong(c[14]) + Long.parseLong(c[16]);
                v[1] += Long.parseLong(c[15]) + Long.parseLong(c[17]);
            }
        }
        assertEquals(render(expectedFlows), render(actualFlows), "flows of " + name);
    }

    private static String key(String proto, String a, String pa, String b, String pb) {
        String x = a + ":" + pa, y = b + ":" + pb;
        return proto + " " + (x.compareTo(y) <= 0 ? x + " " + y : y + " " + x);
    }

    private static String render(Map<String, long[]> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append(" packets=").append(v[0]).append(" bytes=").append(v[1]).append('\n'));
        return sb.toString();
    }

    private static List<String> dataLines(Path p) throws IOException {
        List<String> l = Files.readAllLines(p);
        return l.subList(1, l.size()).stream().filter(s -> !s.isBlank()).toList();
    }
}
