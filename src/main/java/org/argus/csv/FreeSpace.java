package org.argus.csv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free space of the file system holding a folder, in bytes usable by this process (statvfs {@code f_bavail}, so the
 * blocks reserved for root on ext4 do not count). A seam so tests can simulate a full disk without filling one.
 */
@FunctionalInterface
public interface FreeSpace {
    /**
     * @return usable bytes on the file system of {@code dir}
     * @throws IOException when the folder's file system cannot be asked
     */
    long usableBytes(Path dir) throws IOException;

    /** The real file system. */
    FreeSpace DISK = dir -> Files.getFileStore(dir).getUsableSpace();
}
