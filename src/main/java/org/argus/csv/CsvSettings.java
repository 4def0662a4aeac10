package org.argus.csv;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the CSV stage needs from the configuration ({@code aggregation.*}).
 *
 * @param outputDir      folder for the CSV files
 * @param maxRowsPerFile a file is closed once it holds this many data rows
 * @param maxFileAge     a file is closed before writing a window that starts this long (packet time) after its first
 * @param keepFiles      most closed CSV files kept in {@code outputDir}, oldest removed first; 0 keeps all
 * @param fsync          force each window's rows to the device before going on (crash safety on SD cards)
 * @param minFreeBytes   CSV writing pauses (the open file is closed cleanly) while the output folder's file system has
 *                       less than this many usable bytes ({@code aggregation.min_free_mb}); 0 never pauses
 * @param rotationInterval also close a file before a window in another wall-clock interval than its first
 *                       ({@code aggregation.rotation_interval}: 1h, 6h, 12h or 1d from UTC midnight, 1w from Monday
 *                       00:00 UTC; packet time); {@link Duration#ZERO}: no such rotation
 */
public record CsvSettings(Path outputDir, int maxRowsPerFile, Duration maxFileAge, int keepFiles, boolean fsync,
                          long minFreeBytes, Duration rotationInterval) {
    /** Settings without wall-clock rotation. */
    public CsvSettings(Path outputDir, int maxRowsPerFile, Duration maxFileAge, int keepFiles, boolean fsync, long minFreeBytes) {
        this(outputDir, maxRowsPerFile, maxFileAge, keepFiles, fsync, minFreeBytes, Duration.ZERO);
    }

    /**
     * The wall-clock interval a packet time falls in (comparable only with the same settings): hours and days count
     * from the epoch (UTC midnights), weeks from Monday 00:00 UTC.
     */
    public long rotationBucket(long nanos) {
        long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        long length = rotationInterval.getSeconds();
        if (length == 7 * 86_400L) {
            return Math.floorDiv(Math.floorDiv(seconds, 86_400L) - 4, 7); // 1970-01-05 was a Monday
        }
        return Math.floorDiv(seconds, length);
    }

    /** Settings without a free-space floor (tests, tools). */
    public CsvSettings(Path outputDir, int maxRowsPerFile, Duration maxFileAge, int keepFiles, boolean fsync) {
        this(outputDir, maxRowsPerFile, maxFileAge, keepFiles, fsync, 0);
    }
}
