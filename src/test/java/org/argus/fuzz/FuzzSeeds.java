package org.argus.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.argus.TestData;

/**
 * Seeds a fuzz test's generated corpus ({@code .cifuzz-corpus/<class>/<method>} in the working directory, where
 * Jazzer's JUnit integration keeps what it finds) with the start of every capture in {@code ../shared/pcaps}, once,
 * when fuzzing ({@code JAZZER_FUZZ} set). Nothing is copied into the repository: the corpus lives under the build's
 * working directory ({@code target/fuzz-cwd} in the pom and {@code scripts/fuzz.sh}).
 */
public final class FuzzSeeds {
    /** Bytes kept from each capture: enough for headers and a few hundred packets, small enough to mutate fast. */
    static final int SEED_BYTES = 16 * 1024;

    private FuzzSeeds() {
    }

    /** Copies the shared captures' first {@link #SEED_BYTES} bytes into the corpus of {@code testClass#method}. */
    public static void captures(Class<?> testClass, String method) {
        if (System.getenv("JAZZER_FUZZ") == null || System.getenv("JAZZER_FUZZ").isEmpty()) {
            return;
        }
        Path corpus = Paths.get(".cifuzz-corpus", testClass.getName(), method);
        try {
            Files.createDirectories(corpus);
            for (Path capture : TestData.captures()) {
                Path seed = corpus.resolve("seed-" + capture.getFileName());
                if (!Files.exists(seed)) {
                    try (InputStream in = Files.newInputStream(capture)) {
                        Files.write(seed, in.readNBytes(SEED_BYTES));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot seed " + corpus + ": " + e, e);
        }
    }
}
