package org.argus.status;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link HealthMonitor} every 5 s: the readings that touch files (free space, the interface's
 * {@code /sys/class/net/<if>/operstate}) are taken on a worker, the counters from a {@link Counters} supplier the
 * sensor wires to the stages (this package reads no stage itself), components from {@link SensorHealth}. A raised alert is logged ({@code event=alert}, ERROR for critical, WARN for warning) and, with
 * {@code health.webhook_url}, POSTed as JSON {@code {"sensor", "state": "raised"|"resolved", "alert", "severity",
 * "message", "since", "at"}} with up to {@code webhook_attempts} tries (waits 1 s, 4 s, 16 s, ...); the same alert is
 * announced again only after {@code alert_cooldown_seconds}. Alerts in force are in {@link HealthStats#alerts} for
 * {@code /health} and {@code /status}. Every {@code health.stats_interval_seconds} it writes the document its
 * supplier makes ({@code stats.json}) to {@code health.stats_file}.
 */
public final class HealthMonitorVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitorVerticle.class);

    private final HealthMonitor monitor;
    private final HealthMonitor.Settings settings;
    private final HealthStats stats;
    private final Supplier<Counters> counters;
    private final Supplier<JsonObject> statsDocument;
    private final SensorHealth health;
    private final String sensorId;
    private final String interfaceName;
    private final Path outputDir;
    private final long minFreeBytes;
    private final DiskSpace freeSpace;
    private final long intervalMillis;
    // made on the first webhook on a worker, not at start: building it initializes TLS (~0.3 s of a 2-core start-up)
    private Future<HttpClient> client;
    private boolean checking;
    private String statsProblem;

    /**
     * The pipeline's counters a check reads.
     *
     * @param packets      frames read so far
     * @param dropped      packets dropped before the flow stage (kernel, interface, capture queue)
     * @param queued       packets waiting for the flow stage now
     * @param modelVersion the model in use, or null
     */
    public record Counters(long packets, long dropped, long queued, String modelVersion) {
    }

    /** Free bytes of the file system holding a folder (statvfs {@code f_bavail}). */
    @FunctionalInterface
    public interface DiskSpace {
        long usableBytes(Path dir) throws IOException;
    }

    /**
     * @param stats          this monitor's own numbers (alerts in force, checks passed)
     * @param counters       reads the pipeline's counters at each check
     * @param statsDocument  makes {@code stats.json} at each write
     * @param interfaceName  the live capture interface, or null (file or polling)
     * @param outputDir      where CSVs go (free space), or null
     * @param intervalMillis how often to check (5000 in the sensor)
     */
    public HealthMonitorVerticle(HealthMonitor.Settings settings, HealthStats stats, Supplier<Counters> counters,
                                 Supplier<JsonObject> statsDocument, SensorHealth health, String sensorId,
                                 String interfaceName, Path outputDir, long minFreeBytes, DiskSpace freeSpace, long intervalMillis) {
        this.settings = settings;
        this.monitor = new HealthMonitor(settings);
        this.stats = stats;
        this.counters = counters;
        this.statsDocument = statsDocument;
        this.health = health;
        this.sensorId = sensorId;
        this.interfaceName = interfaceName;
        this.outputDir = outputDir;
        this.minFreeBytes = minFreeBytes;
        this.freeSpace = freeSpace;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().<JsonObject>localConsumer(org.argus.bus.Addresses.NOTICE, m -> {
            if (!settings.webhookUrl().isEmpty()) {
                send(m.body().copy().put("sensor", sensorId).put("state", "notice").put("at", health.clock().instant().toString()), 1);
            }
        });
        vertx.setPeriodic(Math.min(1000, intervalMillis), intervalMillis, id -> check());
        if (settings.statsFile() != null) {
            vertx.setPeriodic(settings.statsInterval().toMillis(), settings.statsInterval().toMillis(), id -> writeStats());
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        if (client != null && client.succeeded()) {
            client.result().close();
        }
        return Future.succeededFuture();
    }

    private record Files2(Boolean interfaceUp, long free) {
    }

    private void check() {
        if (checking) {
            return;
        }
        checking = true;
        vertx.executeBlocking(() -> new Files2(interfaceUp(), free())).onComplete(ar -> {
            checking = false;
            Files2 f = ar.succeeded() ? ar.result() : new Files2(null, -1);
            var components = health.snapshot();
            ComponentState prediction = components.get(SensorHealth.PREDICTION);
            boolean modelExpected = prediction != null && !prediction.state().equals("learning") && !prediction.state().equals("starting");
            Counters c = counters.get();
            HealthMonitor.Reading r = new HealthMonitor.Reading(c.packets(), c.dropped(), c.queued(),
                    f.interfaceUp(), interfaceName, f.free(), minFreeBytes, modelExpected, c.modelVersion(), components);
            HealthMonitor.Changes changes = monitor.check(r, health.clock().instant());
            stats.alerts.set(monitor.active());
            if (monitor.active().stream().noneMatch(a -> a.severity().equals("critical"))) {
                stats.healthChecksPassed.increment();
            }
            for (Alert a : changes.raised()) {
                if (a.severity().equals("critical")) {
                    LOG.error("event=alert name={} severity=critical message=\"{}\"", a.name(), org.argus.log.LogText.escape(a.message()));
                } else {
                    LOG.warn("event=alert name={} severity=warning message=\"{}\"", a.name(), org.argus.log.LogText.escape(a.message()));
                }
                notify(a, "raised");
            }
            for (Alert a : changes.resolved()) {
                LOG.info("event=alert_resolved name={} since={}", a.name(), a.since());
                notify(a, "resolved");
            }
        });
    }

    /** Writes {@code stats.json} atomically (temporary file, then rename) on a worker; a failure is logged once per cause. */
    private void writeStats() {
        JsonObject doc = statsDocument.get();
        Path file = settings.statsFile();
        vertx.executeBlocking(() -> {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".part");
            Files.writeString(tmp, doc.encodePrettily() + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return null;
        }).onComplete(ar -> {
            String problem = ar.failed() ? ar.cause().toString() : null;
            if (problem != null && !problem.equals(statsProblem)) {
                LOG.warn("event=stats_file_failed file={} reason=\"{}\"", file, LogText.escape(problem));
            }
            statsProblem = problem;
        });
    }

    private Boolean interfaceUp() {
        if (interfaceName == null || interfaceName.isBlank()) {
            return null;
        }
        try {
            String state = Files.readString(Path.of("/sys/class/net", interfaceName, "operstate")).strip();
            return !(state.equals("down") || state.equals("lowerlayerdown") || state.equals("notpresent"));
        } catch (IOException gone) {
            return false; // the interface no longer exists
        }
    }

    private long free() {
        try {
            return outputDir == null ? -1 : freeSpace.usableBytes(Files.isDirectory(outputDir) ? outputDir : outputDir.toAbsolutePath().getParent());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void notify(Alert a, String state) {
        if (settings.webhookUrl().isEmpty()) {
            return;
        }
        JsonObject body = a.toJson().put("sensor", sensorId).put("state", state).put("at", health.clock().instant().toString());
        send(body, 1);
    }

    private void send(JsonObject body, int attempt) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.webhookUrl())).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        if (client == null) {
            client = vertx.executeBlocking(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        }
        client.onSuccess(c -> c.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> vertx.runOnContext(v -> {
            boolean ok = err == null && resp.statusCode() / 100 == 2;
            if (ok) {
                LOG.debug("event=alert_webhook_sent alert={} attempt={}", body.getString("alert"), attempt);
                return;
            }
            String why = err != null ? err.toString() : "HTTP " + resp.statusCode();
            if (attempt >= settings.webhookAttempts()) {
                LOG.warn("event=alert_webhook_failed alert={} attempts={} reason=\"{}\"", body.getString("alert"), attempt, LogText.escape(why));
                return;
            }
            long wait = 1000L << (2 * (attempt - 1));
            vertx.setTimer(wait, id -> send(body, attempt + 1));
        })));
    }
}
