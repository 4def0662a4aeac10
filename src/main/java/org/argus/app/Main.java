package org.argus.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.argus.log.LogText;
import org.argus.metrics.ArgusMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.argus.anon.Anonymizer;
import org.argus.cluster.ClusterVertx;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigException;
import org.argus.config.ConfigLoader;
import org.argus.status.SensorHealth;
import org.argus.stats.SensorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar argus-fat.jar [-conf FILE]} runs the sensor until SIGTERM/SIGINT (then stops cleanly: the open
 * window is flushed and the CSV closed). Subcommands: {@code replay}, {@code train}, {@code validate},
 * {@code interfaces}, {@code generate}, {@code blacklist list|add|remove|export}, {@code emergency-stop},
 * {@code emergency-restore}, {@code status}, {@code stats}, {@code health}. Exit codes: 0 success, 1 bad configuration or start failure, 2 unreadable input.
 */
@Command(name = "argus", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Network-security sensor: capture -> 5-second flow windows -> anonymized CSV.")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Added by {@link #commandLine} only when the arguments may name one (see there). */
    static final List<Class<?>> SUBCOMMANDS = List.of(ReplayCommand.class, TrainCommand.class, ValidateCommand.class,
            InterfacesCommand.class, GenerateCommand.class, BlacklistCommand.class, QuarantineCommand.class,
            EmergencyCommands.Stop.class, EmergencyCommands.Restore.class, ReadCommands.Status.class, ReadCommands.Stats.class,
            ReadCommands.Health.class, DevicesCommand.class, IntelCommand.class, ArchiveCommand.class, PayloadCommands.Train.class,
            PayloadCommands.Payload.class, BouncersCommand.class, FeedbackCommand.class);

    @Option(names = {"-conf", "--conf"}, paramLabel = "FILE",
            description = "Configuration file (JSON, or YAML when it ends in .yaml/.yml). Without it: built-in defaults and ARGUS_* variables.")
    Path conf;

    @Option(names = {"-cluster", "--cluster"}, description = "Join the sensors' cluster (cluster.enabled).")
    boolean cluster;

    @Option(names = {"-cluster-host", "--cluster-host"}, paramLabel = "ADDRESS",
            description = "This sensor's address for the cluster (cluster.host).")
    String clusterHost;

    @Option(names = {"-cluster-port", "--cluster-port"}, paramLabel = "PORT", description = "Hazelcast member port (cluster.port).")
    Integer clusterPort;

    public static void main(String[] args) {
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        int code = commandLine(args)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // An I/O or start failure is a message for a person, not a stack trace.
                    System.err.println(cmd.getCommandName() + ": " + e);
                    LOG.debug("event=command_failed", e);
                    return 2;
                })
                .execute(args);
        System.exit(code);
    }

    /**
     * The command line for {@code args}. Picocli builds a reflective model of every command it is given (~50 ms of
     * a ~1.5 s start on a 2-core machine for all our subcommands and theirs), so the sensor's own invocation
     * ({@code [-conf FILE] [-cluster …]}: no argument, or options only and none of them help nor a subcommand's
     * name) gets the root command alone; anything else gets every subcommand, exactly as before.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        if (!sensorOnly(args)) {
            SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        return cl;
    }

    private static boolean sensorOnly(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            return false;
        }
        java.util.Set<String> words = new java.util.HashSet<>(List.of("-h", "--help", "help"));
        for (Class<?> c : SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            words.add(command.name());
            words.addAll(List.of(command.aliases()));
        }
        for (String a : args) {
            if (words.contains(a)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Integer call() throws Exception {
        ArgusConfig config;
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        if (cluster) {
            env.put(ConfigLoader.envName("cluster.enabled"), "true");
        }
        if (clusterHost != null) {
            env.put(ConfigLoader.envName("cluster.host"), clusterHost);
        }
        if (clusterPort != null) {
            env.put(ConfigLoader.envName("cluster.port"), clusterPort.toString());
        }
        try {
            config = loadConfig(conf, env);
        } catch (ConfigException e) {
            printProblems(conf, e);
            return 1;
        }
        VertxOptions options = ArgusMetrics.options(new VertxOptions());
        Vertx node;
        if (config.cluster().enabled()) {
            try {
                node = await(ClusterVertx.start(config.cluster(), options));
            } catch (Exception e) {
                System.err.println("argus: cannot join the cluster on " + config.cluster().host() + ":" + config.cluster().port()
                        + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
                return 1;
            }
        } else {
            node = Vertx.vertx(options);
        }
        String salt = saltFor(config, LOG);
        Sensor sensor = new Sensor(node, config, salt, new SensorStats(), new SensorHealth(Clock.systemUTC()));
        try {
            await(sensor.start());
        } catch (Exception e) {
            System.err.println("argus: the sensor failed to start: " + e.getMessage());
            await(node.close());
            return 1;
        }
        LOG.info("event=sensor_started source={} output_dir={} http={}",
                config.capture().offline() ? "file " + config.capture().file() : "interface " + config.capture().interfaceName(),
                config.csv().outputDir().toAbsolutePath(),
                config.http().enabled() ? config.http().host() + ":" + sensor.httpPort() : "off");
        // SIGTERM/SIGINT end the wait below; the main thread then stops cleanly and the process exits 0 (systemd
        // reads that as a clean stop). The shutdown hook covers any other way the JVM ends.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stopRequested.countDown());
            } catch (IllegalArgumentException unsupported) {
                LOG.debug("event=signal_not_handled signal={}", name);
            }
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stopOnce = () -> {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            LOG.info("event=sensor_stopping");
            try {
                await(sensor.stop());
                await(node.close());
            } catch (Exception e) {
                LOG.warn("event=sensor_stop_incomplete reason=\"{}\"", LogText.escape(e.toString()));
            }
            LOG.info("event=sensor_stopped");
        };
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("argus-shutdown").unstarted(stopOnce));
        stopRequested.await();
        stopOnce.run();
        return 0;
    }

    /** The salt in force: configured, or (only with {@code anonymization.generate_salt}) a fresh random one. */
    static String saltFor(ArgusConfig config, Logger log) {
        String salt = config.anonymization().salt();
        if (salt.isEmpty()) {
            salt = Anonymizer.randomSalt();
            log.warn("event=salt_generated reason=\"no anonymization.salt / ARGUS_IP_SALT configured\" "
                    + "effect=\"pseudonyms in this run's CSVs will not match any other run's\"");
        }
        return salt;
    }

    /**
     * The configuration for an offline command (replay, train): no capture interface is needed, and without a salt
     * one is generated (and said) instead of failing.
     *
     * @param conf the {@code -conf} file, or null for the defaults
     * @throws ConfigException naming every bad key
     */
    static ArgusConfig loadOffline(Path conf) throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putIfAbsent(ConfigLoader.envName("anonymization.generate_salt"), "true");
        return loadConfig(conf, env);
    }

    /**
     * Loads the configuration ({@link ConfigLoader#load}); a Vert.x instance is started (and closed) only when the
     * file needs one (YAML), so a JSON file or none costs no event loop.
     *
     * @throws ConfigException naming every bad key
     */
    static ArgusConfig loadConfig(Path conf, java.util.Map<String, String> env) throws Exception {
        if (!ConfigLoader.needsVertx(conf)) {
            return await(ConfigLoader.load(null, conf, env));
        }
        Vertx vertx = Vertx.vertx();
        try {
            return await(ConfigLoader.load(vertx, conf, env));
        } finally {
            await(vertx.close());
        }
    }

    /** {@link #loadOffline}, or null after printing every problem (the command then exits 1). */
    static ArgusConfig loadOfflineOrExplain(Path conf) throws Exception {
        try {
            return loadOffline(conf);
        } catch (ConfigException e) {
            printProblems(conf, e);
            return null;
        }
    }

    /** Prints every configuration problem on its own line. */
    static void printProblems(Path conf, ConfigException e) {
        System.err.println("argus: configuration " + (conf == null ? "(built-in defaults)" : conf) + " is not usable:");
        for (String p : e.problems()) {
            System.err.println("  - " + p);
        }
    }

    /** Waits for a future on this (non-Vert.x) thread; unwraps its failure. */
    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** Version from the jar manifest, if any. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"argus " + (v == null ? "dev" : v)};
        }
    }
}
