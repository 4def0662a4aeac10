package org.argus.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.argus.anon.Anonymizer;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;
import org.argus.flow.WindowTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRotatorTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_795_867_200L * S; // 2026-11-28T12:00:00Z

    @TempDir
    Path dir;

    private final CsvStats stats = new CsvStats();
    private final List<CsvFileClosed> closed = new ArrayList<>();

    private static FlowWindow window(long start, int flows) {
        List<FlowRecord> f = new ArrayList<>();
        for (int i = 0; i < flows; i++) {
            f.add(new FlowRecord(6, IpAddress.parse("192.0.2.1"), 40000 + i, IpAddress.parse("2001:db8::1"), 443,
                    3, 180, 2, 1500, start + i, start + i + 5, TcpFlagCounts.NONE));
        }
        return new FlowWindow(start, start + 5 * S, new WindowTotals(10, 2000, 10, 10, 0, 0, 1, 0, 0, 0, 0, 0), f);
    }

    private CsvRotator rotator(int maxRows, Duration age, int keep) throws IOException {
        return new CsvRotator(new CsvSettings(dir, maxRows, age, keep, true), new Anonymizer("argus-test-salt"), stats, closed::add);
    }

    @Test
    void wallClockRotationClosesAtHourAndWeekBoundaries() throws Exception {
        // T0 is 12:00:00 UTC: the windows at 12:59:55 and 13:00:00 belong to different hours
        long before = T0 + 3595 * S, after = T0 + 3600 * S;
        try (CsvRotator r = new CsvRotator(new CsvSettings(dir, 1_000_000, Duration.ofDays(7), 0, true, 0, Duration.ofHours(1)),
                new Anonymizer("argus-test-salt"), stats, closed::add)) {
            r.write(window(T0, 1));
            r.write(window(before, 1));
            r.write(window(after, 1));
        }
        assertEquals(List.of("hera_20261128_130000.csv", "zeus_20261128_120000.csv"), names());
        CsvSettings week = new CsvSettings(dir, 1, Duration.ofDays(7), 0, true, 0, Duration.ofDays(7));
        long sunday = java.time.Instant.parse("2026-11-29T23:59:55Z").getEpochSecond() * S;
        long monday = java.time.Instant.parse("2026-11-30T00:00:00Z").getEpochSecond() * S;
        assertEquals(week.rotationBucket(T0), week.rotationBucket(sunday), "Saturday and Sunday: one week");
        assertEquals(week.rotationBucket(sunday) + 1, week.rotationBucket(monday), "weeks start on Monday 00:00 UTC");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void extraColumnsCarryEachEndsCountryAndAsn() throws Exception {
        Path shared = org.argus.TestData.shared().resolve("geoip");
        try (org.argus.enrich.GeoIp geo = org.argus.enrich.GeoIp.open(null, shared.resolve("GeoLite2-City-Test.mmdb"),
                shared.resolve("GeoLite2-ASN-Test.mmdb"));
             CsvRotator r = rotator(1000, Duration.ofHours(1), 0)) {
            r.geoColumns(geo::lookup);
            long start = 1_700_000_000L * S;
            List<FlowRecord> f = List.of(
                    new FlowRecord(6, IpAddress.parse("81.2.69.142"), 40000, IpAddress.parse("192.168.1.7"), 22, 3, 180, 2, 120,
                            start, start + 5, TcpFlagCounts.NONE),
                    new FlowRecord(17, IpAddress.parse("192.168.1.7"), 5353, IpAddress.parse("1.128.0.1"), 53, 1, 80, 1, 120,
                            start, start + 5, TcpFlagCounts.NONE));
            r.write(new FlowWindow(start, start + 5 * S, new WindowTotals(7, 500, 7, 5, 2, 0, 1, 0, 0, 0, 0, 0), f));
            r.close();
            Path file = dir.resolve(names().get(0));
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            assertEquals(CsvRotator.HEADER + ",src_country,src_asn,dst_country,dst_asn", lines.get(0));
            assertTrue(lines.get(1).endsWith(",GB,,,"), "London, no ASN in the test data; a private responder: " + lines.get(1));
            assertTrue(lines.get(2).endsWith(",,,,1221"), "Telstra's ASN, no country in the test data: " + lines.get(2));
        }
    }

    @Test
    void rowsFollowTheSchemaAndTheOpenFileHasATemporaryName() throws IOException {
        try (CsvRotator r = rotator(100, Duration.ofMinutes(5), 0)) {
            r.write(window(T0, 2));
            assertEquals(List.of("zeus_20261128_120000.csv.part"), names());
        }
        assertEquals(List.of("zeus_20261128_120000.csv"), names());
        List<String> lines = Files.readAllLines(dir.resolve("zeus_20261128_120000.csv"));
        assertEquals(CsvRotator.HEADER, lines.get(0));
        assertEquals("2026-11-28T12:00:00.000000001Z,2026-11-28T12:00:00Z,2026-11-28T12:00:05Z,5.0,10,2000,2,2.0,3200.0,"
                + "ip_88563b3cee22,ip_ad37e174d079,TCP,40001,443,3,180,2,1500", lines.get(2));
        assertEquals(1, closed.size());
        assertEquals(2, closed.get(0).rows());
    }

    @Test
    void rotatesAtMaxRowsSplittingAWindowAndAtMaxAge() throws IOException {
        try (CsvRotator r = rotator(3, Duration.ofSeconds(10), 0)) {
            r.write(window(T0, 5));          // 3 rows in zeus, 2 in hera
            r.write(window(T0 + 5 * S, 1));  // hera now has 3: closed
            r.write(window(T0 + 10 * S, 1)); // poseidon
            r.write(window(T0 + 20 * S, 1)); // 10 s after poseidon's first window: new file
        }
        assertEquals(List.of("demeter_20261128_120020.csv", "hera_20261128_120000.csv", "poseidon_20261128_120010.csv",
                "zeus_20261128_120000.csv"), names());
        assertEquals(List.of(3L, 3L, 1L, 1L), closed.stream().map(CsvFileClosed::rows).toList());
        assertEquals(8, stats.csvRows.sum());
    }

    @Test
    void retentionKeepsTheNewestFiles() throws IOException {
        try (CsvRotator r = rotator(1, Duration.ofMinutes(5), 2)) {
            for (int i = 0; i < 4; i++) {
                r.write(window(T0 + i * 5 * S, 1));
            }
        }
        assertEquals(2, names().size());
        assertEquals(2, stats.csvFilesRemoved.sum());
        assertTrue(names().contains("demeter_20261128_120015.csv"), names().toString());
    }

    @Test
    void aCrashLeftoverIsRecoveredWithItsTornRowCut() throws IOException {
        String good = "2026-11-28T12:00:00Z,a,b,5.0,1,1,1,1.0,8.0,ip_x,ip_y,TCP,1,2,1,1,0,0\n";
        Files.writeString(dir.resolve("zeus_20261128_120000.csv.part"),
                CsvRotator.HEADER + "\n" + good + good + "2026-11-28T12:00:00Z,a,b,5.0,1", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("hera_20261128_120000.csv.part"), CsvRotator.HEADER.substring(0, 20));
        try (CsvRotator r = rotator(100, Duration.ofMinutes(5), 0)) {
            List<Path> rec = r.recover();
            assertEquals(1, rec.size());
        }
        assertEquals(List.of("zeus_20261128_120000.csv"), names(), "torn header-only file removed, the other closed");
        assertEquals(CsvRotator.HEADER + "\n" + good + good, Files.readString(dir.resolve("zeus_20261128_120000.csv")));
        assertTrue(closed.get(0).recovered());
        assertEquals(2, closed.get(0).rows());
        assertFalse(names().stream().anyMatch(n -> n.endsWith(".part")));
    }

    @Test
    void aWindowWithoutFlowsWritesNothing() throws IOException {
        try (CsvRotator r = rotator(100, Duration.ofMinutes(5), 0)) {
            r.write(window(T0, 0));
        }
        assertEquals(List.of(), names());
    }

    @Test
    void aNearlyFullDiskClosesTheFileWholePausesAndResumesWithRoom() throws IOException {
        long mib = 1024 * 1024;
        long[] free = {100 * mib};
        CsvSettings settings = new CsvSettings(dir, 1000, Duration.ofMinutes(5), 0, true, 64 * mib);
        try (CsvRotator r = new CsvRotator(settings, new Anonymizer("argus-test-salt"), stats, closed::add, d -> free[0])) {
            r.write(window(T0, 2));
            free[0] = 10 * mib;
            r.write(window(T0 + 5 * S, 3));
            assertEquals(List.of("zeus_20261128_120000.csv"), names(), "the open file is closed under its final name");
            assertEquals(3, Files.readAllLines(dir.resolve("zeus_20261128_120000.csv")).size(), "header + the 2 rows written");
            assertTrue(r.pausedReason().contains("10 MiB free on " + dir), r.pausedReason());
            assertTrue(r.pausedReason().contains("aggregation.min_free_mb (64)"), r.pausedReason());
            free[0] = 70 * mib; // above the floor but not above floor + a quarter: still paused
            r.write(window(T0 + 10 * S, 4));
            assertEquals(2, stats.csvWindowsNotWritten.sum());
            assertEquals(7, stats.csvRowsNotWritten.sum());
            free[0] = 81 * mib;
            r.write(window(T0 + 15 * S, 1));
            assertEquals(null, r.pausedReason());
        }
        assertEquals(List.of("hera_20261128_120015.csv", "zeus_20261128_120000.csv"), names());
        assertEquals(3, stats.csvRows.sum());
        assertEquals(List.of(2L, 1L), closed.stream().map(CsvFileClosed::rows).toList());
    }
}
