package org.argus.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.argus.blacklist.BanChange;
import org.argus.bus.Addresses;
import org.argus.detect.Decision;
import org.argus.flow.FlowWindow;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires {@link InfluxExporter} to the bus (with {@code export.influx.enabled}): closed windows, decisions, ban changes
 * and device summaries go to the exporter on a platform thread of its own, {@code argus-influx} (ordered; network
 * and disk I/O happen there, never on the event loop). Live, at most {@value #MAX_PENDING_WINDOWS} windows wait for
 * that thread; more are shed and counted ({@code windows_shed}), so a slow server never grows the heap; from a file
 * every window is exported (the file is read once, and the windows are already in memory for CSV and scoring). A 1 s timer drives
 * flushing, retries and {@code argus_health}. Stopping flushes: the open interval, the buffer and the on-disk queue go
 * to the server while it answers (at most {@code 3 × timeout}); what is left stays on disk for the next start.
 */
public final class InfluxExportVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxExportVerticle.class);
    static final int MAX_PENDING_WINDOWS = 4;

    private final InfluxSettings settings;
    private final String sensor;
    private final String salt;
    private final InfluxStats stats;
    private final Supplier<Map<String, Number>> health;
    private final Clock clock;
    private final boolean live;
    private final AtomicInteger pendingWindows = new AtomicInteger();
    private ExecutorService thread;
    private InfluxExporter exporter;
    private long timer = -1;

    /**
     * @param health counters for {@code argus_health}, read on the export thread (must be thread-safe)
     * @param live   live capture (windows may be shed) rather than a file (never)
     */
    public InfluxExportVerticle(InfluxSettings settings, String sensor, String salt, InfluxStats stats,
                                Supplier<Map<String, Number>> health, Clock clock, boolean live) {
        this.settings = settings;
        this.sensor = sensor;
        this.salt = salt;
        this.stats = stats;
        this.health = health;
        this.clock = clock;
        this.live = live;
    }

    @Override
    public Future<?> start() {
        thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("argus-influx").daemon(true).factory());
        InfluxWriter writer = new InfluxWriter(settings);
        return run(() -> {
            exporter = new InfluxExporter(settings, sensor, salt, writer::send, stats, clock);
            stats.url.set(writer.uri().toString());
        }).onSuccess(v -> {
            vertx.eventBus().<FlowWindow>localConsumer(Addresses.WINDOW_CLOSED, m -> {
                if (pendingWindows.incrementAndGet() > MAX_PENDING_WINDOWS && live) {
                    pendingWindows.decrementAndGet();
                    stats.windowsShed.increment();
                    return;
                }
                submit(() -> {
                    try {
                        exporter.onWindow(m.body());
                    } finally {
                        pendingWindows.decrementAndGet();
                    }
                });
            });
            vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> submit(() -> exporter.onDecision(m.body())));
            vertx.eventBus().<BanChange>localConsumer(Addresses.BAN_CHANGED, m -> submit(() -> exporter.onBan(m.body())));
            vertx.eventBus().<JsonArray>localConsumer(Addresses.DEVICE_SUMMARY, m -> submit(() -> exporter.onDevices(m.body())));
            timer = vertx.setPeriodic(1000, id -> submit(() -> exporter.tick(health)));
            LOG.info("event=influx_export_started url={} api={} queue={} queued_batches={}", writer.uri(),
                    settings.api().name().toLowerCase(), settings.queueDir(), stats.queuedBatches.get());
        });
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (exporter == null) {
            thread.shutdownNow();
            return Future.succeededFuture();
        }
        // close() sends while the server answers; the deadline keeps a dead server from holding the stop
        Promise<Void> done = Promise.promise();
        Thread.ofPlatform().name("argus-influx-stop").start(() -> {
            try {
                thread.submit(() -> {
                    exporter.close();
                    return null;
                }).get(3 * settings.timeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
                LOG.info("event=influx_export_stopped points_sent={} queued_batches={} points_dropped={}", stats.pointsSent.sum(),
                        stats.queuedBatches.get(), stats.pointsDropped.sum());
            } catch (Exception e) {
                LOG.warn("event=influx_export_stop_incomplete queued_batches={} reason=\"{}\"", stats.queuedBatches.get(),
                        LogText.escape(e.toString()));
            } finally {
                thread.shutdownNow();
                done.complete();
            }
        });
        return done.future();
    }

    /** Work for the export thread. */
    private interface Step {
        void run() throws Exception;
    }

    private void submit(Step step) {
        try {
            thread.execute(() -> {
                try {
                    step.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception | Error e) {
                    stats.lastError.set(e.toString());
                    LOG.warn("event=influx_export_failed reason=\"{}\"", LogText.escape(e.toString()), e);
                }
            });
        } catch (RejectedExecutionException stopped) {
            // stopping: the close step has the rest
        }
    }

    private Future<Void> run(Step step) {
        Promise<Void> p = Promise.promise();
        thread.execute(() -> {
            try {
                step.run();
                p.complete();
            } catch (Exception e) {
                p.fail(new IllegalStateException("InfluxDB export cannot start: " + e.getMessage(), e));
            }
        });
        return p.future();
    }
}
