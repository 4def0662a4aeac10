package org.argus.export;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** The InfluxDB export's counters, written by its thread only, read by {@code /status} and {@code /metrics}. */
public final class InfluxStats {
    /** Points the server took. */
    public final LongAdder pointsSent = new LongAdder();
    /** Requests the server took. */
    public final LongAdder batchesSent = new LongAdder();
    /** Gzip body bytes the server took. */
    public final LongAdder bytesSent = new LongAdder();
    /** Points dropped because the on-disk queue was full (or could not be written). */
    public final LongAdder pointsDropped = new LongAdder();
    /** Points in batches the server refused for their content (400/413/422). */
    public final LongAdder pointsRejected = new LongAdder();
    /** Windows the export did not take because it was behind (more than a bound waiting for its thread). */
    public final LongAdder windowsShed = new LongAdder();
    /** Failed requests (no answer, or an answer other than 2xx). */
    public final LongAdder errors = new LongAdder();
    public final AtomicLong queuedBatches = new AtomicLong();
    public final AtomicLong queuedBytes = new AtomicLong();
    public final AtomicLong queuedPoints = new AtomicLong();
    /** Epoch ms of the last batch the server took, 0 before. */
    public final AtomicLong lastSuccessEpochMillis = new AtomicLong();
    public final AtomicReference<String> lastError = new AtomicReference<>();
    /** The write URL, null while the export is off. */
    public final AtomicReference<String> url = new AtomicReference<>();

    /** {@code /status} → {@code export.influx}. */
    public JsonObject toJson() {
        return new JsonObject().put("enabled", url.get() != null).put("url", url.get())
                .put("points_sent", pointsSent.sum()).put("batches_sent", batchesSent.sum()).put("bytes_sent", bytesSent.sum())
                .put("queued_batches", queuedBatches.get()).put("queued_bytes", queuedBytes.get()).put("queued_points", queuedPoints.get())
                .put("points_dropped", pointsDropped.sum()).put("points_rejected", pointsRejected.sum())
                .put("windows_shed", windowsShed.sum()).put("errors", errors.sum())
                .put("last_success", lastSuccessEpochMillis.get() == 0 ? null : java.time.Instant.ofEpochMilli(lastSuccessEpochMillis.get()).toString())
                .put("last_error", lastError.get());
    }
}
