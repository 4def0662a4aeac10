package org.argus.staging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staging and upload against Google's own in-memory Cloud Storage ({@code LocalStorageHelper}), with the faults the
 * issue names: storage failing for a while then recovering, the process dying between upload and move, a staged file
 * vanishing. Each ends with every file uploaded exactly once and none lost.
 */
class StagingPipelineTest {
    static final String BUCKET = "argus-test.appspot.com";
    static final Instant NOW = Instant.parse("2026-11-22T12:10:00Z");

    @TempDir
    Path dir;
    final StagingStats stats = new StagingStats();
    // customOptions(false): the fake accepts (and ignores) preconditions such as doesNotExist instead of refusing them.
    final Storage memory = LocalStorageHelper.customOptions(false).getService();

    StagingSettings settings() {
        Path out = dir.resolve("csv");
        return new StagingSettings(out, out.resolve("staging"), out.resolve("uploaded"), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofDays(7), 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofHours(1),
                new StagingSettings.Firebase("p", BUCKET, "", "", "retina-data", "pi-1"));
    }

    /** A closed CSV in the output folder, modified {@code age} before NOW. */
    Path csv(String name, Duration age, String body) throws Exception {
        Path f = dir.resolve("csv").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "timestamp,src_ip\n" + body + "\n");
        Files.setLastModifiedTime(f, FileTime.from(NOW.minus(age)));
        return f;
    }

    Map<String, byte[]> objects() {
        Map<String, byte[]> out = new TreeMap<>();
        for (Blob b : memory.list(BUCKET).iterateAll()) {
            out.put(b.getName(), b.getContent());
        }
        return out;
    }

    /** The in-memory storage behind a proxy that can fail or act before chosen calls. */
    Storage faulty(Fault fault) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, args) -> {
            fault.before(m.getName());
            try {
                return m.invoke(memory, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    interface Fault {
        void before(String method) throws Exception;
    }

    @Test
    void closedOldCsvsAreStagedUploadedOnceAndKept() throws Exception {
        Path a = csv("zeus_20261122_120000.csv", Duration.ofMinutes(9), "a");
        csv("hera_20261122_120500.csv", Duration.ofMinutes(4), "b");
        csv("ares_20261122_120955.csv", Duration.ofSeconds(5), "too young");
        Files.writeString(dir.resolve("csv/apollo_20261122_120955.csv.part"), "open");
        byte[] aBytes = Files.readAllBytes(a);
        StagingPipeline p = new StagingPipeline(settings(), () -> memory, stats);
        p.runOnce(NOW);
        Map<String, byte[]> o = objects();
        assertEquals(List.of("retina-data/pi-1/2026/11/22/hera_20261122_120500.csv", "retina-data/pi-1/2026/11/22/zeus_20261122_120000.csv"),
                new ArrayList<>(o.keySet()));
        assertArrayEquals(aBytes, o.get("retina-data/pi-1/2026/11/22/zeus_20261122_120000.csv"));
        assertTrue(Files.exists(dir.resolve("csv/uploaded/zeus_20261122_120000.csv")));
        assertTrue(Files.exists(dir.resolve("csv/ares_20261122_120955.csv")), "younger than min_age stays");
        assertTrue(Files.exists(dir.resolve("csv/apollo_20261122_120955.csv.part")), "an open file is never touched");
        assertEquals(2, stats.uploadedFiles.sum());
        assertEquals(0, stats.stagedFiles.get());

        p.runOnce(NOW.plusSeconds(120));
        assertEquals(3, objects().size(), "the third once old enough; nothing twice");
    }

    @Test
    void storageFailingForAWhileThenRecoveringLosesNothingAndBacksOff() throws Exception {
        for (int i = 0; i < 5; i++) {
            csv("zeus_20261122_1200" + i + "0.csv", Duration.ofMinutes(10 - i), "row " + i);
        }
        AtomicInteger calls = new AtomicInteger();
        Storage flaky = faulty(m -> {
            if (m.equals("create") && calls.incrementAndGet() <= 4) {
                throw new StorageException(503, "backend unavailable (test)");
            }
        });
        StagingPipeline p = new StagingPipeline(settings(), () -> flaky, stats);
        Instant t = NOW;
        List<Long> waits = new ArrayList<>();
        for (int round = 0; round < 20 && objects().size() < 5; round++) {
            p.runOnce(t);
            if (p.nextAttempt().isAfter(t)) {
                waits.add(Duration.between(t, p.nextAttempt()).toMillis());
                p.runOnce(t.plusMillis(1)); // still backing off: no attempt
                t = p.nextAttempt();
            }
        }
        assertEquals(5, objects().size(), "every file uploaded");
        assertEquals(4, stats.uploadErrors.sum());
        assertEquals(4, waits.size());
        for (int i = 1; i < waits.size(); i++) {
            assertTrue(waits.get(i) >= waits.get(i - 1), "exponential backoff: " + waits);
        }
        assertTrue(waits.get(0) >= 500 && waits.get(0) <= 1000, "first wait: initial × jitter 0.5–1: " + waits);
        assertEquals(0, Stager.csvs(dir.resolve("csv/staging")).size(), "staging empty");
        assertEquals(5, Stager.csvs(dir.resolve("csv/uploaded")).size());
    }

    @Test
    void aCrashBetweenUploadAndMoveDoesNotUploadTwice() throws Exception {
        StagingSettings s = settings();
        Path f = csv("zeus_20261122_120000.csv", Duration.ofMinutes(5), "x");
        new Stager(s).init();
        Path staged = s.stagingDir().resolve(f.getFileName());
        Files.move(f, staged);
        Uploader u = new Uploader(memory, BUCKET, "retina-data/pi-1");
        assertEquals(Uploader.Outcome.UPLOADED, u.upload(staged, NOW)); // ... and the process dies before the move
        // A different file that happens to have an uploaded name: kept under a suffixed name, nothing overwritten.
        Path clash = s.stagingDir().resolve("hera_20261122_120000.csv");
        Files.writeString(clash, "new content");
        memory.create(com.google.cloud.storage.BlobInfo.newBuilder(BlobId.of(BUCKET, "retina-data/pi-1/2026/11/22/hera_20261122_120000.csv")).build(),
                "old content".getBytes());

        StagingPipeline p = new StagingPipeline(s, () -> memory, stats);
        p.runOnce(NOW);
        Map<String, byte[]> o = objects();
        assertEquals(3, o.size(), o.keySet().toString());
        assertEquals("old content", new String(o.get("retina-data/pi-1/2026/11/22/hera_20261122_120000.csv")));
        assertTrue(o.keySet().stream().anyMatch(k -> k.matches("retina-data/pi-1/2026/11/22/hera_20261122_120000-[0-9a-f]+\\.csv")), o.keySet().toString());
        assertTrue(Files.exists(s.uploadedDir().resolve("zeus_20261122_120000.csv")), "confirmed and moved");
        assertEquals(0, Stager.csvs(s.stagingDir()).size());
    }

    @Test
    void aFileThatVanishesFromStagingIsCountedAndTheRestGoesUp() throws Exception {
        csv("zeus_20261122_120000.csv", Duration.ofMinutes(9), "a");
        csv("hera_20261122_120500.csv", Duration.ofMinutes(8), "b");
        csv("ares_20261122_121000.csv", Duration.ofMinutes(7), "c");
        AtomicInteger gets = new AtomicInteger();
        Storage s = faulty(m -> {
            if (m.equals("get") && gets.incrementAndGet() == 1) {
                Files.delete(dir.resolve("csv/staging/hera_20261122_120500.csv")); // gone while zeus is being uploaded
            }
        });
        new StagingPipeline(settings(), () -> s, stats).runOnce(NOW);
        assertEquals(2, objects().size(), objects().keySet().toString());
        assertEquals(1, stats.stagedVanished.sum());
        assertEquals(0, stats.uploadErrors.sum(), "a vanished file is not an upload failure");
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
    void theVerticleStagesAndUploadsOnItsTimerAndReportsHealth(io.vertx.core.Vertx vertx, io.vertx.junit5.VertxTestContext ctx)
            throws Exception {
        StagingSettings s = settings();
        StagingSettings fast = new StagingSettings(s.outputDir(), s.stagingDir(), s.uploadedDir(), Duration.ZERO, Duration.ofMillis(1000),
                s.retentionAge(), 0, 0, s.retryInitial(), s.retryMax(), s.maxBacklogAge(), s.firebase());
        csv("zeus_20261122_120000.csv", Duration.ofMinutes(1), "v");
        org.argus.status.SensorHealth health = new org.argus.status.SensorHealth(java.time.Clock.systemUTC());
        vertx.deployVerticle(new StagingVerticle(fast, () -> memory, stats, health, java.time.Clock.systemUTC()))
                .compose(id -> org.argus.VertxWait.until(vertx, Duration.ofSeconds(10),
                        () -> !objects().isEmpty() && health.snapshot().get("staging") != null, () -> "uploaded: " + objects().keySet()))
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    assertEquals(List.of("retina-data/pi-1/2026/11/22/zeus_20261122_120000.csv"), new ArrayList<>(objects().keySet()));
                    assertEquals("ok", health.snapshot().get("staging").state());
                    ctx.completeNow();
                })));
    }

    @Test
    void uploadsAreKeptByAgeAndBytesOldestFirstAndNothingLeavesStagingWithoutUpload() throws Exception {
        StagingSettings s = settings();
        StagingSettings budget = new StagingSettings(s.outputDir(), s.stagingDir(), s.uploadedDir(), s.minAge(), s.scanInterval(),
                Duration.ofDays(2), 25, 0, s.retryInitial(), s.retryMax(), s.maxBacklogAge(), null);
        new Stager(budget).init();
        for (int i = 0; i < 4; i++) {
            Path f = s.uploadedDir().resolve("f" + i + ".csv");
            Files.writeString(f, "0123456789"); // 10 bytes each
            Files.setLastModifiedTime(f, FileTime.from(NOW.minus(Duration.ofDays(3 - i))));
        }
        csv("zeus_20261122_120000.csv", Duration.ofDays(5), "old but never uploaded");
        StagingPipeline p = new StagingPipeline(budget, null, stats);
        p.runOnce(NOW);
        assertFalse(Files.exists(s.uploadedDir().resolve("f0.csv")), "3 days old: past 2 days");
        assertEquals(List.of("f2.csv", "f3.csv"), Stager.csvs(s.uploadedDir()).stream().map(x -> x.path().getFileName().toString()).toList(),
                "then the oldest until within 25 bytes");
        assertTrue(Files.exists(s.stagingDir().resolve("zeus_20261122_120000.csv")), "without Firebase, staged files stay staged");
        assertEquals(1, stats.stagedFiles.get());
    }

    @Test
    void aNearlyFullDiskDeletesTheOldestUploadsFirstButNeverAStagedFile() throws Exception {
        StagingSettings s = settings();
        long floor = 100;
        StagingSettings low = new StagingSettings(s.outputDir(), s.stagingDir(), s.uploadedDir(), s.minAge(), s.scanInterval(),
                Duration.ofDays(7), 0, floor, s.retryInitial(), s.retryMax(), s.maxBacklogAge(), null);
        Stager stager = new Stager(low, d -> {
            try (var files = Files.list(low.uploadedDir())) {
                return 60 + 10 * (4 - files.count()); // each upload deleted frees 10 bytes; 125 = floor + a quarter
            }
        });
        stager.init();
        for (int i = 0; i < 4; i++) {
            Path f = s.uploadedDir().resolve("f" + i + ".csv");
            Files.writeString(f, "0123456789");
            Files.setLastModifiedTime(f, FileTime.from(NOW.minus(Duration.ofHours(4 - i))));
        }
        csv("zeus_20261122_120000.csv", Duration.ofDays(1), "not uploaded");
        stager.stageReady(NOW);
        List<Path> deleted = stager.applyRetention(NOW);
        assertEquals(List.of("f0.csv", "f1.csv", "f2.csv", "f3.csv"), deleted.stream().map(p -> p.getFileName().toString()).toList(),
                "oldest first, as long as the disk stays low");
        assertTrue(Files.exists(s.stagingDir().resolve("zeus_20261122_120000.csv")), "a staged file is never deleted for space");
    }
}
