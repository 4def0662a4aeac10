package org.argus.staging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.argus.csv.CsvRotator;

/**
 * The compressed CSV archive: {@code <dir>/YYYY/MM/DD/<name>.csv.gz} (the day is the UTC date in the file's name,
 * {@code <god>_<yyyyMMdd>_<HHmmss>.csv}, else its modification time), gzip through the JDK's {@code java.util.zip}.
 * A file is compressed to {@code .part}, forced to disk, renamed, and only then is its source deleted: a crash
 * (kill -9) leaves the source whole and at most a {@code .part}, which the next pass deletes, or a whole archive
 * beside a source that is compressed again over it. Retention by age ({@code retention}, by the day in the path) and by
 * total size ({@code maxBytes}, oldest first). Blocking; one owner thread (the staging worker) or the CLI.
 */
public final class Archive {
    private static final Pattern DAY_IN_NAME = Pattern.compile("_(\\d{8})_\\d{6}");
    private static final DateTimeFormatter YMD = DateTimeFormatter.ofPattern("yyyyMMdd");

    /**
     * {@code archive.*}.
     *
     * @param enabled   archive closed CSVs (else uploads stay in {@code uploaded/} under its retention)
     * @param dir       the archive's root ({@code archive.dir}, default {@code <output_dir>/archive})
     * @param retention archives of days older than this are deleted ({@code archive.retention_days})
     * @param maxBytes  and beyond this total, oldest first ({@code archive.max_mb}; 0 = no limit)
     * @param minStaged without uploads, a staged file is archived once it is this old ({@code archive.min_staged_seconds})
     */
    public record Settings(boolean enabled, Path dir, Duration retention, long maxBytes, Duration minStaged) {
        /** No archive. */
        public static Settings off() {
            return new Settings(false, Path.of("archive"), Duration.ofDays(90), 0, Duration.ofMinutes(5));
        }
    }

    /** What a prune deleted, and the files and bytes left. */
    public record Pruned(List<Path> deleted, long files, long bytes) {
    }

    /** One archived file: its path, UTC day, size in bytes. */
    public record Entry(Path file, LocalDate day, long bytes) {
    }

    /** What {@link #verify} found: rows (header excluded), or the problem naming the file and line. */
    public record Check(Path file, long rows, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    private final Settings settings;

    public Archive(Settings settings) {
        this.settings = settings;
    }

    /** Deletes {@code .part} files a crash left behind (their sources are still where they were). */
    public void init() throws IOException {
        Files.createDirectories(settings.dir());
        try (Stream<Path> s = Files.walk(settings.dir())) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Archives every closed CSV in {@code folder} last modified at least {@code minAge} before {@code now}, oldest
     * first.
     *
     * @return the archives written
     */
    public List<Path> archiveFrom(Path folder, Instant now, Duration minAge) throws IOException {
        List<Path> done = new ArrayList<>();
        for (Stager.FileInfo f : Stager.csvs(folder)) {
            if (f.modified().plus(minAge).isAfter(now)) {
                continue;
            }
            done.add(archive(f.path(), f.modified()));
        }
        return done;
    }

    /** Compresses one file into the archive, then deletes it. */
    public Path archive(Path csv, Instant modified) throws IOException {
        String name = csv.getFileName().toString();
        LocalDate day = dayOf(name, modified);
        Path target = settings.dir().resolve(String.format("%04d/%02d/%02d", day.getYear(), day.getMonthValue(), day.getDayOfMonth()))
                .resolve(name + ".gz");
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try (InputStream in = Files.newInputStream(csv);
             FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(ch);
            GZIPOutputStream gz = new GZIPOutputStream(raw, 65_536);
            in.transferTo(gz);
            gz.finish();
            gz.flush();
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(csv);
        return target;
    }

    /** Every archive, oldest day first (then by name). */
    public List<Entry> list() throws IOException {
        if (!Files.isDirectory(settings.dir())) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(settings.dir())) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".csv.gz")).toList()) {
                Path rel = settings.dir().relativize(p);
                LocalDate day;
                if (rel.getNameCount() == 4) {
                    try {
                        day = LocalDate.of(Integer.parseInt(rel.getName(0).toString()), Integer.parseInt(rel.getName(1).toString()),
                                Integer.parseInt(rel.getName(2).toString()));
                    } catch (RuntimeException notADate) {
                        day = dayOf(p.getFileName().toString(), Files.getLastModifiedTime(p).toInstant());
                    }
                } else {
                    day = dayOf(p.getFileName().toString(), Files.getLastModifiedTime(p).toInstant());
                }
                out.add(new Entry(p, day, Files.size(p)));
            }
        }
        out.sort(Comparator.comparing(Entry::day).thenComparing(e -> e.file().getFileName().toString()));
        return out;
    }

    /**
     * Applies retention at {@code now}: archives of days before {@code now − retention} go, then the oldest while the
     * total passes {@code maxBytes}; emptied day/month/year folders go too.
     *
     * @return the files deleted and what is left (one walk of the archive)
     */
    public Pruned prune(Instant now) throws IOException {
        LocalDate oldestKept = LocalDate.ofInstant(now.minus(settings.retention()), ZoneOffset.UTC);
        List<Entry> all = list();
        long total = all.stream().mapToLong(Entry::bytes).sum();
        List<Path> deleted = new ArrayList<>();
        for (Entry e : all) {
            if (e.day().isBefore(oldestKept) || (settings.maxBytes() > 0 && total > settings.maxBytes())) {
                Files.deleteIfExists(e.file());
                total -= e.bytes();
                deleted.add(e.file());
                removeEmptyParents(e.file().getParent());
            }
        }
        return new Pruned(deleted, all.size() - deleted.size(), total);
    }

    /**
     * Checks one archive: it decompresses to the end, starts with the CSV header, and every row has the 18 columns
     * (a torn last row is a problem).
     */
    public static Check verify(Path file) {
        long rows = 0;
        long line = 1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(org.argus.csv.CsvFiles.open(file), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null || !header.equals(CsvRotator.HEADER)) {
                return new Check(file, 0, file + ": line 1 is not the CSV header");
            }
            String s;
            while ((s = r.readLine()) != null) {
                line++;
                int columns = s.split(",", -1).length;
                if (columns != 18) {
                    return new Check(file, rows, file + ": line " + line + " has " + columns + " columns, expected 18");
                }
                rows++;
            }
            return new Check(file, rows, null);
        } catch (IOException e) {
            return new Check(file, rows, file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + " after line " + line);
        }
    }

    static LocalDate dayOf(String name, Instant modified) {
        Matcher m = DAY_IN_NAME.matcher(name);
        if (m.find()) {
            try {
                return LocalDate.parse(m.group(1), YMD);
            } catch (RuntimeException notADate) {
                // fall through to the time of the file
            }
        }
        return LocalDate.ofInstant(modified, ZoneOffset.UTC);
    }

    private void removeEmptyParents(Path dir) throws IOException {
        Path root = settings.dir().toAbsolutePath().normalize();
        Path d = dir.toAbsolutePath().normalize();
        while (d != null && d.startsWith(root) && !d.equals(root)) {
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isPresent()) {
                    return;
                }
            }
            Files.deleteIfExists(d);
            d = d.getParent();
        }
    }
}
