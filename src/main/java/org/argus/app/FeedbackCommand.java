package org.argus.app;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.argus.config.ArgusConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code feedback false-positive|true-positive DECISION-ID|ADDR} and {@code feedback list}: an operator's verdicts,
 * through the running sensor's control endpoint ({@code POST /decisions/<id>/feedback}, {@code POST /feedback},
 * {@code GET /feedback}) so the ban lifts and the allowlist entry applies at once. Exit codes: 0 done, 1 refused
 * (configuration, token, an unknown decision), 2 no sensor answering or a failure.
 */
@Command(name = "feedback", mixinStandardHelpOptions = true, description = "Tell the sensor a decision was wrong (or right).",
        subcommands = {FeedbackCommand.FalsePositive.class, FeedbackCommand.TruePositive.class, FeedbackCommand.ListAll.class})
final class FeedbackCommand {
    private FeedbackCommand() {
    }

    /** Sends a request to the sensor; prints its answer. */
    static int send(Path conf, String method, String path, String body) throws Exception {
        ArgusConfig c = Main.loadOfflineOrExplain(conf);
        if (c == null) {
            return 1;
        }
        ControlClient client = new ControlClient(c.http());
        ControlClient.Answer a = c.http().enabled() ? client.send(method, path, body) : null;
        if (a == null) {
            System.err.println("argus feedback: no sensor answered at " + client.base() + " (feedback needs the running sensor)");
            return 2;
        }
        if (a.status() != 200) {
            System.err.println("argus feedback: the sensor answered " + a.status() + ": " + a.body());
            return a.status() == 401 || a.status() == 400 || a.status() == 404 ? 1 : 2;
        }
        System.out.println(a.body());
        return 0;
    }

    /** What both verdicts share. */
    abstract static class Verdict implements Callable<Integer> {
        @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        Path conf;

        @Parameters(paramLabel = "DECISION-ID|ADDR", description = "A decision's id (d-…, from decisions-*.jsonl or the dashboard) or an address/CIDR.")
        String what;

        @Option(names = "--note", paramLabel = "TEXT", description = "Why (kept with the verdict).")
        String note;

        abstract boolean falsePositive();

        abstract String allowlistFor();

        @Override
        public Integer call() throws Exception {
            JsonObject body = new JsonObject().put("verdict", falsePositive() ? "false_positive" : "true_positive");
            if (note != null) {
                body.put("note", note);
            }
            if (allowlistFor() != null) {
                body.put("allowlist_for", allowlistFor());
            }
            boolean id = org.argus.detect.Decision.ID.matcher(what).matches();
            if (!id) {
                body.put("address", what);
            }
            return send(conf, "POST", id ? "/decisions/" + what + "/feedback" : "/feedback", body.encode());
        }
    }

    /** {@code feedback false-positive}. */
    @Command(name = "false-positive", mixinStandardHelpOptions = true,
            description = "Lift the ban now, allowlist the address for a while, and record the verdict.")
    static final class FalsePositive extends Verdict {
        @Option(names = "--allowlist-for", paramLabel = "DURATION", defaultValue = "7d",
                description = "How long the address stays allowlisted: 30m, 12h, 7d, 2w; 0 for not at all (default ${DEFAULT-VALUE}).")
        String allowlistFor;

        @Override
        boolean falsePositive() {
            return true;
        }

        @Override
        String allowlistFor() {
            return allowlistFor;
        }
    }

    /** {@code feedback true-positive}. */
    @Command(name = "true-positive", mixinStandardHelpOptions = true, description = "Confirm a decision (recorded).")
    static final class TruePositive extends Verdict {
        @Override
        boolean falsePositive() {
            return false;
        }

        @Override
        String allowlistFor() {
            return null;
        }
    }

    /** {@code feedback list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The verdicts, newest first (JSON).")
    static final class ListAll implements Callable<Integer> {
        @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        Path conf;

        @Override
        public Integer call() throws Exception {
            return send(conf, "GET", "/feedback", null);
        }
    }
}
