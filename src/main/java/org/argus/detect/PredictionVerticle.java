package org.argus.detect;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.flow.EarlyLook;
import org.argus.flow.FlowWindow;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction stage (the Aegis seed's prediction engine and model manager). Everything runs on one ordered worker
 * thread ("argus-prediction"), so scoring, model swaps, learning and file writes never block an event loop and a
 * window is never scored by two models at once.
 *
 * <p>Input: in live mode, {@link FlowWindow}s from {@link Addresses#WINDOW_CLOSED}; in polling mode
 * ({@code polling.enabled}), closed Retina CSV files in {@code polling.csv_directory}, read every
 * {@code poll_interval_seconds}, each processed once across restarts. Output: each {@link Decision} published on
 * {@link Addresses#DECISION} and appended to {@code decisions-<day>.jsonl} in the output folder.
 *
 * <p>Model: the newest usable one from the models folder, checked again every {@code reload_interval_seconds} and
 * swapped between windows. Without one, heuristics alone ("degraded: no model" on {@code /health}). With
 * {@code model.learning_hours} &gt; 0 and no model at start, the sensor samples feature rows for that long (packet
 * time), then trains, saves and switches to its own baseline (Kitsune's grace period idea); the learning rows live
 * in memory only, so a restart starts the period again.
 *
 * <p>Early firing (live): {@link org.argus.flow.EarlyLook}s from {@link Addresses#WINDOW_EARLY} are looked at by an
 * {@link EarlyWarning} on a thread of their own ("argus-early", so a look never waits behind a window's scoring);
 * its decisions are published at once and written to the decision file on the ordered worker.
 */
public final class PredictionVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionVerticle.class);

    private final DetectionSettings settings;
    private final java.util.function.Consumer<Detector> extras;
    private final Path outputDir;
    private final boolean fsync;
    private final DetectionStats stats;
    private final SensorHealth health;
    private WorkerExecutor worker;
    private WorkerExecutor earlyWorker;
    private EarlyWarning earlyWarning;
    private ModelManager models;
    private Detector detector;
    private DecisionLog log;
    private CsvPoller poller;
    private Reservoir learning;
    private long learningStartNanos = Long.MIN_VALUE;
    private long reloadTimer = -1, pollTimer = -1;
    private boolean polling;
    /** What each decision goes through before it is published and written (evidence captures name their file). */
    private java.util.function.UnaryOperator<Decision> claim = java.util.function.UnaryOperator.identity();
    /** Where a false positive's flows go ({@link Baseline}), or null (polling mode, or not wired). */
    private Path baselineDir;
    private List<Path> csvDirs = List.of();
    private java.util.function.UnaryOperator<String> pseudonym;
    /** Switched on when a payload model appears after the start (null: payload inspection is off by configuration). */
    private org.argus.capture.PayloadCapture payloadCapture;
    private java.util.function.Function<org.argus.payload.PayloadModel, PayloadInspector> inspectorFor;
    /** The payload model card in use (worker thread only). */
    private Path payloadCard;

    /**
     * @param settings  detection settings
     * @param outputDir where {@code decisions-*.jsonl} go (the CSV folder)
     * @param fsync     fsync each window's decision lines
     */
    public PredictionVerticle(DetectionSettings settings, Path outputDir, boolean fsync, DetectionStats stats,
                              SensorHealth health) {
        this(settings, outputDir, fsync, stats, health, null);
    }

    /**
     * @param extras what else the detector does on live windows — threat-feed matching, GeoIP facts, the
     *               alert-countries rule (not in polling mode: pseudonyms cannot be looked up); null for nothing
     */
    public PredictionVerticle(DetectionSettings settings, Path outputDir, boolean fsync, DetectionStats stats,
                              SensorHealth health, java.util.function.Consumer<Detector> extras) {
        this.extras = extras;
        this.settings = settings;
        this.outputDir = outputDir;
        this.fsync = fsync;
        this.stats = stats;
        this.health = health;
    }

    /**
     * Passes every decision through {@code claim} (thread-safe; on the prediction or early-warning worker) before it
     * is published and written: evidence captures add the name of the file that will hold its packets.
     *
     * @return this verticle
     */
    public PredictionVerticle claimingWith(java.util.function.UnaryOperator<Decision> claim) {
        this.claim = claim;
        return this;
    }

    /**
     * Keeps the flows of decisions an operator calls false positives ({@link Addresses#FEEDBACK_RECORDED}) in the
     * baseline store {@code dir}, read from the CSV files under {@code csvDirs}, the address matched by its pseudonym.
     *
     * @param pseudonym an address as decisions write it → its CSV pseudonym
     * @return this verticle
     */
    public PredictionVerticle baseline(Path dir, List<Path> csvDirs, java.util.function.UnaryOperator<String> pseudonym) {
        this.baselineDir = dir;
        this.csvDirs = List.copyOf(csvDirs);
        this.pseudonym = pseudonym;
        return this;
    }

    /**
     * Without a payload model at the start, checks the models folder at each reload for one; when it appears, sets
     * the detector's escalation path up ({@code inspector}) and switches {@code capture} on.
     *
     * @return this verticle
     */
    public PredictionVerticle payloadsOnDemand(org.argus.capture.PayloadCapture capture,
                                               java.util.function.Function<org.argus.payload.PayloadModel, PayloadInspector> inspector) {
        this.payloadCapture = capture;
        this.inspectorFor = inspector;
        return this;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), FlowWindow.class);
        LocalCodec.registerFor(vertx.eventBus(), Decision.class);
        worker = vertx.createSharedWorkerExecutor("argus-prediction", 1);
        polling = settings.polling().enabled();
        return worker.executeBlocking(() -> {
            models = new ModelManager(settings.models(), settings.features(), health.clock());
            models.refresh();
            detector = polling
                    ? new Detector(settings, models, RetinaCsv::pseudonym, true)
                    : new Detector(settings, models, Object::toString, false);
            if (!polling && extras != null) {
                extras.accept(detector);
            }
            // the card of the model the sensor loaded before this start; none when it started without one (a card
            // that appeared meanwhile is then taken up at the first reload, not mistaken for the one in use)
            payloadCard = detector.payloadInspector() == null ? null : org.argus.payload.PayloadModel.newestCard(settings.models().dir());
            log = new DecisionLog(outputDir, fsync);
            if (polling) {
                poller = new CsvPoller(settings.polling());
            }
            if (models.current() == null && !settings.models().learning().isZero() && !polling) {
                learning = new Reservoir(settings.models().learningMaxRows(), System.nanoTime());
                detector.rowSink(learning::add);
                if (baselineDir != null) {
                    int files = Baseline.rows(baselineDir, settings.features(), learning::add,
                            e -> LOG.warn("event=baseline_file_skipped reason=\"{}\"", LogText.escape(e)));
                    if (files > 0) {
                        LOG.info("event=learning_baseline files={} rows={}", files, learning.size());
                    }
                }
                LOG.info("event=learning_started hours={} max_rows={}", settings.models().learning().toMinutes() / 60.0,
                        settings.models().learningMaxRows());
            }
            report();
            return null;
        }).compose(v -> {
            reloadTimer = vertx.setPeriodic(settings.models().reloadInterval().toMillis(),
                    id -> worker.executeBlocking(() -> {
                        if (models.refresh()) {
                            report();
                        }
                        refreshPayloadModel();
                        return null;
                    }));
            vertx.eventBus().<String>localConsumer(Addresses.DECISION_FIND, m -> {
                Recent hit = recent.get(m.body());
                if (hit != null) {
                    m.reply(hit.address());
                    return;
                }
                worker.executeBlocking(() -> DecisionLog.find(outputDir, m.body(), FIND_FILES)).onComplete(ar -> {
                    if (ar.succeeded() && ar.result() != null) {
                        m.reply(ar.result());
                    } else {
                        m.fail(404, "no decision with id " + m.body() + " in the last " + RECENT_IDS + " decisions or the newest "
                                + FIND_FILES + " decision files (give the address instead)");
                    }
                });
            });
            if (baselineDir != null && !polling) {
                LocalCodec.registerFor(vertx.eventBus(), org.argus.blacklist.FeedbackRequest.class);
                vertx.eventBus().<org.argus.blacklist.FeedbackRequest>localConsumer(Addresses.FEEDBACK_RECORDED, m -> {
                    if (m.body().falsePositive()) {
                        worker.executeBlocking(() -> {
                            toBaseline(m.body());
                            return null;
                        });
                    }
                });
            }
            vertx.eventBus().<String>localConsumer(Addresses.MODEL_AVAILABLE, m -> worker.executeBlocking(() -> {
                if (models.refresh()) {
                    report();
                }
                refreshPayloadModel();
                return null;
            }));
            if (polling) {
                pollTimer = vertx.setPeriodic(10, Math.max(1, settings.polling().interval().toMillis()),
                        id -> worker.executeBlocking(() -> {
                            poll();
                            return null;
                        }));
                return Future.succeededFuture();
            }
            if (settings.early().enabled()) { // live only: polling mode returned above
                LocalCodec.registerFor(vertx.eventBus(), EarlyLook.class);
                LocalCodec.registerFor(vertx.eventBus(), EarlyLook.Fired.class);
                earlyWarning = new EarlyWarning(settings, Object::toString);
                earlyWorker = vertx.createSharedWorkerExecutor("argus-early", 1);
                vertx.eventBus().<EarlyLook>localConsumer(Addresses.WINDOW_EARLY, m -> earlyWorker.executeBlocking(() -> {
                    EarlyLook look = m.body();
                    List<Decision> ds = earlyWarning.look(look.window(), look.latestNanos()).stream().map(claim).toList();
                    stats.earlyLooks.increment();
                    stats.earlyFlowsLooked.add(look.window().flows().size());
                    return ds;
                }).onComplete(r -> {
                    List<Decision> ds = r.succeeded() ? r.result() : List.of();
                    if (r.failed()) {
                        LOG.error("event=early_look_failed reason=\"{}\"", LogText.escape(r.cause().toString()), r.cause());
                    }
                    m.reply(new EarlyLook.Fired(ds.stream().map(Decision::address).toList()));
                    if (!ds.isEmpty()) {
                        stats.earlyDecisions.add(ds.size());
                        publish(ds);
                        worker.executeBlocking(() -> {
                            write(ds);
                            return null;
                        });
                    }
                }));
            }
            MessageConsumer<FlowWindow> consumer = vertx.eventBus().localConsumer(Addresses.WINDOW_CLOSED,
                    m -> worker.executeBlocking(() -> {
                        FlowWindow w = m.body();
                        score(w.startNanos(), detector.process(w));
                        return null;
                    }).onFailure(e -> LOG.error("event=prediction_failed window_start_ns={} reason=\"{}\"",
                            m.body().startNanos(), LogText.escape(e.toString()), e)));
            return consumer.completion();
        });
    }

    private void score(long startNanos, Detector.Result r) {
        stats.windowsScored.increment();
        stats.modelFlowsScored.add(r.modelScored());
        stats.modelFlowsSkipped.add(r.modelSkipped());
        stats.countRouting(r.routing());
        List<Decision> ds = r.decisions().stream().map(claim).toList();
        publish(ds);
        write(ds);
        if (learning != null) {
            learn(startNanos);
        }
    }

    /** A recent decision: its window and address as written. */
    private record Recent(long windowStartNanos, String address) {
    }

    /**
     * A false positive's flows into the baseline store (prediction worker): the decision by its id (recent ones, else
     * the decision files), or for a verdict about an address its latest recent decision; then its window's rows.
     */
    private void toBaseline(org.argus.blacklist.FeedbackRequest f) {
        String id = f.decisionId();
        Recent d = null;
        try {
            if (id != null) {
                d = recent.get(id);
                if (d == null) {
                    io.vertx.core.json.JsonObject line = DecisionLog.findLine(outputDir, id, FIND_FILES);
                    if (line != null) {
                        java.time.Instant t = java.time.Instant.parse(line.getString("window_start"));
                        d = new Recent(t.getEpochSecond() * 1_000_000_000L + t.getNano(), line.getString("address"));
                    }
                }
            } else {
                String text = f.target().toString();
                synchronized (recent) {
                    for (Map.Entry<String, Recent> e : recent.entrySet()) {
                        if (e.getValue().address().equals(text)) {
                            id = e.getKey();
                            d = e.getValue();
                        }
                    }
                }
            }
            if (d == null) {
                stats.baselineMissed.increment();
                LOG.warn("event=baseline_missed target={} decision={} reason=\"no such decision among the recent ones or the decision files\"",
                        f.target(), id);
                return;
            }
            java.time.Instant start = java.time.Instant.ofEpochSecond(Math.floorDiv(d.windowStartNanos(), 1_000_000_000L),
                    Math.floorMod(d.windowStartNanos(), 1_000_000_000L));
            int rows = Baseline.addFalsePositive(baselineDir, csvDirs, id, start, pseudonym.apply(d.address()));
            if (rows == 0) {
                stats.baselineMissed.increment();
                LOG.warn("event=baseline_missed target={} decision={} reason=\"no CSV rows of its window found (deleted, or the window not yet written)\"",
                        f.target(), id);
                return;
            }
            stats.baselineFiles.increment();
            stats.baselineRows.add(rows);
            LOG.info("event=baseline_added decision={} address={} window_start={} rows={} dir={}", id, d.address(), start, rows, baselineDir);
            if (learning != null) {
                for (RetinaCsv.Window w : RetinaCsv.read(baselineDir.resolve(Baseline.PREFIX + id + ".csv"))) {
                    new WindowAnalysis(w.startNanos(), w.seconds(), w.flows()).rows(settings.features(), learning::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            stats.baselineMissed.increment();
            LOG.error("event=baseline_failed decision={} reason=\"{}\"", id, LogText.escape(e.toString()));
        }
    }

    /** Recent decisions by id → window and address as written ({@link Addresses#DECISION_FIND}), the last {@value #RECENT_IDS}. */
    static final int RECENT_IDS = 10_000;
    /** Decision files searched for an id the recent ones do not hold (one a day: a month). */
    static final int FIND_FILES = 31;
    private final Map<String, Recent> recent = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recent> eldest) {
            return size() > RECENT_IDS;
        }
    });

    /** Publishes decisions on {@link Addresses#DECISION}, counts them and logs those above low. */
    private void publish(List<Decision> decisions) {
        for (Decision d : decisions) {
            recent.put(d.id(), new Recent(d.windowStartNanos(), d.addressText()));
            stats.countDecision(d.risk().text(), d.detector());
            stats.countCountry(d.geo() == null ? null : d.geo().country());
            vertx.eventBus().publish(Addresses.DECISION, d);
            if (d.risk() != Risk.LOW) {
                LOG.info("event=decision window_start={} address={} role={} risk={} score={} detector={} early={} reason=\"{}\"",
                        d.windowStartIso(), d.addressText(), d.role().text(), d.risk().text(),
                        String.format("%.3f", d.score()), d.detector(), d.early(), LogText.escape(d.reasons().get(0)));
            }
        }
    }

    /** Appends decisions to the decision file (on the ordered worker). */
    private void write(List<Decision> decisions) {
        try {
            log.write(decisions);
        } catch (IOException e) {
            stats.decisionWriteErrors.increment();
            LOG.error("event=decision_write_failed dir={} decisions={} reason=\"{}\"", outputDir, decisions.size(), LogText.escape(e.toString()));
        }
    }

    private void learn(long windowStartNanos) {
        if (learningStartNanos == Long.MIN_VALUE) {
            learningStartNanos = windowStartNanos;
        }
        Duration elapsed = Duration.ofNanos(windowStartNanos - learningStartNanos);
        if (elapsed.compareTo(settings.models().learning()) < 0) {
            health.set(SensorHealth.PREDICTION, true, "learning", String.format("baseline %.1f of %.1f h, %d rows; heuristics only until then",
                    elapsed.toMinutes() / 60.0, settings.models().learning().toMinutes() / 60.0, learning.size()));
            return;
        }
        Reservoir rows = learning;
        learning = null;
        detector.rowSink(null);
        if (rows.size() < 2) {
            LOG.warn("event=learning_failed reason=\"only {} rows after the learning period\"", rows.size());
            report();
            return;
        }
        try {
            ModelStore.TrainOptions t = settings.models().train();
            ModelCard card = ModelStore.train(settings.features(), rows.toArray(), new ModelStore.TrainOptions(t.trees(),
                    t.subsample(), t.percentile(), System.nanoTime(), t.algorithm()), List.of("live learning, " + rows.seen() + " rows seen"),
                    settings.models().dir(), health.clock().instant());
            models.trainedHere(settings.models().dir().resolve("argus-model-" + card.version() + ".json"));
            models.refresh();
            LOG.info("event=learning_done model={} rows={}", card.version(), rows.size());
        } catch (IOException | RuntimeException e) {
            LOG.error("event=learning_failed reason=\"{}\"", LogText.escape(e.toString()));
        }
        report();
    }

    private void poll() {
        List<Path> files;
        try {
            files = poller.pending();
        } catch (IOException e) {
            health.set(SensorHealth.PREDICTION, false, "failing", "cannot list " + settings.polling().csvDirectory() + ": " + e.getMessage());
            return;
        }
        for (Path f : files) {
            try {
                for (RetinaCsv.Window w : RetinaCsv.read(f)) {
                    score(w.startNanos(), detector.process(w.startNanos(), w.seconds(), w.flows()));
                }
                poller.done(f);
                stats.polledFiles.increment();
            } catch (IOException e) {
                LOG.warn("event=poll_file_failed file={} reason=\"{}\"", f, LogText.escape(e.getMessage()));
                try {
                    if (poller.failed(f, e.getMessage())) {
                        stats.polledFilesFailed.increment();
                        LOG.error("event=poll_file_skipped file={} after={} reason=\"{}\"", f, settings.polling().maxErrors(), LogText.escape(e.getMessage()));
                    }
                } catch (IOException e2) {
                    LOG.error("event=poll_state_failed file={} reason=\"{}\"", settings.polling().stateFile(), LogText.escape(e2.toString()));
                }
            }
        }
        report();
    }

    /**
     * Hot swap of the payload classifier (worker thread): a newer card in the models folder whose file matches it
     * replaces the model in use; one that does not is refused, logged, and the old model stays. A live sensor that
     * started without one ({@link #payloadsOnDemand}) sets the escalation path up and switches payload capture on
     * when the first appears.
     */
    private void refreshPayloadModel() {
        PayloadInspector inspector = detector == null ? null : detector.payloadInspector();
        if (detector == null || inspector == null && payloadCapture == null) {
            return;
        }
        Path newest = null;
        try {
            newest = org.argus.payload.PayloadModel.newestCard(settings.models().dir());
            if (newest == null || newest.equals(payloadCard)) {
                return;
            }
            org.argus.payload.PayloadModel model = org.argus.payload.PayloadModel.loadNewest(settings.models().dir());
            payloadCard = newest;
            if (inspector != null) {
                inspector.model(model);
                LOG.info("event=payload_model_loaded card={}", newest.getFileName());
            } else {
                detector.payloadInspector(inspectorFor.apply(model));
                payloadCapture.start();
                LOG.info("event=payload_inspection_on card={} capture_bytes={} why=\"a payload model appeared\"", newest.getFileName(),
                        payloadCapture.bytes());
            }
        } catch (java.io.IOException e) {
            payloadCard = newest; // said once; a newer card is tried again
            LOG.warn("event=payload_model_refused reason=\"{}\" action={}", org.argus.log.LogText.escape(e.getMessage()),
                    inspector != null ? "keep_current" : "stay_off");
        }
    }

    private void report() {
        ModelStore.Loaded m = models.current();
        stats.modelVersion.set(m == null ? null : m.card().version());
        String input = polling ? "polling " + settings.polling().csvDirectory() : "live windows";
        if (m != null) {
            health.set(SensorHealth.PREDICTION, true, "running", "model " + m.card().version() + " + heuristics; " + input);
        } else if (learning != null) {
            health.set(SensorHealth.PREDICTION, true, "learning", "collecting a baseline; heuristics only until then");
        } else {
            health.set(SensorHealth.PREDICTION, settings.models().useFallback(), "degraded",
                    "no model: " + models.problem() + "; heuristics only; " + input);
        }
    }

    @Override
    public Future<?> stop() {
        if (reloadTimer >= 0) {
            vertx.cancelTimer(reloadTimer);
        }
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        return worker.executeBlocking(() -> {
            if (log != null) {
                log.close();
            }
            return null;
        }).eventually(() -> {
            health.set(SensorHealth.PREDICTION, true, "stopped", "");
            return earlyWorker == null ? worker.close() : earlyWorker.close().eventually(worker::close);
        });
    }
}
