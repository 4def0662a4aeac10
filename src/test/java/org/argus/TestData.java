package org.argus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the shared captures live ({@code ../shared/pcaps}, or the {@code argus.shared} system property). */
public final class TestData {
    private TestData() {
    }

    /** The shared folder. */
    public static Path shared() {
        return Path.of(System.getProperty("argus.shared", "../shared")).toAbsolutePath().normalize();
    }

    /** Every capture in {@code shared/pcaps}, by name. */
    public static List<Path> captures() throws IOException {
        Path dir = shared().resolve("pcaps");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".pcap") || n.endsWith(".pcapng");
            }).sorted().toList();
        }
    }
}
