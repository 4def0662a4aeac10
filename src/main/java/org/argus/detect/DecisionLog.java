package org.argus.detect;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Appends decisions as JSON lines to {@code decisions-<yyyyMMdd>.jsonl} (UTC day of the window start) in the output
 * folder, next to the CSVs. One write (and, when configured, one fsync) per window; a line is never split across
 * writes, so a crash loses at most the window being written. Not thread-safe: one owner thread.
 */
public final class DecisionLog implements Closeable {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final boolean fsync;
    private String openDay;
    private FileChannel channel;

    /**
     * @param dir   output folder (created when missing)
     * @param fsync force each window's lines to disk
     */
    public DecisionLog(Path dir, boolean fsync) {
        this.dir = dir;
        this.fsync = fsync;
    }

    /** The file a decision goes to. */
    public Path fileFor(Decision d) {
        return dir.resolve("decisions-" + DAY.format(Instant.ofEpochSecond(Math.floorDiv(d.windowStartNanos(), 1_000_000_000L))) + ".jsonl");
    }

    /**
     * Appends one window's decisions.
     *
     * @throws IOException when the folder or file cannot be written
     */
    public void write(List<Decision> decisions) throws IOException {
        if (decisions.isEmpty()) {
            return;
        }
        Path file = fileFor(decisions.get(0));
        String day = file.getFileName().toString();
        if (!day.equals(openDay)) {
            closeChannel();
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            openDay = day;
        }
        StringBuilder sb = new StringBuilder();
        for (Decision d : decisions) {
            sb.append(d.toJson().encode()).append('\n');
        }
        ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        if (fsync) {
            channel.force(false);
        }
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
            openDay = null;
        }
    }

    /**
     * The address (as written) of the decision with this id, searched in the newest {@code maxFiles}
     * {@code decisions-*.jsonl} files of {@code dir}, newest first; null when none holds it. Blocking.
     *
     * @throws IOException when the folder cannot be listed (an unreadable file is skipped)
     */
    public static String find(Path dir, String id, int maxFiles) throws IOException {
        io.vertx.core.json.JsonObject line = findLine(dir, id, maxFiles);
        return line == null ? null : line.getString("address");
    }

    /**
     * The line ({@link Decision#toJson}) of the decision with this id, searched as {@link #find} does; null when none
     * holds it. Blocking.
     *
     * @throws IOException when the folder cannot be listed
     */
    public static io.vertx.core.json.JsonObject findLine(Path dir, String id, int maxFiles) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir) || !Decision.ID.matcher(id).matches()) {
            return null;
        }
        List<Path> files;
        try (var s = java.nio.file.Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("decisions-\\d{8}\\.jsonl"))
                    .sorted(java.util.Comparator.reverseOrder()).limit(maxFiles).toList();
        }
        String needle = "\"id\":\"" + id + "\"";
        for (Path f : files) {
            try (var lines = java.nio.file.Files.lines(f)) {
                String hit = lines.filter(l -> l.contains(needle)).findFirst().orElse(null);
                if (hit != null) {
                    return new io.vertx.core.json.JsonObject(hit);
                }
            } catch (IOException | java.io.UncheckedIOException | io.vertx.core.json.DecodeException e) {
                // a file being rotated or cut short: the others may hold it
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
