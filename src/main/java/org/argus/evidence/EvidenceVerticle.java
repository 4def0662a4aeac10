package org.argus.evidence;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import org.argus.log.LogText;

/**
 * Wires an {@link EvidenceRecorder} to time: every {@value #TICK_MILLIS} ms its {@link EvidenceRecorder#tick} runs on
 * the shared worker executor {@code argus-evidence} (1 thread: ring copies and file writes), at a stop its
 * {@link EvidenceRecorder#flush}. Decisions are claimed by the prediction verticle, which names the file before the
 * decision is published and written.
 */
public final class EvidenceVerticle extends VerticleBase {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EvidenceVerticle.class);
    static final long TICK_MILLIS = 500;

    private final EvidenceRecorder recorder;
    private WorkerExecutor worker;
    private long timer = -1;

    public EvidenceVerticle(EvidenceRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public Future<?> start() {
        worker = vertx.createSharedWorkerExecutor("argus-evidence", 1);
        timer = vertx.setPeriodic(TICK_MILLIS, id -> worker.executeBlocking(() -> {
            recorder.tick();
            return null;
        }).onFailure(e -> LOG.error("event=evidence_tick_failed reason=\"{}\"", LogText.escape(e.toString()), e)));
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return worker.executeBlocking(() -> {
            recorder.flush();
            return null;
        }).onFailure(e -> LOG.error("event=evidence_flush_failed reason=\"{}\"", LogText.escape(e.toString()), e)).eventually(() -> worker.close());
    }
}
