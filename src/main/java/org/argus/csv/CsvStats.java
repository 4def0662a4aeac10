package org.argus.csv;

import java.util.concurrent.atomic.LongAdder;

/**
 * The CSV stage's counters: rows and files written, files removed by retention, write failures, and what was not
 * written while the disk was nearly full. Thread-safe.
 */
public final class CsvStats {
    /** CSV data rows written. */
    public final LongAdder csvRows = new LongAdder();
    /** CSV files closed under their final name. */
    public final LongAdder csvFiles = new LongAdder();
    /** CSV files removed by retention ({@code file_rotation_count}). */
    public final LongAdder csvFilesRemoved = new LongAdder();
    /** CSV write failures (each a window whose rows may be missing). */
    public final LongAdder csvErrors = new LongAdder();
    /** Windows not written to CSV because the disk was nearly full ({@code aggregation.min_free_mb}). */
    public final LongAdder csvWindowsNotWritten = new LongAdder();
    /** Rows (flows) of those windows. */
    public final LongAdder csvRowsNotWritten = new LongAdder();
}
