package org.argus.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The export's on-disk queue: batches the server has not taken yet, one file each, named
 * {@code <sequence, 16 digits>-<lines>.lp.gz} and holding exactly the gzip request body, so a batch is sent as it lies
 * and the order survives restarts. A file is written under {@code .part} and renamed, so a crash leaves whole batches
 * only ({@code .part} leftovers are deleted at open). Bounded in bytes: a batch that would pass the bound is refused
 * (the caller counts its points as dropped); nothing already queued is ever dropped to make room. Not thread-safe: one
 * owner thread.
 */
public final class InfluxQueue {
    private static final Pattern NAME = Pattern.compile("(\\d{16})-(\\d+)\\.lp\\.gz");

    /** One queued batch: its file, gzip size in bytes and number of lines. */
    public record Batch(Path file, long bytes, int lines) {
    }

    private final Path dir;
    private final long maxBytes;
    private final List<Batch> batches = new ArrayList<>();
    private long bytes;
    private long next;

    /**
     * Opens (creating) the folder and reads what an earlier run left, oldest first.
     *
     * @throws IOException when the folder cannot be created or read
     */
    public InfluxQueue(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
            String name = f.getFileName().toString();
            Matcher m = NAME.matcher(name);
            if (m.matches()) {
                long size = Files.size(f);
                batches.add(new Batch(f, size, Integer.parseInt(m.group(2))));
                bytes += size;
                next = Math.max(next, Long.parseLong(m.group(1)) + 1);
            } else if (name.endsWith(".part")) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Queues one batch behind the others.
     *
     * @param gzipBody the request body, gzip-compressed line protocol
     * @return false when the bound would be passed (nothing written)
     * @throws IOException when the file cannot be written (disk full: nothing is left behind)
     */
    public boolean offer(byte[] gzipBody, int lines) throws IOException {
        if (bytes + gzipBody.length > maxBytes) {
            return false;
        }
        Path file = dir.resolve(String.format("%016d-%d.lp.gz", next, lines));
        Path part = dir.resolve(file.getFileName() + ".part");
        try {
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE); OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
                os.write(gzipBody);
                ch.force(true);
            }
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        next++;
        batches.add(new Batch(file, gzipBody.length, lines));
        bytes += gzipBody.length;
        return true;
    }

    /** The oldest batch, or null when empty. */
    public Batch oldest() {
        return batches.isEmpty() ? null : batches.get(0);
    }

    /** The body of a batch as queued. */
    public byte[] read(Batch b) throws IOException {
        return Files.readAllBytes(b.file());
    }

    /** Removes the oldest batch (sent, or refused by the server for good). */
    public void removeOldest() throws IOException {
        Batch b = batches.remove(0);
        bytes -= b.bytes();
        Files.deleteIfExists(b.file());
    }

    /** Queued batches. */
    public int size() {
        return batches.size();
    }

    /** Queued bytes (gzip). */
    public long bytes() {
        return bytes;
    }

    /** Queued lines. */
    public long lines() {
        long n = 0;
        for (Batch b : batches) {
            n += b.lines();
        }
        return n;
    }
}
