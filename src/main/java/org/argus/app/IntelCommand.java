package org.argus.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code intel status|lookup ADDR|reload}: the running sensor's threat feeds ({@code /status} {@code intel},
 * {@code GET /intel/lookup/<address>}, {@code POST /intel/reload}; the last two behind {@code http.token}). Exit codes
 * as {@link ReadCommands}: 0, 1 refused (or, for lookup, not listed), 2 no sensor answering.
 */
@Command(name = "intel", mixinStandardHelpOptions = true, description = "The running sensor's threat-intelligence feeds.",
        subcommands = {IntelCommand.Status.class, IntelCommand.Lookup.class, IntelCommand.Reload.class})
final class IntelCommand {
    private IntelCommand() {
    }

    /** One line per feed: entries, refused, bad lines, matches, origin, error. */
    static void printFeeds(JsonObject intel) {
        System.out.printf("%d entries, %d IPv4 and %d IPv6 ranges, built %s%n", intel.getInteger("entries", 0), intel.getInteger("ranges_v4", 0),
                intel.getInteger("ranges_v6", 0), intel.getString("built_at", "never"));
        System.out.printf("%-20s  %9s  %8s  %9s  %8s  %-20s  %s%n", "FEED", "ENTRIES", "REFUSED", "BAD LINES", "MATCHES", "LOADED", "ORIGIN / ERROR");
        JsonArray feeds = intel.getJsonArray("feeds", new JsonArray());
        for (int i = 0; i < feeds.size(); i++) {
            JsonObject f = feeds.getJsonObject(i);
            System.out.printf("%-20s  %9d  %8d  %9d  %8d  %-20s  %s%n", f.getString("name"), f.getInteger("entries", 0), f.getInteger("refused", 0),
                    f.getInteger("bad_lines", 0), f.getLong("matches", 0L), String.valueOf(f.getValue("loaded_at", "-")),
                    f.getString("origin", "") + (f.getString("error") == null ? "" : "; error: " + f.getString("error")));
        }
    }

    /** {@code intel status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Each feed: entries, refusals, bad lines, matches, last load.")
    static final class Status extends ReadCommands.Read {
        Status() {
            super("/status");
        }

        @Override
        int print(JsonObject b, int httpStatus) {
            JsonObject intel = b.getJsonObject("intel");
            if (intel == null || intel.getJsonArray("feeds", new JsonArray()).isEmpty()) {
                System.out.println("no threat feeds configured (intel.feeds)");
                return 0;
            }
            printFeeds(intel);
            return 0;
        }
    }

    /** {@code intel lookup ADDRESS}. */
    @Command(name = "lookup", mixinStandardHelpOptions = true, description = "Whether a feed lists an address, and which.")
    static final class Lookup extends ReadCommands.Read {
        @Parameters(paramLabel = "ADDRESS", description = "An IPv4 or IPv6 address.")
        String address;

        Lookup() {
            super("/intel/lookup/");
        }

        @Override
        String path() {
            return "/intel/lookup/" + URLEncoder.encode(address, StandardCharsets.UTF_8);
        }

        @Override
        int print(JsonObject b, int httpStatus) {
            if (httpStatus != 200) {
                System.err.println("argus intel lookup: " + b.getString("error", "HTTP " + httpStatus));
                return 1;
            }
            if (!b.getBoolean("listed", false)) {
                System.out.println(b.getString("address") + ": not listed");
                return 1;
            }
            System.out.println(b.getString("address") + ": " + b.getString("reason"));
            return 0;
        }
    }

    /** {@code intel reload}: every feed read or fetched again now. */
    @Command(name = "reload", mixinStandardHelpOptions = true, description = "Load every feed again now (files re-read, URLs fetched).")
    static final class Reload implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        java.nio.file.Path conf;

        @Override
        public Integer call() throws Exception {
            return ReadCommands.change(conf, "POST", "/intel/reload", 200, "argus intel reload", b -> {
                printFeeds(b);
                return "reloaded";
            });
        }
    }
}
