package org.argus.app;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.argus.config.ArgusConfig;
import org.argus.staging.Archive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code archive list|verify|prune}: the compressed CSV archive ({@code archive.*}) read straight from its folder
 * (no sensor needed). Exit codes: 0, 1 configuration refused or (verify) a bad archive, 2 the folder unreadable.
 */
@Command(name = "archive", mixinStandardHelpOptions = true, description = "The compressed CSV archive (archive.dir).",
        subcommands = {ArchiveCommand.ListFiles.class, ArchiveCommand.Verify.class, ArchiveCommand.Prune.class})
final class ArchiveCommand {
    private ArchiveCommand() {
    }

    /** What every subcommand shares: the configuration. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        Path conf;

        @Override
        public Integer call() throws Exception {
            ArgusConfig c = Main.loadOfflineOrExplain(conf);
            if (c == null) {
                return 1;
            }
            try {
                return run(new Archive(c.archive()), c.archive());
            } catch (java.io.IOException e) {
                System.err.println("argus archive: " + c.archive().dir() + ": " + e.getMessage());
                return 2;
            }
        }

        abstract int run(Archive archive, Archive.Settings settings) throws Exception;
    }

    /** {@code archive list}: one line per file, oldest first, then the totals. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every archived file: day, bytes, path; then totals.")
    static final class ListFiles extends Base {
        @Override
        int run(Archive archive, Archive.Settings s) throws Exception {
            List<Archive.Entry> all = archive.list();
            long bytes = 0;
            for (Archive.Entry e : all) {
                System.out.printf("%s  %12d  %s%n", e.day(), e.bytes(), s.dir().relativize(e.file()));
                bytes += e.bytes();
            }
            System.out.printf("%d files, %d bytes in %s (retention %d days, %s)%n", all.size(), bytes, s.dir(), s.retention().toDays(),
                    s.maxBytes() == 0 ? "no size limit" : "at most " + (s.maxBytes() >> 20) + " MiB");
            return 0;
        }
    }

    /** {@code archive verify}: every file decompresses, has the header and whole 18-column rows. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that every archive decompresses to the end with the CSV header and whole 18-column rows.")
    static final class Verify extends Base {
        @Override
        int run(Archive archive, Archive.Settings s) throws Exception {
            int bad = 0;
            long rows = 0;
            List<Archive.Entry> all = archive.list();
            for (Archive.Entry e : all) {
                Archive.Check c = Archive.verify(e.file());
                rows += c.rows();
                if (!c.ok()) {
                    bad++;
                    System.out.println("BAD  " + c.problem());
                }
            }
            System.out.printf("%d files, %d rows, %d bad%n", all.size(), rows, bad);
            return bad == 0 ? 0 : 1;
        }
    }

    /** {@code archive prune}: applies retention now. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Delete archives older than archive.retention_days, then the oldest beyond archive.max_mb.")
    static final class Prune extends Base {
        @Override
        int run(Archive archive, Archive.Settings s) throws Exception {
            Archive.Pruned pruned = archive.prune(Instant.now());
            pruned.deleted().forEach(p -> System.out.println("deleted " + s.dir().relativize(p)));
            System.out.printf("%d deleted; %d files, %d bytes left%n", pruned.deleted().size(), pruned.files(), pruned.bytes());
            return 0;
        }
    }
}
