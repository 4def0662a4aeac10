package org.argus.evidence;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Evidence captures' counters for {@code /status} → {@code evidence} and {@code /metrics}. Thread-safe. */
public final class EvidenceStats {
    public volatile boolean enabled;
    /** Capture files written. */
    public final LongAdder written = new LongAdder();
    /** Frames written into captures. */
    public final LongAdder frames = new LongAdder();
    /** Frames of a capture's address and range left out because the capture reached {@code max_file_mb}. */
    public final LongAdder framesOverCap = new LongAdder();
    /** Captures that may lack frames: the ring had wrapped past part of their range. */
    public final LongAdder incomplete = new LongAdder();
    /** High decisions that joined a capture still open for their address instead of starting one. */
    public final LongAdder joined = new LongAdder();
    /** Captures deleted by retention ({@code max_files}, {@code max_mb}). */
    public final LongAdder deleted = new LongAdder();
    public final LongAdder writeErrors = new LongAdder();
    public final AtomicReference<String> lastError = new AtomicReference<>();
    /** Captures waiting for the end of their range. */
    public volatile int pending;
    /** Frames in the ring now and pushed out of it so far (set on each tick). */
    public volatile long ringFrames, ringEvicted;

    /** {@code {"enabled", "written", "frames", "frames_over_cap", "incomplete", "joined", "deleted", "pending", …}}. */
    public JsonObject toJson() {
        return new JsonObject().put("enabled", enabled).put("written", written.sum()).put("frames", frames.sum())
                .put("frames_over_cap", framesOverCap.sum()).put("incomplete", incomplete.sum()).put("joined", joined.sum())
                .put("deleted", deleted.sum()).put("pending", pending).put("ring_frames", ringFrames)
                .put("ring_evicted", ringEvicted).put("write_errors", writeErrors.sum()).put("last_error", lastError.get());
    }
}
