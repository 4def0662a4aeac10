package org.argus.capture;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the capture thread ("argus-capture", a platform thread: JNA calls would pin a virtual thread and a polling
 * loop does not belong on the worker pool). The thread reads a live interface ({@link LiveCapture}) or a file
 * ({@link PcapFileReader}) and sends {@link PacketBatch}es to {@link Addresses#CAPTURE_BATCH} through a
 * {@link BatchQueue}. After a file's last batch it sends {@link PacketBatch#endOfInput()}.
 */
public final class CaptureVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureVerticle.class);

    private final CaptureSettings settings;
    private final CaptureStats stats;
    private final SensorHealth health;
    private final PacketRing ring;
    private PayloadCapture payloads;

    private Thread thread;
    private LiveCapture live;
    private PcapFileReader reader;

    public CaptureVerticle(CaptureSettings settings, CaptureStats stats, SensorHealth health) {
        this(settings, stats, health, null);
    }

    /**
     * @param ring where every frame captured is also kept for evidence captures ({@link PacketRing}), or null
     */
    public CaptureVerticle(CaptureSettings settings, CaptureStats stats, SensorHealth health, PacketRing ring) {
        this.ring = ring;
        this.settings = settings;
        this.stats = stats;
        this.health = health;
    }

    /**
     * Live capture takes the payload bytes to keep from {@code payloads} (switched on when a payload model appears
     * after the start); null keeps {@code capture.payload_bytes} as configured.
     *
     * @return this verticle
     */
    public CaptureVerticle payloads(PayloadCapture payloads) {
        this.payloads = payloads;
        return this;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), PacketBatch.class);
        BatchQueue queue = new BatchQueue(settings.maxQueueBatches(),
                b -> vertx.eventBus().send(Addresses.CAPTURE_BATCH, b), stats);
        // not healthy until the file is being read or the interface is open: /health 200 means "capturing"
        health.set(SensorHealth.CAPTURE, false, "starting",
                settings.offline() ? "file " + settings.file() : "interface " + settings.interfaceName());
        Runnable body;
        if (settings.offline()) {
            reader = new PcapFileReader(settings.file(), settings.batchPackets()).capturePayloads(settings.payloadBytes())
                    .recordTo(ring);
            body = () -> readFile(queue);
        } else {
            live = new LiveCapture(settings, stats, health, queue).recordTo(ring).payloads(payloads);
            body = live::run;
        }
        thread = Thread.ofPlatform().name("argus-capture").daemon(true).unstarted(body);
        thread.setUncaughtExceptionHandler((t, e) -> {
            LOG.error("event=capture_thread_died", e);
            health.set(SensorHealth.CAPTURE, false, "failed", "capture thread died: " + e);
        });
        thread.start();
        return Future.succeededFuture();
    }

    private void readFile(BatchQueue queue) {
        health.set(SensorHealth.CAPTURE, true, "running", "reading file " + settings.file());
        try {
            PcapFileReader.Result r = reader.read(b -> queue.offer(b, true));
            r.countProblems(stats::addFileProblem);
            queue.offer(PacketBatch.endOfInput(), true);
            health.set(SensorHealth.CAPTURE, true, !PacketDecoder.supports(r.linkType()) ? "degraded" : r.stopped() ? "stopped" : "finished",
                    "file " + settings.file() + ": " + r.packets() + " packets" + r.problems());
            LOG.info("event=capture_file_done file={} packets={} truncated={} bad_records={} corrupt={}", settings.file(), r.packets(),
                    r.truncated(), r.badRecords(), r.corruption() != null);
        } catch (CaptureException e) {
            health.set(SensorHealth.CAPTURE, false, "failed", e.getMessage());
            LOG.error("event=capture_file_failed reason=\"{}\"", LogText.escape(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Future<?> stop() {
        if (live != null) {
            live.stop();
        }
        if (reader != null) {
            reader.stop();
        }
        Thread t = thread;
        if (t == null) {
            return Future.succeededFuture();
        }
        // Joining blocks: do it on a worker, never on the event loop.
        return vertx.executeBlocking(() -> {
            t.join(5_000);
            if (t.isAlive()) {
                LOG.warn("event=capture_thread_slow_to_stop action=interrupt");
                t.interrupt();
                t.join(2_000);
            }
            return null;
        }, false);
    }
}
