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
 */
public record CsvSettings(Path outputDir, int maxRowsPerFile, Duration maxFileAge, int keepFiles, boolean fsync) {
}
