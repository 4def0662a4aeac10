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
 * Wires {@link InfluxExporter} to the bus (with {@code export.influx.enabled}). A closed window's flows are summed into
 * the open {@code argus_flows} interval on this verticle's event loop ({@link InfluxExporter.Intervals}: a hash-map
 * update per flow), so no window is held for the export: only its totals and, when an interval closes, the interval's
 * sums go on to the platform thread {@code argus-influx}, with decisions, ban changes and device summaries (ordered;
 * formatting, network and disk I/O happen there, never on the event loop). Live, at most
 * {@value #MAX_PENDING_INTERVALS} closed intervals wait for that thread; more are shed and counted
 * ({@code windows_shed} counts their windows), so a slow server never grows the heap; from a file none is shed. A 1 s timer drives
 * flushing, retries and {@code argus_health}. Stopping flushes: the open interval, the buffer and the on-disk queue go
 * to the server while it answers (at most {@code 3 × timeout}); what is left stays on disk for the next start.
 */
public final class InfluxExportVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxExportVerticle.class);
    static final int MAX_PENDING_INTERVALS = 4;

    private final InfluxSettings settings;
    private final String sensor;
    private final String salt;
    private final InfluxStats stats;
    private final Supplier<Map<String, Number>> health;
    private final Clock clock;
    private final boolean live;
    private final AtomicInteger pendingIntervals = new AtomicInteger();
    private InfluxExporter.Intervals intervals;
    private long windowsInInterval;
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
        intervals = new InfluxExporter.Intervals(settings.aggregationInterval(), settings.maxFlowKeys());
        return run(() -> {
            exporter = new InfluxExporter(settings, sensor, salt, writer::send, stats, clock);
            stats.url.set(writer.uri().toString());
        }).onSuccess(v -> {
            vertx.eventBus().<FlowWindow>localConsumer(Addresses.WINDOW_CLOSED, m -> {
                FlowWindow w = m.body();
                InfluxExporter.Interval closed = intervals.add(w);
                if (closed != null) {
                    handOn(closed);
                }
                windowsInInterval++;
                InfluxExporter.WindowPoint point = InfluxExporter.WindowPoint.of(w);
                submit(() -> exporter.onWindow(point));
            });
            vertx.eventBus().<Decision>localConsumer(Addresses.DECISION, m -> submit(() -> exporter.onDecision(m.body())));
            vertx.eventBus().<BanChange>localConsumer(Addresses.BAN_CHANGED, m -> submit(() -> exporter.onBan(m.body())));
            vertx.eventBus().<JsonArray>localConsumer(Addresses.DEVICE_SUMMARY, m -> submit(() -> exporter.onDevices(m.body())));
            timer = vertx.setPeriodic(1000, id -> submit(() -> exporter.tick(health)));
            LOG.info("event=influx_export_started url={} api={} queue={} queued_batches={}", writer.uri(),
                    settings.api().name().toLowerCase(), settings.queueDir(), stats.queuedBatches.get());
        });
    }

    /** A closed interval to the export thread, or shed (live, when it is behind). */
    private void handOn(InfluxExporter.Interval closed) {
        long windows = windowsInInterval;
        windowsInInterval = 0;
        if (pendingIntervals.incrementAndGet() > MAX_PENDING_INTERVALS && live) {
            pendingIntervals.decrementAndGet();
            stats.windowsShed.add(windows);
            return;
        }
        submit(() -> {
            try {
                exporter.onInterval(closed);
            } finally {
                pendingIntervals.decrementAndGet();
            }
        });
    }

    @Override
    public Future<?> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        InfluxExporter.Interval open = intervals == null ? null : intervals.flush();
        if (open != null && exporter != null) {
            submit(() -> exporter.onInterval(open)); // before close(): the thread runs tasks in order
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
