package org.argus.staging;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The staging stage's counters: files staged and uploaded, upload errors and backoff, retention, model downloads and
 * the Firebase blacklist sync. Written on the staging worker, read by {@code /status}, {@code /metrics}, the health
 * monitor. Thread-safe.
 */
public final class StagingStats {
    /** Files moved into {@code staging/} since start. */
    public final LongAdder stagedFilesTotal = new LongAdder();
    /** Files waiting in {@code staging/} now. */
    public final AtomicLong stagedFiles = new AtomicLong();
    /** Their bytes. */
    public final AtomicLong stagedBytes = new AtomicLong();
    /** Modification time of the oldest staged file, epoch ms (0: none). */
    public final AtomicLong oldestStagedEpochMillis = new AtomicLong();
    /** Files uploaded and confirmed. */
    public final LongAdder uploadedFiles = new LongAdder();
    /** Their bytes. */
    public final LongAdder uploadedBytes = new LongAdder();
    /** Failed upload attempts. */
    public final LongAdder uploadErrors = new LongAdder();
    /** Staged files that disappeared before they could be uploaded. */
    public final LongAdder stagedVanished = new LongAdder();
    /** Uploaded files deleted by retention. */
    public final LongAdder uploadedRetentionDeleted = new LongAdder();
    /** The last upload error since the last success, or null. */
    public final AtomicReference<String> uploadLastError = new AtomicReference<>();
    /** When the next upload will be tried after a failure, epoch ms. */
    public final AtomicLong uploadNextAttemptEpochMillis = new AtomicLong();
    /** Models downloaded from {@code firebase.model_output_path} and verified. */
    public final LongAdder modelDownloads = new LongAdder();
    /** The version last downloaded, or null. */
    public final AtomicReference<String> modelLastDownloaded = new AtomicReference<>();
    /** The last model sync error since the last success, or null. */
    public final AtomicReference<String> modelSyncLastError = new AtomicReference<>();
    /** This sensor's list written to Storage. */
    public final LongAdder blacklistExports = new LongAdder();
    /** When it was last written, epoch ms (0: never). */
    public final AtomicLong blacklistLastExportEpochMillis = new AtomicLong();
    /** Peer bans applied (new or renewed) from imported lists. */
    public final LongAdder blacklistImported = new LongAdder();
    /** Peer bans refused here (allowlist, bad entry) or whole lists refused (anonymized). */
    public final LongAdder blacklistImportRefused = new LongAdder();
    /** Peer bans withdrawn because the peer no longer lists them. */
    public final LongAdder blacklistImportRemoved = new LongAdder();
    /** The last blacklist sync problem since the last clean round, or null. */
    public final AtomicReference<String> blacklistSyncLastError = new AtomicReference<>();
    /** CSVs compressed into the archive. */
    public final LongAdder archivedFiles = new LongAdder();
    /** Archives deleted by retention (age or size). */
    public final LongAdder archiveDeleted = new LongAdder();
    /** Archive passes that failed (the files stay where they were). */
    public final LongAdder archiveErrors = new LongAdder();
    /** Files and bytes in the archive now (-1 while it is off). */
    public final AtomicLong archiveFiles = new AtomicLong(-1);
    public final AtomicLong archiveBytes = new AtomicLong(-1);
    public final AtomicReference<String> archiveLastError = new AtomicReference<>();
}
