package org.argus.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** Reading the sensor's CSV files whether plain ({@code .csv}) or archived ({@code .csv.gz}). */
public final class CsvFiles {
    /** An archived CSV's name: a closed file's name ({@link CsvRotator#CLOSED_NAME}) plus {@code .gz}. */
    public static final Pattern ARCHIVED_NAME = Pattern.compile("[a-z]+_\\d{8}_\\d{6}(_\\d+)?\\.csv\\.gz");

    private CsvFiles() {
    }

    /** Whether a file name is a CSV this project reads: {@code .csv} or {@code .csv.gz} (any case). */
    public static boolean isCsv(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".csv.gz");
    }

    /**
     * The file's text as bytes: gzip is decompressed when the name ends in {@code .gz}.
     *
     * @throws IOException when it cannot be opened or its gzip header is not one
     */
    public static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(in, 65_536) : in;
        } catch (IOException e) {
            in.close();
            throw new IOException(file + ": not a gzip file (" + e.getMessage() + ")", e);
        }
    }
}
