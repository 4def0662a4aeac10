package org.argus.staging;

import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of staging, upload and retention (blocking; call from one thread, e.g. the staging worker): stage ready
 * CSVs; unless backing off, upload staged files oldest first, moving each to {@code uploaded/} only after the upload
 * is confirmed; delete old uploads by retention. A failed upload stops the pass and waits
 * {@code retry_initial · 2^(failures−1)}, at most {@code retry_max}, times a random 0.5–1 (jitter, so sensors that lost
 * the network together do not retry together). Nothing is deleted from {@code staging/} before a confirmed upload.
 */
public final class StagingPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(StagingPipeline.class);

    /** Opens the storage client (may fail: it is retried with the same backoff). */
    public interface StorageSource {
        Storage open() throws IOException;
    }

    private final StagingSettings settings;
    private final Stager stager;
    private final StorageSource source;
    private final StagingStats stats;
    private final Archive archive;
    private final Archive.Settings archiveSettings;
    private Instant lastPrune;
    private Uploader uploader;
    private int failures;
    private Instant nextAttempt = Instant.MIN;

    /**
     * @param source null when uploads are off ({@code firebase.enabled: false})
     */
    public StagingPipeline(StagingSettings settings, StorageSource source, StagingStats stats) throws IOException {
        this(settings, source, stats, Archive.Settings.off());
    }

    /**
     * With an archive: uploaded files (uploads on), or staged files older than {@code archive.minStaged()} (uploads
     * off), are compressed into it each pass, and its retention applied. A file that was not uploaded is never
     * archived while uploads are on, so the archive's retention never deletes one.
     */
    public StagingPipeline(StagingSettings settings, StorageSource source, StagingStats stats, Archive.Settings archive) throws IOException {
        this.settings = settings;
        this.stager = new Stager(settings);
        this.source = source;
        this.stats = stats;
        this.archiveSettings = archive;
        this.archive = archive.enabled() ? new Archive(archive) : null;
        stager.init();
        if (this.archive != null) {
            this.archive.init();
        }
    }

    /** Runs one pass at {@code now}. */
    public void runOnce(Instant now) throws IOException {
        for (Path p : stager.stageReady(now)) {
            stats.stagedFilesTotal.increment();
            LOG.debug("event=staged file={}", p.getFileName());
        }
        if (source != null && !now.isBefore(nextAttempt)) {
            uploadStaged(now);
        }
        if (archive != null) {
            archiveAndPrune(now);
        }
        for (Path p : stager.applyRetention(now)) {
            stats.uploadedRetentionDeleted.increment();
            LOG.info("event=uploaded_retention_delete file={}", p.getFileName());
        }
        List<Stager.FileInfo> backlog = Stager.csvs(settings.stagingDir());
        stats.stagedFiles.set(backlog.size());
        stats.stagedBytes.set(backlog.stream().mapToLong(Stager.FileInfo::bytes).sum());
        stats.oldestStagedEpochMillis.set(backlog.isEmpty() ? 0 : backlog.get(0).modified().toEpochMilli());
    }

    private void uploadStaged(Instant now) throws IOException {
        for (Stager.FileInfo f : Stager.csvs(settings.stagingDir())) {
            try {
                if (uploader == null) {
                    StagingSettings.Firebase fb = settings.firebase();
                    uploader = new Uploader(source.open(), fb.bucket(), fb.dataPrefix() + "/" + fb.sensorId());
                }
                Uploader.Outcome o = uploader.upload(f.path(), f.modified());
                Stager.move(f.path(), settings.uploadedDir().resolve(f.path().getFileName()));
                stats.uploadedFiles.increment();
                stats.uploadedBytes.add(f.bytes());
                failures = 0;
                stats.uploadLastError.set(null);
                LOG.info("event=uploaded file={} bytes={} object={} outcome={}", f.path().getFileName(), f.bytes(),
                        uploader.objectName(f.path(), f.modified()), o.name().toLowerCase());
            } catch (NoSuchFileException gone) {
                stats.stagedVanished.increment();
                LOG.warn("event=staged_file_vanished file={}", f.path().getFileName());
            } catch (IOException | RuntimeException e) {
                failures++;
                stats.uploadErrors.increment();
                long base = settings.retryInitial().toMillis() << Math.min(failures - 1, 30);
                long wait = (long) (Math.min(base, settings.retryMax().toMillis()) * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
                nextAttempt = now.plus(Duration.ofMillis(wait));
                String msg = f.path().getFileName() + ": " + e.getMessage();
                stats.uploadLastError.set(msg);
                stats.uploadNextAttemptEpochMillis.set(nextAttempt.toEpochMilli());
                LOG.warn("event=upload_failed file={} failures={} retry_in_ms={} reason=\"{}\"", f.path().getFileName(), failures, wait, LogText.escape(e.getMessage()));
                if (e instanceof RuntimeException) {
                    uploader = null; // a broken client is built again next time
                }
                return;
            }
        }
    }

    private void archiveAndPrune(Instant now) {
        try {
            boolean uploads = source != null;
            List<Path> archived = archive.archiveFrom(uploads ? settings.uploadedDir() : settings.stagingDir(), now,
                    uploads ? Duration.ZERO : archiveSettings.minStaged());
            for (Path p : archived) {
                stats.archivedFiles.increment();
                LOG.debug("event=archived file={}", p);
            }
            // retention walks the whole archive (tens of thousands of files after 90 days): only when it grew, or hourly
            if (archived.isEmpty() && lastPrune != null && now.isBefore(lastPrune.plus(Duration.ofHours(1)))) {
                return;
            }
            lastPrune = now;
            Archive.Pruned pruned = archive.prune(now);
            for (Path p : pruned.deleted()) {
                stats.archiveDeleted.increment();
                LOG.info("event=archive_retention_delete file={}", p);
            }
            stats.archiveFiles.set(pruned.files());
            stats.archiveBytes.set(pruned.bytes());
        } catch (IOException | RuntimeException e) {
            stats.archiveErrors.increment();
            stats.archiveLastError.set(e.toString());
            LOG.warn("event=archive_failed reason=\"{}\"", LogText.escape(e.toString()));
        }
    }

    /** The moment the next upload may be tried (for tests and status). */
    public Instant nextAttempt() {
        return nextAttempt;
    }
}
