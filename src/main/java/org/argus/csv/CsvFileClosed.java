package org.argus.csv;

import java.nio.file.Path;

/**
 * A CSV file that was closed under its final name: what {@code argus.csv.closed} carries. Immutable.
 *
 * @param path           the closed file
 * @param rows           data rows in it (header excluded)
 * @param firstWindowNanos start of the first window in it, ns since the epoch (0 when unknown, e.g. recovered)
 * @param recovered      true when it was a temporary file left by a crash and recovered at start
 */
public record CsvFileClosed(Path path, long rows, long firstWindowNanos, boolean recovered) {
}
