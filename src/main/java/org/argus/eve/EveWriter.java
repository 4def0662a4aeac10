package org.argus.eve;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends EVE lines to a file ({@code eve.json}) and rotates it as logrotate would: past {@code maxBytes} the file
 * becomes {@code eve.json.1}, the older ones move up ({@code .2}, …) and the one past {@code keepFiles} is deleted; a
 * new {@code eve.json} is started. Readers that follow the file by name (Filebeat, EveBox's agent, {@code tail -F})
 * see each line once. Thread-safe (synchronized); blocking: call from a worker or a thread you own.
 */
public final class EveWriter implements Closeable {
    private final Path file;
    private final long maxBytes;
    private final int keepFiles;
    private BufferedWriter out;
    private long size;

    /**
     * @param file      the EVE file (its folder is created)
     * @param maxBytes  rotate past this size
     * @param keepFiles rotated files kept ({@code .1} … {@code .keepFiles}); 0 keeps none
     * @throws IOException when the file cannot be opened (named)
     */
    public EveWriter(Path file, long maxBytes, int keepFiles) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keepFiles = keepFiles;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        open();
    }

    private void open() throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    /** Appends lines (one JSON object each) and flushes them. */
    public synchronized void write(List<String> lines) throws IOException {
        for (String l : lines) {
            if (size > 0 && size + l.length() + 1 > maxBytes) {
                rotate();
            }
            out.write(l);
            out.write('\n');
            size += l.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        out.flush();
    }

    private void rotate() throws IOException {
        out.close();
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        if (keepFiles <= 0) {
            Files.delete(file);
        } else {
            Files.deleteIfExists(dir.resolve(name + "." + keepFiles));
            for (int i = keepFiles - 1; i >= 1; i--) {
                Path from = dir.resolve(name + "." + i);
                if (Files.exists(from)) {
                    Files.move(from, dir.resolve(name + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, dir.resolve(name + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
