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
 */
public record CsvSettings(Path outputDir, int maxRowsPerFile, Duration maxFileAge, int keepFiles, boolean fsync,
                          long minFreeBytes) {
    /** Settings without a free-space floor (tests, tools). */
    public CsvSettings(Path outputDir, int maxRowsPerFile, Duration maxFileAge, int keepFiles, boolean fsync) {
        this(outputDir, maxRowsPerFile, maxFileAge, keepFiles, fsync, 0);
    }
}
