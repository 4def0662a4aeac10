package org.argus.staging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.ReplyException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.argus.anon.Anonymizer;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BlacklistExport;
import org.argus.blacklist.BlacklistSnapshot;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staging and upload on a timer: every {@code staging.scan_interval_seconds} one {@link StagingPipeline} pass runs on
 * the ordered worker {@code argus-staging} (file moves and the blocking Cloud Storage SDK never touch an event loop;
 * passes never overlap). Health: {@code staging} is degraded (still 200) while a staged file is older than
 * {@code staging.max_backlog_age_seconds}, with the count, bytes and last error; unhealthy only when the folders
 * themselves cannot be used.
 *
 * <p>With Firebase on, the same worker also runs the two syncs: every {@code firebase.model_sync_interval_seconds} the
 * newest model is fetched into the models folder ({@link ModelDownloader}) and {@link Addresses#MODEL_AVAILABLE}
 * tells the prediction verticle to hot-swap it; every {@code firebase.blacklist_sync_interval} seconds this sensor's
 * list is exported and the lists of {@code firebase.blacklist_import_from} are applied through
 * {@link Addresses#BLACKLIST_ADD} / {@link Addresses#BLACKLIST_REMOVE} ({@link BlacklistSync}). A sync that fails is
 * logged, shown in {@code /status} and tried again at the next interval; it never stops CSV uploads.
 */
public final class StagingVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(StagingVerticle.class);

    private final StagingSettings settings;
    private final StagingPipeline.StorageSource source;
    private final StagingStats stats;
    private final SensorHealth health;
    private final Clock clock;
    private final Sync sync;
    private WorkerExecutor worker;
    private StagingPipeline pipeline;
    private boolean running;
    private boolean modelBusy;
    private boolean blacklistBusy;
    private ModelDownloader models;
    private BlacklistSync lists;

    /**
     * What the verticle does besides uploads.
     *
     * @param stageCsv          stage and upload closed CSVs (false in polling mode: the polled folder is not ours)
     * @param modelDir          the models folder downloads go to; null: no model sync
     * @param exportAnonymizer  pseudonyms for the exported list ({@code enforcement.export_anonymized}); null: plain
     * @param archive           the compressed archive of uploaded (or, without uploads, long-staged) CSVs ({@code archive.*})
     */
    public record Sync(boolean stageCsv, Path modelDir, Anonymizer exportAnonymizer, Archive.Settings archive) {
        /** CSV staging and upload only. */
        public static final Sync UPLOADS_ONLY = new Sync(true, null, null);

        /** Without an archive. */
        public Sync(boolean stageCsv, Path modelDir, Anonymizer exportAnonymizer) {
            this(stageCsv, modelDir, exportAnonymizer, Archive.Settings.off());
        }
    }

    /**
     * @param source null when {@code firebase.enabled} is false
     */
    public StagingVerticle(StagingSettings settings, StagingPipeline.StorageSource source, StagingStats stats, SensorHealth health,
                           Clock clock) {
        this(settings, source, stats, health, clock, Sync.UPLOADS_ONLY);
    }

    /**
     * @param source null when {@code firebase.enabled} is false (then nothing is synced either)
     */
    public StagingVerticle(StagingSettings settings, StagingPipeline.StorageSource source, StagingStats stats, SensorHealth health,
                           Clock clock, Sync sync) {
        this.settings = settings;
        this.source = source;
        this.stats = stats;
        this.health = health;
        this.clock = clock;
        this.sync = sync;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), BanRequest.class);
        LocalCodec.registerFor(vertx.eventBus(), BlacklistSnapshot.class);
        worker = vertx.createSharedWorkerExecutor("argus-staging", 1);
        StagingSettings.Firebase fb = source == null ? null : settings.firebase();
        if (fb != null && sync.modelDir() != null && fb.modelSyncInterval().isPositive()) {
            vertx.setPeriodic(Math.min(1000, fb.modelSyncInterval().toMillis()), fb.modelSyncInterval().toMillis(), id -> modelSync(fb));
        }
        if (fb != null && fb.blacklistSyncInterval().isPositive()) {
            // the first round a little later, once the blacklist verticle is up
            vertx.setPeriodic(Math.min(5000, fb.blacklistSyncInterval().toMillis()), fb.blacklistSyncInterval().toMillis(),
                    id -> blacklistSync(fb));
        }
        if (!sync.stageCsv()) {
            health.set(SensorHealth.STAGING, true, "off", "polling mode: the polled folder is not staged");
            return Future.succeededFuture();
        }
        return worker.executeBlocking(() -> new StagingPipeline(settings, source, stats, sync.archive())).map(p -> {
            pipeline = p;
            vertx.setPeriodic(0, settings.scanInterval().toMillis(), id -> pass());
            LOG.info("event=staging_started staging={} uploaded={} upload={}", settings.stagingDir(), settings.uploadedDir(),
                    source == null ? "off (firebase.enabled false)" : "gs://" + settings.firebase().bucket() + "/"
                            + settings.firebase().dataPrefix() + "/" + settings.firebase().sensorId());
            return null;
        });
    }

    private void modelSync(StagingSettings.Firebase fb) {
        if (modelBusy) {
            return;
        }
        modelBusy = true;
        worker.executeBlocking(() -> {
            if (models == null) {
                models = new ModelDownloader(source.open(), fb.bucket(), fb.modelPath());
            }
            return models.syncInto(sync.modelDir());
        }).onComplete(ar -> {
            modelBusy = false;
            if (ar.failed()) {
                stats.modelSyncLastError.set(ar.cause().getMessage());
                LOG.warn("event=model_sync_failed reason=\"{}\"", LogText.escape(ar.cause().getMessage()));
                if (ar.cause() instanceof RuntimeException) {
                    models = null; // a broken client is built again next time
                }
                return;
            }
            stats.modelSyncLastError.set(null);
            if (ar.result() != null) {
                stats.modelDownloads.increment();
                stats.modelLastDownloaded.set(ar.result());
                LOG.info("event=model_downloaded version={} dir={}", ar.result(), sync.modelDir());
                vertx.eventBus().publish(Addresses.MODEL_AVAILABLE, ar.result());
            }
        });
    }

    /** The blocking half of a blacklist round: export, then fetch and plan each peer. */
    private record Round(List<String> peers, List<BlacklistSync.Plan> plans, List<String> errors) {
    }

    private void blacklistSync(StagingSettings.Firebase fb) {
        if (blacklistBusy) {
            return;
        }
        blacklistBusy = true;
        vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null)
                .compose(m -> worker.executeBlocking(() -> fetchAndPlan(fb, m.body())))
                .compose(this::apply)
                .onComplete(ar -> {
                    blacklistBusy = false;
                    String error = ar.failed() ? ar.cause().getMessage() : ar.result();
                    stats.blacklistSyncLastError.set(error);
                    if (error != null) {
                        LOG.warn("event=blacklist_sync_problem reason=\"{}\"", LogText.escape(error));
                    }
                });
    }

    private Round fetchAndPlan(StagingSettings.Firebase fb, BlacklistSnapshot snapshot) throws IOException {
        if (lists == null) {
            lists = new BlacklistSync(source.open(), fb.bucket(), fb.blacklistPrefix());
        }
        Instant now = clock.instant();
        List<String> errors = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        List<BlacklistSync.Plan> plans = new ArrayList<>();
        try {
            var exported = BlacklistSync.exported(snapshot.bans());
            lists.publish(fb.sensorId(), BlacklistExport.document(exported, sync.exportAnonymizer(), fb.sensorId(), now));
            stats.blacklistExports.increment();
            stats.blacklistLastExportEpochMillis.set(now.toEpochMilli());
            LOG.info("event=blacklist_exported bans={} object=gs://{}/{} anonymized={}", exported.size(), fb.bucket(),
                    lists.objectName(fb.sensorId()), sync.exportAnonymizer() != null);
        } catch (IOException | RuntimeException e) {
            errors.add("export: " + e.getMessage());
        }
        for (String peer : fb.blacklistImportFrom()) {
            try {
                BlacklistExport.Document doc = lists.fetch(peer);
                if (doc == null) {
                    LOG.info("event=blacklist_import_none peer={} object=gs://{}/{}", peer, fb.bucket(), lists.objectName(peer));
                    continue;
                }
                peers.add(peer);
                plans.add(BlacklistSync.plan(peer, doc, snapshot.bans(), now));
            } catch (IOException | RuntimeException e) {
                errors.add("import from " + peer + ": " + e.getMessage());
            }
        }
        return new Round(peers, plans, errors);
    }

    /** Sends the planned bans and removals to the blacklist verticle; completes with the round's problems or null. */
    private Future<String> apply(Round round) {
        List<String> errors = new ArrayList<>(round.errors());
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < round.plans().size(); i++) {
            String peer = round.peers().get(i);
            BlacklistSync.Plan plan = round.plans().get(i);
            if (plan.refused() != null) {
                stats.blacklistImportRefused.increment();
                errors.add("import from " + peer + " refused: " + plan.refused());
                continue;
            }
            for (BanRequest r : plan.bans()) {
                sent.add(vertx.eventBus().request(Addresses.BLACKLIST_ADD, r)
                        .onSuccess(ok -> stats.blacklistImported.increment())
                        .recover(e -> {
                            if (e instanceof ReplyException re && (re.failureCode() == 400 || re.failureCode() == 409)) {
                                stats.blacklistImportRefused.increment();
                                LOG.warn("event=peer_ban_refused peer={} address={} why=\"{}\"", peer, r.address(), LogText.escape(e.getMessage()));
                                return Future.succeededFuture();
                            }
                            return Future.failedFuture(e);
                        }));
            }
            for (String address : plan.removals()) {
                sent.add(vertx.eventBus().<Boolean>request(Addresses.BLACKLIST_REMOVE, address).onSuccess(m -> {
                    if (Boolean.TRUE.equals(m.body())) {
                        stats.blacklistImportRemoved.increment();
                        LOG.info("event=peer_ban_withdrawn peer={} address={}", peer, address);
                    }
                }));
            }
            LOG.info("event=blacklist_imported peer={} bans={} withdrawn={}", peer, plan.bans().size(), plan.removals().size());
        }
        return Future.join(sent).transform(ar -> {
            if (ar.failed()) {
                errors.add("applying peer bans: " + ar.cause().getMessage());
            }
            return Future.succeededFuture(errors.isEmpty() ? null : String.join("; ", errors));
        });
    }

    @Override
    public Future<?> stop() {
        return worker.close();
    }

    private void pass() {
        if (running || pipeline == null) {
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
                LOG.error("event=staging_failed reason=\"{}\"", LogText.escape(ar.cause().getMessage()));
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
