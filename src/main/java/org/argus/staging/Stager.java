package org.argus.staging;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.argus.csv.FreeSpace;

/**
 * The local half of staging (blocking; one thread): closed CSVs ({@code *.csv}, never {@code *.csv.part}) older than
 * the minimum age move from the output folder to {@code staging/}; files in {@code uploaded/} beyond the retention
 * age or byte budget are deleted, oldest first. Moves are renames within one file system (atomic), so a crash leaves a
 * file in exactly one place.
 */
public final class Stager {
    /** A file and its size and modification time. */
    public record FileInfo(Path path, long bytes, Instant modified) {
    }

    private final StagingSettings settings;
    private final FreeSpace freeSpace;

    public Stager(StagingSettings settings) {
        this(settings, FreeSpace.DISK);
    }

    /** @param freeSpace how free space is measured (the real disk outside tests) */
    public Stager(StagingSettings settings, FreeSpace freeSpace) {
        this.settings = settings;
        this.freeSpace = freeSpace;
    }

    /** Creates the folders. */
    public void init() throws IOException {
        Files.createDirectories(settings.stagingDir());
        Files.createDirectories(settings.uploadedDir());
    }

    /**
     * Moves ready CSVs into {@code staging/}.
     *
     * @return the staged files
     */
    public List<Path> stageReady(Instant now) throws IOException {
        List<Path> moved = new ArrayList<>();
        for (FileInfo f : csvs(settings.outputDir())) {
            if (f.modified().plus(settings.minAge()).isAfter(now)) {
                continue;
            }
            Path target = settings.stagingDir().resolve(f.path().getFileName());
            try {
                move(f.path(), target);
                moved.add(target);
            } catch (NoSuchFileException gone) {
                // removed by retention or an operator meanwhile
            }
        }
        return moved;
    }

    /** Moves a file within the file system, atomically when the file system allows. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** {@code *.csv} files in a folder, oldest first (by modification time, then name). */
    public static List<FileInfo> csvs(Path dir) throws IOException {
        List<FileInfo> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.csv")) {
            for (Path p : s) {
                try {
                    if (Files.isRegularFile(p)) {
                        out.add(new FileInfo(p, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
                    }
                } catch (NoSuchFileException gone) {
                    // vanished between listing and stat
                }
            }
        }
        out.sort(Comparator.comparing(FileInfo::modified).thenComparing(f -> f.path().getFileName().toString()));
        return out;
    }

    /**
     * Applies retention to {@code uploaded/}: oldest first, files past the age limit, beyond the byte budget, or
     * while the disk is below the free-space floor plus a quarter.
     *
     * @return the files deleted
     */
    public List<Path> applyRetention(Instant now) throws IOException {
        List<FileInfo> files = csvs(settings.uploadedDir());
        long total = files.stream().mapToLong(FileInfo::bytes).sum();
        List<Path> deleted = new ArrayList<>();
        for (FileInfo f : files) {
            boolean tooOld = f.modified().plus(settings.retentionAge()).isBefore(now);
            boolean overBudget = settings.retentionBytes() > 0 && total > settings.retentionBytes();
            long floor = settings.minFreeBytes();
            boolean diskLow = floor > 0 && freeSpace.usableBytes(settings.uploadedDir()) < floor + floor / 4;
            if (!tooOld && !overBudget && !diskLow) {
                break;
            }
            if (Files.deleteIfExists(f.path())) {
                deleted.add(f.path());
            }
            total -= f.bytes();
        }
        return deleted;
    }
}
