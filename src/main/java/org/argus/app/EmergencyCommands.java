package org.argus.app;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.argus.config.ArgusConfig;
import org.argus.enforce.Commands;
import org.argus.enforce.EnforcementException;
import org.argus.enforce.EnforcementVerticle;
import org.argus.enforce.Firewall;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code emergency-stop} and {@code emergency-restore}: through the running sensor when it answers; otherwise the
 * command does it itself — stop creates {@code enforcement.emergency_stop_file} (so a sensor starting later stays
 * stopped) and removes every Argus rule, chain and set; restore deletes the file. Exit 0 done, 1 refused, 2 failed.
 */
final class EmergencyCommands {
    private EmergencyCommands() {
    }

    static int run(Path conf, boolean stop, String reason, boolean cluster) throws Exception {
        ArgusConfig c = Main.loadOfflineOrExplain(conf);
        if (c == null) {
            return 1;
        }
        String path = (stop ? "/control/emergency-stop" : "/control/emergency-restore") + (cluster ? "?scope=cluster" : "");
        ControlClient client = new ControlClient(c.http());
        ControlClient.Answer a = c.http().enabled() ? client.send("POST", path, new JsonObject().put("reason", reason).encode()) : null;
        if (a != null) {
            if (a.status() != 200) {
                System.err.println("argus: the sensor at " + client.base() + " answered " + a.status() + ": " + a.body());
                return a.status() == 401 ? 1 : 2;
            }
            System.out.println(a.body());
            return 0;
        }
        if (cluster) {
            System.err.println("argus: --cluster needs the running sensor (its HTTP endpoint at " + client.base()
                    + "), which did not answer; acting on this machine only");
        }
        Path file = c.enforcement().emergencyStopFile();
        if (!stop) {
            Files.deleteIfExists(file);
            System.out.println("no sensor at " + client.base() + "; removed " + file + ": the next start enforces again");
            return 0;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, new JsonObject().put("since", Instant.now().toString()).put("reason", reason)
                .put("origin", "cli").encode() + "\n");
        Firewall fw = EnforcementVerticle.firewallFor(c.enforcement(),
                new Commands(List.of(), c.enforcement().commandTimeout().toMillis()), org.argus.enforce.Topology.NONE);
        if (fw != null) {
            try {
                fw.removeAll();
            } catch (EnforcementException e) {
                System.err.println("argus: wrote " + file + " but could not remove every rule: " + e.getMessage());
                return 2;
            }
        }
        System.out.println("no sensor at " + client.base() + "; wrote " + file + " and removed every Argus rule and set"
                + (fw == null ? " (backend none: there were none)" : " (" + fw.name() + ")"));
        return 0;
    }

    /** Options both commands take; {@code stop} says which one it is. */
    abstract static class Emergency implements Callable<Integer> {
        @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration file (as for the sensor).")
        Path conf;

        @Option(names = "--reason", defaultValue = "(no reason given)", description = "Logged with the stop or restore.")
        String reason;

        @Option(names = "--cluster", description = "Every sensor of the cluster (through this one), not only this one.")
        boolean cluster;

        private final boolean stop;

        Emergency(boolean stop) {
            this.stop = stop;
        }

        @Override
        public Integer call() throws Exception {
            return run(conf, stop, reason, cluster);
        }
    }

    /** {@code emergency-stop}. */
    @Command(name = "emergency-stop", mixinStandardHelpOptions = true,
            description = "Remove every Argus firewall rule now and keep enforcement off until emergency-restore.")
    static final class Stop extends Emergency {
        Stop() {
            super(true);
        }
    }

    /** {@code emergency-restore}. */
    @Command(name = "emergency-restore", mixinStandardHelpOptions = true,
            description = "End an emergency stop: enforcement resumes (if the dry-run is over and enforce_after_dry_run is true).")
    static final class Restore extends Emergency {
        Restore() {
            super(false);
        }
    }
}
