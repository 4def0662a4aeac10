package org.argus.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.argus.config.ArgusConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status}, {@code stats} and {@code health}: read a running sensor over HTTP ({@code http.host}:{@code port}
 * of the configuration) and print it for a person, or as the endpoint's JSON with {@code --json}. Exit codes: 0 (for
 * {@code health}: ok or degraded), 1 unhealthy or a bad configuration, 2 no sensor answering.
 */
final class ReadCommands {
    private ReadCommands() {
    }

    /**
     * Sends one request that changes something to the running sensor (with the configured token) and prints the
     * answer: {@code done} of the JSON answer on stdout when the status is {@code expected}, else the error on stderr.
     *
     * @param who the command, for the error line ({@code argus devices})
     * @return 0 done, 1 a bad configuration or the sensor refused, 2 no sensor answering
     */
    static int change(Path conf, String method, String path, int expected, String who,
                      java.util.function.Function<JsonObject, String> done) throws Exception {
        ArgusConfig c = Main.loadOfflineOrExplain(conf);
        if (c == null) {
            return 1;
        }
        ControlClient client = new ControlClient(c.http());
        ControlClient.Answer a = c.http().enabled() ? client.send(method, path, "") : null;
        if (a == null) {
            System.err.println("argus: no sensor answers at " + client.base());
            return 2;
        }
        JsonObject b;
        try {
            b = new JsonObject(a.body());
        } catch (RuntimeException e) {
            b = new JsonObject().put("error", "HTTP " + a.status());
        }
        if (a.status() != expected) {
            System.err.println(who + ": " + b.getString("error", "HTTP " + a.status()));
            return 1;
        }
        System.out.println(done.apply(b));
        return 0;
    }

    abstract static class Read implements Callable<Integer> {
        @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        Path conf;

        @Option(names = "--json", description = "Print the endpoint's JSON as it is (for scripts and monitoring).")
        boolean json;

        private final String path;

        Read(String path) {
            this.path = path;
        }

        abstract int print(JsonObject body, int httpStatus);

        /** The endpoint asked (fixed unless a command builds it from its arguments). */
        String path() {
            return path;
        }

        @Override
        public Integer call() throws Exception {
            ArgusConfig c = Main.loadOfflineOrExplain(conf);
            if (c == null) {
                return 1;
            }
            ControlClient client = new ControlClient(c.http());
            ControlClient.Answer a = c.http().enabled() ? client.send("GET", path(), null) : null;
            if (a == null) {
                System.err.println("argus: no sensor answers at " + client.base() + (c.http().enabled() ? "" : " (http.enabled is false)"));
                return 2;
            }
            JsonObject body;
            try {
                body = new JsonObject(a.body());
            } catch (RuntimeException e) {
                System.err.println("argus: " + client.base() + path() + " answered " + a.status() + " with something that is not JSON");
                return 2;
            }
            if (json) {
                System.out.println(body.encodePrettily());
                return a.status() == 200 ? 0 : 1;
            }
            return print(body, a.status());
        }
    }

    /** {@code health}. */
    @Command(name = "health", mixinStandardHelpOptions = true, description = "Is the running sensor healthy? Components and alerts.")
    static final class Health extends Read {
        Health() {
            super("/health");
        }

        @Override
        int print(JsonObject b, int httpStatus) {
            System.out.println(b.getString("status"));
            JsonObject comps = b.getJsonObject("components", new JsonObject());
            for (String name : comps.fieldNames()) {
                JsonObject c = comps.getJsonObject(name);
                String detail = c.getString("detail", "");
                System.out.printf("  %-12s %s%s%s%n", name, c.getBoolean("healthy") ? "" : "NOT HEALTHY: ", c.getString("state"),
                        detail.isEmpty() ? "" : " — " + detail);
            }
            JsonArray alerts = b.getJsonArray("alerts", new JsonArray());
            for (int i = 0; i < alerts.size(); i++) {
                JsonObject al = alerts.getJsonObject(i);
                System.out.printf("  ALERT %-8s %s: %s (since %s)%n", al.getString("severity"), al.getString("alert"),
                        al.getString("message"), al.getString("since"));
            }
            return httpStatus == 200 ? 0 : 1;
        }
    }

