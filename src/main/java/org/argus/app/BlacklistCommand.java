package org.argus.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.argus.anon.Anonymizer;
import org.argus.blacklist.Action;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.BanPolicy;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BlacklistExport;
import org.argus.blacklist.BanTarget;
import org.argus.blacklist.BlacklistStore;
import org.argus.config.ArgusConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code blacklist list|add|remove|export}: through the running sensor's HTTP control endpoint when it answers (so
 * the kernel follows at once), else on the database file directly (the sensor reconciles the kernel when it
 * starts). {@code export} always reads the database. Exit codes: 0 done, 1 refused or bad input, 2 I/O failure.
 */
@Command(name = "blacklist", mixinStandardHelpOptions = true, description = "List, add, remove or export bans.",
        subcommands = {BlacklistCommand.ListBans.class, BlacklistCommand.Add.class, BlacklistCommand.Remove.class,
                BlacklistCommand.Export.class})
final class BlacklistCommand {
    /** Options every subcommand shares. */
    static class Common {
        /** {@code quarantine …} rather than {@code blacklist …}: the other list, the other endpoint. */
        boolean quarantine() {
            return false;
        }

        String endpoint() {
            return quarantine() ? "/quarantine" : "/blacklist";
        }

        @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        Path conf;

        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        /** The configuration, or null after printing its problems. */
        ArgusConfig config() throws Exception {
            return Main.loadOfflineOrExplain(conf);
        }

        static <T> T withStore(ArgusConfig c, StoreTask<T> task) throws Exception {
            Vertx vertx = Vertx.vertx();
            try {
                Path db = c.blacklist().database();
                Files.createDirectories(db.toAbsolutePath().getParent());
                BlacklistStore store = Main.await(BlacklistStore.open(vertx, db, c.blacklist().policy(), Clock.systemUTC()));
                try {
                    return task.run(store);
                } finally {
                    Main.await(store.close());
                }
            } finally {
                Main.await(vertx.close());
            }
        }
    }

    interface StoreTask<T> {
        T run(BlacklistStore store) throws Exception;
    }

    private static void printBans(JsonArray bans, boolean json, boolean quarantine) {
        if (json) {
            System.out.println(bans.encodePrettily());
            return;
        }
        if (bans.isEmpty()) {
            System.out.println(quarantine ? "no device in quarantine" : "no active bans");
        }
        for (Object o : bans) {
            JsonObject b = (JsonObject) o;
            System.out.printf("%-40s %-10s %-6s %-24s expires %s (%ds left), hits %d, offence %d: %s%n", b.getString("address"),
                    b.getString("action", "ban"),
                    b.getString("risk_level"), b.getString("source"), b.getString("expires_at"), b.getLong("seconds_left"),
                    b.getLong("hit_count"), b.getInteger("offences"), b.getString("reason"));
        }
    }

