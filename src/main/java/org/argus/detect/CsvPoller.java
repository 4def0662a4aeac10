package org.argus.detect;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.argus.csv.CsvRotator;

/**
 * The polling mode's memory (the Aegis seed's CSV polling): which closed Retina CSV files in the folder are new, and
 * which were processed or given up on, kept in a JSON state file ({@code {"processed": {name: size}, "failed":
 * {name: error}}}) written atomically after each file, so a restart processes every file exactly once. Only closed
 * names ({@link CsvRotator#CLOSED_NAME}, and the archive's {@code .csv.gz}) are considered, never {@code .csv.part} files still being written. Entries
 * for files that left the folder (retention, staging) are dropped from the state. Blocking; not thread-safe.
 */
public final class CsvPoller {
    private final DetectionSettings.Polling settings;
    private final JsonObject processed;
    private final JsonObject failed;
    private final java.util.Map<String, Integer> errors = new java.util.HashMap<>();

    /**
     * Loads the state file (a missing one is an empty state).
     *
     * @throws IOException when the state file exists but cannot be read or parsed
     */
    public CsvPoller(DetectionSettings.Polling settings) throws IOException {
        this.settings = settings;
        JsonObject state = new JsonObject();
        try {
            state = new JsonObject(Files.readString(settings.stateFile(), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            // first run
        } catch (RuntimeException e) {
            throw new IOException(settings.stateFile() + ": not a polling state file: " + e.getMessage(), e);
        }
        processed = state.getJsonObject("processed", new JsonObject());
        failed = state.getJsonObject("failed", new JsonObject());
    }

    /** Closed CSV files not yet processed or given up on, oldest name first, at most {@code polling.batch_size}. */
    public List<Path> pending() throws IOException {
        Path dir = settings.csvDirectory();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> CsvRotator.CLOSED_NAME.matcher(p.getFileName().toString()).matches()
                            || org.argus.csv.CsvFiles.ARCHIVED_NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(CsvPoller::modified).thenComparing(p -> p.getFileName().toString()))
                    .toList();
        }
        Set<String> present = new HashSet<>();
        all.forEach(p -> present.add(p.getFileName().toString()));
        boolean pruned = processed.fieldNames().removeIf(n -> !present.contains(n))
                | failed.fieldNames().removeIf(n -> !present.contains(n));
        if (pruned) {
            save();
        }
        List<Path> out = new ArrayList<>();
        for (Path p : all) {
            String n = p.getFileName().toString();
            if (!processed.containsKey(n) && !failed.containsKey(n)) {
                out.add(p);
                if (out.size() == settings.batchSize()) {
                    break;
                }
            }
        }
        return out;
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Records a file as processed and saves the state. */
    public void done(Path file) throws IOException {
        String n = file.getFileName().toString();
        processed.put(n, Files.exists(file) ? Files.size(file) : -1);
        errors.remove(n);
        save();
    }

    /**
     * Records a failed attempt.
     *
     * @return true when the file is now given up on ({@code polling.max_poll_errors} failures in a row)
     */
    public boolean failed(Path file, String error) throws IOException {
        String n = file.getFileName().toString();
        int count = errors.merge(n, 1, Integer::sum);
        if (count >= settings.maxErrors()) {
            failed.put(n, error);
            errors.remove(n);
            save();
            return true;
        }
        return false;
    }

    /** Whether a file name is recorded as processed. */
    public boolean isProcessed(String name) {
        return processed.containsKey(name);
    }

    private void save() throws IOException {
        Path f = settings.stateFile();
        if (f.toAbsolutePath().getParent() != null) {
            Files.createDirectories(f.toAbsolutePath().getParent());
        }
        Path tmp = f.resolveSibling(f.getFileName() + ".part");
        Files.writeString(tmp, new JsonObject().put("processed", processed).put("failed", failed).encodePrettily(),
                StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
