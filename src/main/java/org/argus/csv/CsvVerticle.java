package org.argus.csv;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import org.argus.anon.Anonymizer;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.flow.FlowWindow;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires a {@link CsvRotator} to the bus: consumes {@link FlowWindow}s from {@link Addresses#WINDOW_CLOSED} and writes
 * them on one ordered worker thread ("argus-csv"), so file I/O never runs on the event loop and windows are written
 * in arrival order. Publishes {@link CsvFileClosed} on {@link Addresses#CSV_CLOSED}. At start, recovers temporary
 * files a crash left behind; at stop, closes the open file under its final name.
 *
 * <p>A failed write (disk full, folder gone) is logged, counted and shown on {@code /health}; the next window is
 * tried again, and health turns good again on the first write that succeeds. A nearly full disk
 * ({@code aggregation.min_free_mb}) pauses writing cleanly: {@code csv} turns unhealthy with status {@code disk_full},
 * the free space and what was not written, until space is back.
 */
public final class CsvVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(CsvVerticle.class);

    private final CsvSettings settings;
    private final String salt;
    private final CsvStats stats;
    private final SensorHealth health;
    private WorkerExecutor worker;
    private CsvRotator rotator;
    private java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> geoColumns;

    /** Appends the GeoIP columns ({@code aggregation.extra_columns}) from this lookup; returns this. */
    public CsvVerticle geoColumns(java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> lookup) {
        this.geoColumns = lookup;
        return this;
    }

    public CsvVerticle(CsvSettings settings, String salt, CsvStats stats, SensorHealth health) {
        this.settings = settings;
        this.salt = salt;
        this.stats = stats;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), FlowWindow.class);
        LocalCodec.registerFor(vertx.eventBus(), CsvFileClosed.class);
        worker = vertx.createSharedWorkerExecutor("argus-csv", 1);
        return worker.executeBlocking(() -> {
            rotator = new CsvRotator(settings, new Anonymizer(salt), stats,
                    closed -> vertx.eventBus().publish(Addresses.CSV_CLOSED, closed));
            if (geoColumns != null) {
                rotator.geoColumns(geoColumns);
            }
            rotator.recover();
            return null;
        }).compose(v -> {
            health.set(SensorHealth.CSV, true, "running", "writing to " + settings.outputDir());
            MessageConsumer<FlowWindow> consumer = vertx.eventBus().localConsumer(Addresses.WINDOW_CLOSED,
                    m -> write(m.body()));
            return consumer.completion();
        });
    }

    private void write(FlowWindow w) {
        worker.executeBlocking(() -> {
            rotator.write(w);
            return null;
        }).onSuccess(v -> {
            String paused = rotator.pausedReason();
            if (paused != null) {
                health.set(SensorHealth.CSV, false, "disk_full", paused + " (" + stats.csvWindowsNotWritten.sum()
                        + " windows, " + stats.csvRowsNotWritten.sum() + " rows not written so far)");
            } else {
                health.set(SensorHealth.CSV, true, "running", "writing to " + settings.outputDir());
            }
        })
          .onFailure(e -> {
              stats.csvErrors.increment();
              health.set(SensorHealth.CSV, false, "failing", "cannot write to " + settings.outputDir() + ": " + e);
              LOG.error("event=csv_write_failed window_start_ns={} flows={} reason=\"{}\"", w.startNanos(), w.flows().size(), LogText.escape(e.toString()));
          });
    }

    @Override
    public Future<?> stop() {
        return worker.executeBlocking(() -> {
            if (rotator != null) {
                rotator.close();
            }
            return null;
        }).eventually(() -> {
            health.set(SensorHealth.CSV, true, "stopped", "");
            return worker.close();
        });
    }
}
