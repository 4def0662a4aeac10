package org.argus.staging;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code staging.*} and {@code firebase.*}: moving closed CSVs to {@code staging/}, uploading them, keeping
 * {@code uploaded/}.
 *
 * @param outputDir          where the CSV stage closes its files ({@code aggregation.output_dir})
 * @param stagingDir         closed CSVs older than {@code minAge} move here ({@code staging.dir}, default
 *                           {@code <output_dir>/staging})
 * @param uploadedDir        confirmed uploads move here ({@code staging.uploaded_dir}, default {@code <output_dir>/uploaded})
 * @param minAge             a closed CSV younger than this stays put ({@code staging.min_age_seconds})
 * @param scanInterval       how often the folders are looked at ({@code staging.scan_interval_seconds})
 * @param retentionAge       uploaded files older than this are deleted ({@code staging.uploaded_retention_days})
 * @param retentionBytes     and beyond this many bytes, oldest first ({@code staging.uploaded_retention_mb}; 0 = no limit)
 * @param minFreeBytes       and, oldest first, while the disk has less than this plus a quarter free
 *                           ({@code aggregation.min_free_mb}: uploaded files are safe in the bucket, new rows are not)
 * @param retryInitial       first wait after a failed upload ({@code staging.retry_initial_seconds})
 * @param retryMax           longest wait ({@code staging.retry_max_seconds})
 * @param maxBacklogAge      {@code /health} is degraded while a staged file is older than this
 *                           ({@code staging.max_backlog_age_seconds})
 * @param firebase           the upload target, or null when {@code firebase.enabled} is false (staging stays local)
 */
public record StagingSettings(Path outputDir, Path stagingDir, Path uploadedDir, Duration minAge, Duration scanInterval,
                              Duration retentionAge, long retentionBytes, long minFreeBytes, Duration retryInitial, Duration retryMax,
                              Duration maxBacklogAge, Firebase firebase) {
    /**
     * {@code firebase.*}.
     *
     * @param projectId          Firebase/GCP project
     * @param bucket             Storage bucket ({@code storage_bucket}, e.g. {@code project.appspot.com})
     * @param serviceAccountPath service-account JSON; empty: Application Default Credentials
     * @param storageHost        an emulator or other GCS-compatible endpoint ({@code storage_host}, e.g.
     *                           {@code http://127.0.0.1:9199}); empty: Google. With a host, no credentials are sent.
     * @param dataPrefix         object prefix for CSVs ({@code data_prefix}, {@code retina-data})
     * @param sensorId           this sensor's id in object names ({@code sensor_id}; empty: the host name)
     * @param modelPath          where models and their cards are fetched from ({@code model_output_path})
     * @param modelSyncInterval  how often the newest model is looked for ({@code model_sync_interval_seconds}; 0 = never)
     * @param blacklistPrefix    object prefix of the shared lists ({@code blacklist_prefix})
     * @param blacklistSyncInterval how often this sensor's list is exported and its peers' imported
     *                           ({@code blacklist_sync_interval}, seconds; 0 = never)
     * @param blacklistImportFrom sensor ids whose lists are imported ({@code blacklist_import_from}; empty = none)
     */
    public record Firebase(String projectId, String bucket, String serviceAccountPath, String storageHost, String dataPrefix,
                           String sensorId, String modelPath, java.time.Duration modelSyncInterval, String blacklistPrefix,
                           java.time.Duration blacklistSyncInterval, java.util.List<String> blacklistImportFrom) {
        public Firebase {
            blacklistImportFrom = java.util.List.copyOf(blacklistImportFrom);
        }

        /** Uploads only: no model or blacklist sync (tests, tools). */
        public Firebase(String projectId, String bucket, String serviceAccountPath, String storageHost, String dataPrefix,
                        String sensorId) {
            this(projectId, bucket, serviceAccountPath, storageHost, dataPrefix, sensorId, "models", java.time.Duration.ZERO,
                    "argus-blacklist", java.time.Duration.ZERO, java.util.List.of());
        }
    }
}
