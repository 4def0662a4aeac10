package org.argus.csv;

import java.io.IOException;
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

    /**
     * The real file system: one statvfs call ({@link java.io.File#getUsableSpace}); {@code Files.getFileStore} would
     * also parse the mount table on every call, which cost 8 % of a replay when asked once per window.
     */
    FreeSpace DISK = dir -> {
        java.io.File f = dir.toFile();
        long usable = f.getUsableSpace();
        if (usable == 0 && !f.isDirectory()) {
            throw new IOException(dir + ": not a folder");
        }
        return usable;
    };
}
