package org.argus.blacklist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNativeTest {

    @Test
    void platformFolders() {
        assertEquals("x86_64", SqliteNative.archFolder("Linux", "amd64"));
        assertEquals("aarch64", SqliteNative.archFolder("Linux", "aarch64"));
        // 32-bit ARM needs the driver's own probing (armv6/armv7/hard float); other systems too
        assertNull(SqliteNative.archFolder("Linux", "arm"));
        assertNull(SqliteNative.archFolder("Mac OS X", "aarch64"));
    }

    @Test
    void copiesTheJarsLibraryOnceAndWhole(@TempDir Path dir) throws Exception {
        Path folder = SqliteNative.install(dir, "x86_64");
        Path lib = folder.resolve("libsqlitejdbc.so");
        byte[] expected;
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream("/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so")) {
            expected = in.readAllBytes();
        }
        assertArrayEquals(expected, Files.readAllBytes(lib));
        assertTrue(folder.getFileName().toString().endsWith("-x86_64"), folder.toString());
        Files.setLastModifiedTime(lib, FileTime.fromMillis(1_000));
        assertEquals(folder, SqliteNative.install(dir, "x86_64"));
        assertEquals(1_000, Files.getLastModifiedTime(lib).toMillis(), "a present library is not written again");
        try (var files = Files.list(folder)) {
            assertEquals(List.of(lib), files.toList(), "no temporary file left beside it");
        }
        assertNull(SqliteNative.install(dir, "sparc"), "no library in the jar for that platform");
    }
}
