package org.argus.blacklist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps sqlite-jdbc's native library in a folder of ours, so that opening the first database costs a file check
 * instead of what the driver does on every start: decide the platform folder (on Linux by forking {@code uname -o}
 * to rule out Android/Termux: ~0.2–0.3 s on a 2-core machine, the largest single cost of the sensor's start-up),
 * then copy the library to {@code java.io.tmpdir} and compare it byte for byte with the jar's copy.
 *
 * <p>{@link #prepare(Path)} copies {@code org/sqlite/native/Linux/<arch>/libsqlitejdbc.so} from the jar once per
 * driver version into {@code <dir>/.sqlite-native/<version>-<arch>/} (written to a temporary name, then renamed,
 * so a crash leaves no half library) and points the driver there with its documented properties
 * {@code org.sqlite.lib.path}/{@code org.sqlite.lib.name}. Only 64-bit Linux (x86_64, aarch64: the JDK 25 floor's
 * platforms) is short-cut; anything else, or any failure, leaves the driver's own lookup in charge. Call it before
 * the first connection of the process; later calls do nothing.
 */
public final class SqliteNative {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNative.class);
    private static final String LIBRARY = "libsqlitejdbc.so";
    private static boolean done;
    private static Path prepared;

    private SqliteNative() {
    }

    /**
     * Prepares the library under {@code dir} (blocking: file I/O; call on a worker or before Vert.x starts).
     *
     * @param dir a folder the sensor owns (the blacklist database's folder); created when missing
     * @return the folder the driver will load from, or null when the driver keeps its own lookup
     */
    public static synchronized Path prepare(Path dir) {
        if (done) {
            return prepared;
        }
        done = true;
        String arch = archFolder(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (System.getProperty("org.sqlite.lib.path") != null || arch == null) {
            return null; // the operator chose a library, or a platform left to the driver
        }
        try {
            prepared = install(dir, arch);
            if (prepared != null) {
                System.setProperty("org.sqlite.lib.path", prepared.toString());
                System.setProperty("org.sqlite.lib.name", LIBRARY);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("event=sqlite_native_default dir={} reason=\"{}\"", dir, e.toString());
        }
        return prepared;
    }

    /**
     * Copies the jar's library for {@code arch} into {@code <dir>/.sqlite-native/<driver version>-<arch>/} unless it
     * is there already; never leaves a partial file under the final name.
     *
     * @return the folder holding {@value #LIBRARY}, or null when the jar has no library for {@code arch}
     * @throws IOException when the folder or file cannot be written
     */
    static Path install(Path dir, String arch) throws IOException {
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream("/org/sqlite/native/Linux/" + arch + "/" + LIBRARY)) {
            if (in == null) {
                return null;
            }
            Path folder = dir.toAbsolutePath().resolve(".sqlite-native").resolve(version() + "-" + arch);
            Path lib = folder.resolve(LIBRARY);
            if (!Files.isRegularFile(lib)) {
                Files.createDirectories(folder);
                Path tmp = Files.createTempFile(folder, LIBRARY, ".part");
                try {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return folder;
        }
    }

    /** sqlite-jdbc's folder name for a 64-bit Linux JVM, or null for a platform left to the driver. */
    static String archFolder(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
    }

    private static String version() {
        String v = org.sqlite.SQLiteJDBCLoader.getVersion(); // the driver's own pom.properties
        return v == null ? "unknown" : v.replaceAll("[^0-9A-Za-z._-]", "_");
    }
}
