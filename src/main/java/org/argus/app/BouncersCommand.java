package org.argus.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.argus.config.ArgusConfig;
import org.argus.lapi.BouncerStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bouncers add|list|delete}: the CrowdSec bouncers' API keys ({@code lapi.bouncers_db}), on the database file
 * directly (the running sensor checks every request against it, so a new key works and a deleted one stops at once).
 * Exit codes: 0 done, 1 refused (configuration, a name taken or unknown), 2 the database unusable.
 */
@Command(name = "bouncers", mixinStandardHelpOptions = true, description = "API keys of CrowdSec bouncers pulling /v1/decisions.",
        subcommands = {BouncersCommand.Add.class, BouncersCommand.ListAll.class, BouncersCommand.Delete.class})
final class BouncersCommand {
    private BouncersCommand() {
    }

    /** What every subcommand shares: the configuration and the store. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        Path conf;

        @Override
        public Integer call() throws Exception {
            ArgusConfig c = Main.loadOfflineOrExplain(conf);
            if (c == null) {
                return 1;
            }
            Path db = c.mirror().bouncersDb();
            try (BouncerStore store = BouncerStore.open(db)) {
                return run(store);
            } catch (IllegalArgumentException e) {
                System.err.println("argus bouncers: " + e.getMessage());
                return 1;
            } catch (java.sql.SQLException e) {
                System.err.println("argus bouncers: " + db + ": " + e.getMessage());
                return 2;
            }
        }

        abstract int run(BouncerStore store) throws java.sql.SQLException;
    }

    /** {@code bouncers add NAME}: prints the new key once. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Make an API key for a bouncer (printed once; only its SHA-256 is kept).")
    static final class Add extends Base {
        @Parameters(paramLabel = "NAME", description = "The bouncer's name (letters, digits, . _ -).")
        String name;

        @Override
        int run(BouncerStore store) throws java.sql.SQLException {
            String key = store.add(name, Instant.now());
            System.out.println("API key for bouncer " + name + " (shown once; put it in the bouncer's api_key):");
            System.out.println(key);
            return 0;
        }
    }

    /** {@code bouncers list [--json]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List bouncers: name, key made, last pull and from where.")
    static final class ListAll extends Base {
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        int run(BouncerStore store) throws java.sql.SQLException {
            JsonArray out = new JsonArray();
            for (BouncerStore.Bouncer b : store.list()) {
                if (json) {
                    out.add(new JsonObject().put("name", b.name()).put("created_at", b.createdAt().toString())
                            .put("last_pull", b.lastPull() == null ? null : b.lastPull().toString()).put("last_address", b.lastAddress()));
                } else {
                    System.out.printf("%-24s made %s  last pull %s%n", b.name(), b.createdAt(),
                            b.lastPull() == null ? "never" : b.lastPull() + " from " + b.lastAddress());
                }
            }
            if (json) {
                System.out.println(out.encodePrettily());
            }
            return 0;
        }
    }

    /** {@code bouncers delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a bouncer and its key.")
    static final class Delete extends Base {
        @Parameters(paramLabel = "NAME", description = "The bouncer's name.")
        String name;

        @Override
        int run(BouncerStore store) throws java.sql.SQLException {
            if (!store.delete(name)) {
                System.err.println("argus bouncers: no bouncer named " + name);
                return 1;
            }
            System.out.println("deleted bouncer " + name);
            return 0;
        }
    }
}
