package org.argus.staging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.argus.csv.CsvFiles;
import org.argus.csv.CsvRotator;
import org.argus.detect.RetinaCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive over a fake-clock season: staging, uploads against Google's in-memory Cloud Storage (failing for some
 * days), compression, retention by age and size; verification; and a real kill -9 of a JVM compressing a file.
 */
class ArchiveTest {
    private static final Instant DAY0 = Instant.parse("2026-09-01T00:00:00Z");
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static String rows(int n, String tag) {
        StringBuilder b = new StringBuilder(CsvRotator.HEADER).append('\n');
        for (int i = 0; i < n; i++) {
            b.append("2026-09-01T00:00:00Z,2026-09-01T00:00:00Z,2026-09-01T00:00:05Z,5.0,10,600,2,2.0,960.0,ip_").append(String.format("%012x", tag.hashCode() & 0xffffffffL))
                    .append(",ip_00000000000b,TCP,").append(40000 + i).append(",443,5,300,5,300\n");
        }
        return b.toString();
    }

    private StagingSettings staging(Path out, boolean uploads) {
        return new StagingSettings(out, out.resolve("staging"), out.resolve("uploaded"), Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofDays(7), 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1),
                uploads ? new StagingSettings.Firebase("p", StagingPipelineTest.BUCKET, "", "", "retina-data", "pi-1") : null);
    }

    @Test
    void aSeasonOfDaysKeepsRetentionAndNeverDeletesWhatWasNotUploaded() throws Exception {
        Path out = dir.resolve("csv");
        Storage memory = LocalStorageHelper.customOptions(false).getService();
        AtomicBoolean down = new AtomicBoolean();
        Storage storage = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, args) -> {
            if (down.get()) {
                throw new com.google.cloud.storage.StorageException(503, "unavailable");
            }
            try {
                return m.invoke(memory, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        Archive.Settings as = new Archive.Settings(true, out.resolve("archive"), Duration.ofDays(30), 0, Duration.ofMinutes(5));
        StagingStats stats = new StagingStats();
        StagingPipeline p = new StagingPipeline(staging(out, true), () -> storage, stats, as);
        Set<String> written = new HashSet<>();
        for (int day = 0; day < 60; day++) {
            Instant noon = DAY0.plus(Duration.ofDays(day)).plus(Duration.ofHours(12));
            String name = "zeus_" + NAME.format(noon) + "_120000.csv";
            Path f = out.resolve(name);
            Files.createDirectories(out);
            Files.writeString(f, rows(50, Integer.toString(day)));
            Files.setLastModifiedTime(f, FileTime.from(noon));
            written.add(name);
            down.set(day >= 40 && day < 50); // ten days without the bucket
            p.runOnce(noon.plus(Duration.ofMinutes(10)));
            // nothing is ever lost: each file is in staging (not uploaded yet) or uploaded and archived
            Set<String> seen = new HashSet<>();
            for (Stager.FileInfo s : Stager.csvs(out.resolve("staging"))) {
                seen.add(s.path().getFileName().toString());
            }
            for (Archive.Entry e : new Archive(as).list()) {
                seen.add(e.file().getFileName().toString().replace(".gz", ""));
            }
            LocalDate oldestKept = LocalDate.ofInstant(noon.plus(Duration.ofMinutes(10)).minus(Duration.ofDays(30)), ZoneOffset.UTC);
            for (String w : written) {
                LocalDate d = LocalDate.parse(w.substring(5, 13), DateTimeFormatter.ofPattern("yyyyMMdd"));
                if (!d.isBefore(oldestKept)) {
                    assertTrue(seen.contains(w), "day " + day + ": " + w + " is neither staged nor archived");
                }
            }
            if (day >= 40 && day < 50) {
                assertEquals(day - 39, Stager.csvs(out.resolve("staging")).size(), "not uploaded: kept in staging, not archived");
            }
        }
        List<Archive.Entry> left = new Archive(as).list();
        assertEquals(LocalDate.of(2026, 9, 30), left.get(0).day(), "30 days kept by age");
        assertEquals(31, left.size());
        assertEquals(0, Stager.csvs(out.resolve("staging")).size(), "the ten days caught up after the outage");
        assertEquals(29, stats.archiveDeleted.sum());
        assertEquals(31, stats.archiveFiles.get());
        for (Archive.Entry e : left) {
            Archive.Check c = Archive.verify(e.file());
            assertTrue(c.ok(), c.problem());
            assertEquals(50, c.rows());
            assertTrue(e.file().toString().contains(String.format("/%04d/%02d/%02d/", e.day().getYear(), e.day().getMonthValue(), e.day().getDayOfMonth())));
        }
        assertEquals(60, memory.list(StagingPipelineTest.BUCKET).streamAll().count(), "every file uploaded once");

        // by size: a bound of about ten files keeps the newest ten
        long size = left.get(0).bytes();
        Archive small = new Archive(new Archive.Settings(true, as.dir(), Duration.ofDays(30), size * 10 + size / 2, Duration.ZERO));
        small.prune(DAY0.plus(Duration.ofDays(60)));
        List<Archive.Entry> ten = small.list();
        assertEquals(10, ten.size());
        assertEquals(LocalDate.of(2026, 10, 21), ten.get(0).day());
        assertFalse(Files.exists(as.dir().resolve("2026/09")), "emptied month folders go too");
    }

    @Test
    void withoutUploadsStagedFilesAreArchivedOnceOldEnough(@TempDir Path other) throws Exception {
        Path out = other.resolve("csv");
        Archive.Settings as = new Archive.Settings(true, out.resolve("archive"), Duration.ofDays(90), 0, Duration.ofMinutes(5));
        StagingStats stats = new StagingStats();
        StagingPipeline p = new StagingPipeline(staging(out, false), null, stats, as);
        Files.createDirectories(out);
        Path f = out.resolve("hera_20261201_080000.csv");
        Files.writeString(f, rows(3, "x"));
        Instant t = Instant.parse("2026-12-01T08:00:00Z");
        Files.setLastModifiedTime(f, FileTime.from(t));
        p.runOnce(t.plus(Duration.ofMinutes(2))); // staged (older than 60 s), not yet archived
        assertEquals(1, Stager.csvs(out.resolve("staging")).size());
        p.runOnce(t.plus(Duration.ofMinutes(6)));
        assertEquals(0, Stager.csvs(out.resolve("staging")).size());
        Path archived = as.dir().resolve("2026/12/01/hera_20261201_080000.csv.gz");
        assertTrue(Files.exists(archived));
        // the replay-side readers take the archive as it is
        assertEquals(3, RetinaCsv.read(archived).get(0).flows().size());
    }

    @Test
    void verifyNamesTheFileAndTheProblem() throws Exception {
        Path good = dir.resolve("good.csv.gz"), torn = dir.resolve("torn.csv.gz"), cut = dir.resolve("cut.csv.gz"), plain = dir.resolve("p.csv.gz");
        Files.write(good, gzip(rows(4, "a")));
        Files.write(torn, gzip(rows(4, "a") + "2026-09-01T00:00:00Z,2026-09-01"));
        byte[] whole = gzip(rows(400, "a"));
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.writeString(plain, rows(1, "a"));
        assertEquals(4, Archive.verify(good).rows());
        assertTrue(Archive.verify(good).ok());
        assertTrue(Archive.verify(torn).problem().contains("line 6 has 2 columns, expected 18"), Archive.verify(torn).problem());
        assertTrue(Archive.verify(cut).problem().startsWith(cut.toString()), Archive.verify(cut).problem());
        assertTrue(Archive.verify(plain).problem().contains("not a gzip file"), Archive.verify(plain).problem());
    }

    /** Run by the kill test in a JVM of its own: archives the file given, then prints "done". */
    public static void main(String[] args) throws Exception {
        Archive a = new Archive(new Archive.Settings(true, Path.of(args[1]), Duration.ofDays(90), 0, Duration.ZERO));
        a.init();
        System.out.println("started");
        System.out.flush();
        a.archive(Path.of(args[0]), Instant.now());
        System.out.println("done");
    }

    @Test
    void killMinus9DuringCompressionLeavesTheOldOrTheNewFileWhole() throws Exception {
        String body = rows(400_000, "k"); // ~40 MB: compression takes long enough to be interrupted
        byte[] original = body.getBytes(StandardCharsets.UTF_8);
        int interrupted = 0;
        for (int round = 0; round < 4; round++) {
            Path src = dir.resolve("round" + round).resolve("ares_20261115_100000.csv");
            Path archiveDir = dir.resolve("round" + round).resolve("archive");
            Files.createDirectories(src.getParent());
            Files.write(src, original);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ArchiveTest.class.getName(),
                    src.toString(), archiveDir.toString()).redirectErrorStream(true).start();
            child.getInputStream().read(); // "started": the child is about to compress
            Thread.sleep(50L + 60L * round);
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Path target = archiveDir.resolve("2026/11/15/ares_20261115_100000.csv.gz");
            if (Files.exists(src)) {
                assertArrayEquals(original, Files.readAllBytes(src), "the source is untouched until its archive is whole");
                if (!Files.exists(target)) {
                    interrupted++;
                }
            }
            if (Files.exists(target)) {
                assertArrayEquals(original, new GZIPInputStream(Files.newInputStream(target)).readAllBytes(), "a renamed archive is whole");
            }
            // the next pass finishes the job whatever the moment of the kill
            Archive a = new Archive(new Archive.Settings(true, archiveDir, Duration.ofDays(90), 0, Duration.ZERO));
            a.init();
            try (var parts = Files.walk(archiveDir)) {
                assertEquals(0, parts.filter(x -> x.toString().endsWith(".part")).count(), "leftovers deleted at start");
            }
            a.archiveFrom(src.getParent(), Instant.now().plusSeconds(60), Duration.ZERO);
            assertFalse(Files.exists(src));
            try (var in = CsvFiles.open(target)) {
                assertArrayEquals(original, in.readAllBytes());
            }
        }
        assertTrue(interrupted > 0, "at least one kill landed during compression");
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(b)) {
            o.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }
}
