package org.argus.detect;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.argus.csv.CsvFiles;
import org.argus.csv.CsvRotator;

/**
 * The baseline store: flows an operator said were normal (a false positive), kept as Retina CSV files
 * ({@code fp-<decision-id>.csv}) in {@code <model.model_local_path>/baseline}, which the next {@code train} and the
 * next learning period read beside their own input. A false positive's flows are the rows of the decision's window
 * with the decision's address (its pseudonym, as the CSVs carry it) at either end, copied verbatim from the CSV files
 * the sensor wrote (its output folder, staging, uploaded and archive folders; {@code .csv} or {@code .csv.gz}).
 * Plain and blocking.
 */
public final class Baseline {
    /** File name prefix of a false positive's rows. */
    public static final String PREFIX = "fp-";
    private static final Pattern NAME_TIME = Pattern.compile("_(\\d{8}_\\d{6})(_\\d+)?\\.csv(\\.gz)?$");
    private static final DateTimeFormatter NAME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    /** CSV files that started this long before a window may still hold it (a file's age is bounded by rotation). */
    private static final Duration LOOK_BACK = Duration.ofDays(2);

    private Baseline() {
    }

    /**
     * Copies the rows of the window starting at {@code windowStart} whose source or destination pseudonym is
     * {@code pseudonym} from the CSV files under {@code csvDirs} into {@code <dir>/fp-<decisionId>.csv} (written to
     * {@code .part}, then renamed). Files whose name says they started after the window, or more than two days before
     * it, are not read. Nothing is written when no row matches.
     *
     * @return rows copied
     * @throws IOException when the baseline file cannot be written (unreadable CSV files are skipped)
     */
    public static int addFalsePositive(Path dir, List<Path> csvDirs, String decisionId, Instant windowStart, String pseudonym)
            throws IOException {
        if (!Decision.ID.matcher(decisionId).matches()) {
            throw new IllegalArgumentException("not a decision id: " + decisionId);
        }
        String start = windowStart.toString();
        List<String> rows = new ArrayList<>();
        for (Path csv : candidates(csvDirs, windowStart)) {
            try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(CsvFiles.open(csv), StandardCharsets.UTF_8))) {
                String header = r.readLine();
                if (header == null || !header.strip().equals(CsvRotator.HEADER)) {
                    continue;
                }
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(",", -1);
                    if (f.length == 18 && f[1].equals(start) && (f[9].equals(pseudonym) || f[10].equals(pseudonym))) {
                        rows.add(line);
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file moved on (staged, uploaded, archived) while we looked: the search covers where it went
            }
        }
        rows = rows.stream().distinct().toList(); // a file seen in two folders while it moved
        if (rows.isEmpty()) {
            return 0;
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(PREFIX + decisionId + ".csv"), part = dir.resolve(PREFIX + decisionId + ".csv.part");
        try (BufferedWriter w = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            w.write(CsvRotator.HEADER);
            w.write('\n');
            for (String row : rows) {
                w.write(row);
                w.write('\n');
            }
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return rows.size();
    }

    /** The baseline files in {@code dir} ({@code fp-*.csv}), sorted; empty when there is no such folder. */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(".csv");
            }).sorted().toList();
        }
    }

    /**
     * Feature rows of every baseline file in {@code dir} ({@link WindowAnalysis} over each file's windows).
     *
     * @return files read (an unreadable one is skipped and named to {@code onError})
     */
    public static int rows(Path dir, FeatureSet set, Consumer<double[]> sink, Consumer<String> onError) throws IOException {
        int n = 0;
        for (Path f : files(dir)) {
            try {
                for (RetinaCsv.Window w : RetinaCsv.read(f)) {
                    new WindowAnalysis(w.startNanos(), w.seconds(), w.flows()).rows(set, sink);
                }
                n++;
            } catch (IOException e) {
                onError.accept(e.getMessage());
            }
        }
        return n;
    }

    private static List<Path> candidates(List<Path> dirs, Instant windowStart) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            if (d == null || !Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d, 4)) {
                s.filter(Files::isRegularFile).filter(p -> CsvFiles.isCsv(p.getFileName().toString()))
                        .filter(p -> !p.getFileName().toString().startsWith(PREFIX))
                        .filter(p -> {
                            Matcher m = NAME_TIME.matcher(p.getFileName().toString());
                            if (!m.find()) {
                                return true; // a name we did not make: read it
                            }
                            Instant t = LocalDateTime.parse(m.group(1), NAME_FORMAT).toInstant(ZoneOffset.UTC);
                            return !t.isAfter(windowStart) && !t.isBefore(windowStart.minus(LOOK_BACK));
                        }).forEach(out::add);
            } catch (java.io.UncheckedIOException e) {
                // a folder changed under the walk: what was found is used
            }
        }
        return out.stream().distinct().toList();
    }
}