    /** {@code status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "What the running sensor has done: traffic, windows, decisions, bans, uploads.")
    static final class Status extends Read {
        Status() {
            super("/status");
        }

        @Override
        int print(JsonObject s, int httpStatus) {
            JsonObject drops = s.getJsonObject("drops", new JsonObject()), files = s.getJsonObject("files", new JsonObject());
            JsonObject det = s.getJsonObject("detection", new JsonObject()), enf = s.getJsonObject("enforcement", new JsonObject());
            JsonObject stg = s.getJsonObject("staging", new JsonObject());
            JsonObject risks = det.getJsonObject("decisions", new JsonObject());
            System.out.printf("up %.0f s%n", s.getDouble("uptime_s", 0.0));
            System.out.printf("traffic    %d packets, %d bytes; dropped: kernel %d, interface %d, queue %d; malformed %d%n",
                    s.getLong("packets", 0L), s.getLong("bytes", 0L), drops.getLong("kernel", 0L), drops.getLong("interface", 0L),
                    drops.getLong("queue_packets", 0L), s.getJsonObject("malformed", new JsonObject()).getLong("total", 0L));
            System.out.printf("windows    %d windows, %d flows; CSV %d rows in %d files%s%n", s.getLong("windows", 0L),
                    s.getLong("flows", 0L), files.getLong("rows", 0L), files.getLong("closed", 0L),
                    files.getLong("rows_not_written", 0L) > 0 ? ", " + files.getLong("rows_not_written") + " rows NOT written (disk)" : "");
            System.out.printf("detection  model %s; decisions high %d, medium %d, low %d%n", det.getValue("model") == null
                    ? "none (heuristics only)" : det.getValue("model"), risks.getLong("high", 0L), risks.getLong("medium", 0L),
                    risks.getLong("low", 0L));
            System.out.printf("enforce    %s; %d bans active%n", enf.getString("summary", enf.getString("mode", "?")), enf.getLong("bans_active", 0L));
            System.out.printf("staging    %d files waiting (%d bytes), %d uploaded%s%n", stg.getLong("staged_files", 0L),
                    stg.getLong("bytes_pending", 0L), stg.getLong("uploaded_files", 0L),
                    stg.getValue("last_error") == null ? "" : "; last error: " + stg.getValue("last_error"));
            JsonObject cluster = s.getJsonObject("cluster");
            if (cluster != null) {
                System.out.printf("cluster    %d members up%n", cluster.getLong("members_up", 0L));
            }
            JsonArray alerts = s.getJsonArray("alerts", new JsonArray());
            for (int i = 0; i < alerts.size(); i++) {
                System.out.printf("ALERT %s %s: %s%n", alerts.getJsonObject(i).getString("severity"), alerts.getJsonObject(i).getString("alert"),
                        alerts.getJsonObject(i).getString("message"));
            }
            return 0;
        }
    }

    /** {@code stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true, description = "The running sensor's stats.json document (daemon and component stats).")
    static final class Stats extends Read {
        Stats() {
            super("/stats");
        }

        @Override
        int print(JsonObject s, int httpStatus) {
            for (String section : new String[] {"daemon_stats", "component_stats"}) {
                print("", s.getJsonObject(section, new JsonObject()));
            }
            return 0;
        }

        private static void print(String prefix, JsonObject o) {
            for (Map.Entry<String, Object> e : o) {
                if (e.getValue() instanceof JsonObject child) {
                    print(prefix + e.getKey() + ".", child);
                } else {
                    System.out.println(prefix + e.getKey() + ": " + e.getValue());
                }
            }
        }
    }
}