    private static int httpError(ControlClient.Answer a) {
        String msg;
        try {
            msg = new JsonObject(a.body()).getString("error", a.body());
        } catch (RuntimeException e) {
            msg = a.body();
        }
        System.err.println("argus: the sensor answered " + a.status() + ": " + msg);
        return a.status() == 401 || a.status() == 400 || a.status() == 409 || a.status() == 404 ? 1 : 2;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Active bans with reason, source and time left.")
    static class ListBans extends Common implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            ArgusConfig c = config();
            if (c == null) {
                return 1;
            }
            ControlClient.Answer a = c.http().enabled() ? new ControlClient(c.http()).send("GET", endpoint(), null) : null;
            if (a != null) {
                if (a.status() != 200) {
                    return httpError(a);
                }
                printBans(new JsonArray(a.body()), json, quarantine());
                return 0;
            }
            JsonArray out = new JsonArray();
            Instant now = Instant.now();
            withStore(c, s -> Main.await(s.active())).stream().filter(b -> (b.action() == Action.QUARANTINE) == quarantine())
                    .forEach(b -> out.add(b.toJson(b.target().toString(), now)));
            printBans(out, json, quarantine());
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Ban or rate-limit an address or CIDR.")
    static class Add extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ADDRESS", description = "IPv4/IPv6 address or CIDR.")
        String address;

        @Option(names = "--reason", description = "Why (default: \"manual ban\", \"manual rate limit\" or \"manual quarantine\").")
        String reason;

        @Option(names = "--risk-level", defaultValue = "high", description = "low, medium or high (default: ${DEFAULT-VALUE}).")
        String risk;

        @Option(names = "--ttl-hours", description = "Ban length in hours (default: enforcement.blacklist_default_ttl_hours).")
        Double ttlHours;

        @Option(names = "--action", defaultValue = "ban", description = "ban or rate_limit (default: ${DEFAULT-VALUE}).")
        String action;

        Action action() {
            return quarantine() ? Action.QUARANTINE : Action.parse(action);
        }

        @Override
        public Integer call() throws Exception {
            ArgusConfig c = config();
            if (c == null) {
                return 1;
            }
            if (!quarantine() && !action.equals("ban") && !action.equals("rate_limit")) {
                System.err.println("argus: --action must be ban or rate_limit (a quarantine is argus quarantine add)");
                return 1;
            }
            JsonObject body = new JsonObject().put("address", address).put("reason", reason).put("risk_level", risk);
            if (!quarantine()) {
                body.put("action", action);
            }
            if (ttlHours != null) {
                body.put("ttl_hours", ttlHours);
            }
            String done = switch (action()) {
                case BAN -> "banned ";
                case RATE_LIMIT -> "rate-limited ";
                case QUARANTINE -> "quarantined ";
            };
            ControlClient.Answer a = c.http().enabled() ? new ControlClient(c.http()).send("POST", endpoint(), body.encode()) : null;
            if (a != null) {
                if (a.status() / 100 != 2) {
                    return httpError(a);
                }
                System.out.println(json ? a.body() : done + new JsonObject(a.body()).getString("address") + " (via the running sensor)");
                return 0;
            }
            if (ttlHours != null && !(ttlHours > 0 && ttlHours <= 24 * 3650)) {
                System.err.println("argus: --ttl-hours must be greater than 0 and at most 87600");
                return 1;
            }
            Duration ttl = ttlHours == null ? null : Duration.ofMillis(Math.max(1000, Math.round(ttlHours * 3_600_000)));
            BanPolicy policy = new BanPolicy(c.blacklist(), Allowlist.discover(c.blacklist().allowlist(), Path.of("/proc/net"),
                    Path.of("/etc/resolv.conf")));
            BanPolicy.Outcome outcome = policy.onRequest(new BanRequest(address, reason, risk, ttl, BanSource.OPERATOR, action()));
            if (outcome instanceof BanPolicy.Refused r) {
                System.err.println("argus: " + (r.code() == 409 ? "refused: " : "") + r.why());
                return 1;
            }
            BanPolicy.Ban ban = (BanPolicy.Ban) outcome;
            Ban b = withStore(c, s -> Main.await(s.ban(ban.target(), ban.reason(), ban.risk().text(), ban.source(), ban.ttl(),
                    ban.escalate(), ban.action())));
            System.out.println(json ? b.toJson(b.target().toString(), Instant.now()).encode()
                    : done + b.target() + " until " + b.expiresAt() + " (sensor not running at " + new ControlClient(c.http()).base()
                    + ": written to " + c.blacklist().database() + "; enforced when the sensor starts)");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Lift a ban or rate limit.")
    static class Remove extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ADDRESS", description = "The banned address or CIDR.")
        String address;

        @Override
        public Integer call() throws Exception {
            ArgusConfig c = config();
            if (c == null) {
                return 1;
            }
            String path = endpoint() + "/" + java.net.URLEncoder.encode(address, java.nio.charset.StandardCharsets.UTF_8);
            ControlClient.Answer a = c.http().enabled() ? new ControlClient(c.http()).send("DELETE", path, null) : null;
            if (a != null) {
                if (a.status() != 200) {
                    return httpError(a);
                }
                System.out.println("removed " + address + " (via the running sensor)");
                return 0;
            }
            BanTarget target;
            try {
                target = BanTarget.parseCidr(address);
            } catch (IllegalArgumentException e) {
                System.err.println("argus: " + e.getMessage());
                return 1;
            }
            boolean removed = withStore(c, s -> {
                Ban existing = Main.await(s.get(target));
                return existing != null && (existing.action() == Action.QUARANTINE) == quarantine() && Main.await(s.unban(target));
            });
            if (!removed) {
                System.err.println("argus: " + target + (quarantine() ? " is not quarantined" : " is not banned"));
                return 1;
            }
            System.out.println("removed " + target + " from " + c.blacklist().database() + " (sensor not running; its rule goes when it starts)");
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "The whole list as JSON; addresses as HMAC pseudonyms when enforcement.export_anonymized is true.")
    static final class Export extends Common implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output.")
        Path out;

        @Override
        public Integer call() throws Exception {
            ArgusConfig c = config();
            if (c == null) {
                return 1;
            }
            boolean anonymized = c.blacklist().exportAnonymized();
            if (anonymized && c.anonymization().salt().isEmpty()) {
                System.err.println("argus: enforcement.export_anonymized is true but no salt is configured: set ARGUS_IP_SALT "
                        + "(or anonymization.salt) so the pseudonyms match the CSVs, or set export_anonymized to false");
                return 1;
            }
            Anonymizer anon = anonymized ? new Anonymizer(c.anonymization().salt()) : null;
            Instant now = Instant.now();
            java.util.List<Ban> bans = withStore(c, s -> Main.await(s.active())).stream().filter(b -> b.action() != Action.QUARANTINE).toList();
            String doc = BlacklistExport.document(bans, anon, c.staging().firebase() == null ? "" : c.staging().firebase().sensorId(),
                    now).encodePrettily();
            int count = bans.size();
            if (out == null) {
                System.out.println(doc);
            } else {
                Files.writeString(out, doc + "\n");
                System.err.println("exported " + count + " bans to " + out + (anonymized ? " (addresses anonymized)" : ""));
            }
            return 0;
        }
    }
}
