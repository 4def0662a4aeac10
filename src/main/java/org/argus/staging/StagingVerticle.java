package org.argus.staging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.argus.status.SensorHealth;
import org.argus.status.SensorStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging and upload on a timer: every {@code staging.scan_interval_seconds} one {@link StagingPipeline} pass runs on
 * the ordered worker {@code argus-staging} (file moves and the blocking Cloud Storage SDK never touch an event loop;
 * passes never overlap). Health: {@code staging} is degraded (still 200) while a staged file is older than
 * {@code staging.max_backlog_age_seconds}, with the count, bytes and last error; unhealthy only when the folders
 * themselves cannot be used.
 */
public final class StagingVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(StagingVerticle.class);

    private final StagingSettings settings;
    private final StagingPipeline.StorageSource source;
    private final SensorStats stats;
    private final SensorHealth health;
    private final Clock clock;
    private WorkerExecutor worker;
    private StagingPipeline pipeline;
    private boolean running;

    /**
     * @param source null when {@code firebase.enabled} is false
     */
    public StagingVerticle(StagingSettings settings, StagingPipeline.StorageSource source, SensorStats stats, SensorHealth health,
                           Clock clock) {
        this.settings = settings;
        this.source = source;
        this.stats = stats;
        this.health = health;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        worker = vertx.createSharedWorkerExecutor("argus-staging", 1);
        return worker.executeBlocking(() -> new StagingPipeline(settings, source, stats)).map(p -> {
            pipeline = p;
            vertx.setPeriodic(0, settings.scanInterval().toMillis(), id -> pass());
            LOG.info("event=staging_started staging={} uploaded={} upload={}", settings.stagingDir(), settings.uploadedDir(),
                    source == null ? "off (firebase.enabled false)" : "gs://" + settings.firebase().bucket() + "/"
                            + settings.firebase().dataPrefix() + "/" + settings.firebase().sensorId());
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        return worker.close();
    }

    private void pass() {
        if (running) {
            return;
        }
        running = true;
        Instant now = clock.instant();
        worker.executeBlocking(() -> {
            pipeline.runOnce(now);
            return null;
        }).onComplete(ar -> {
            running = false;
            if (ar.failed()) {
                health.set(SensorHealth.STAGING, false, "failing", ar.cause().getMessage());
                LOG.error("event=staging_failed reason=\"{}\"", ar.cause().getMessage());
                return;
            }
            long oldest = stats.oldestStagedEpochMillis.get();
            Duration age = oldest == 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - oldest));
            String backlog = stats.stagedFiles.get() + " files (" + stats.stagedBytes.get() + " bytes) staged, oldest "
                    + age.toSeconds() + " s";
            String err = stats.uploadLastError.get();
            if (source != null && age.compareTo(settings.maxBacklogAge()) > 0) {
                health.set(SensorHealth.STAGING, true, "degraded", "upload backlog: " + backlog
                        + (err == null ? "" : "; last error: " + err));
            } else {
                health.set(SensorHealth.STAGING, true, source == null ? "local" : "ok", backlog);
            }
        });
    }
}
