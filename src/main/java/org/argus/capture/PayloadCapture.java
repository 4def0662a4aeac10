package org.argus.capture;

/**
 * Whether payload bytes are being captured, switched on at run time: the live capture's decoder and the flow table
 * look at it at each new batch, so a payload model that appears after the start (trained, or synced from Firebase)
 * gets payloads within a batch or two, without a restart. Once on it stays on. Thread-safe (one volatile field).
 */
public final class PayloadCapture {
    private final int bytes;
    private final long windowBytes;
    private volatile boolean on;

    /**
     * @param bytes       payload bytes kept per flow and direction when on ({@code payload.capture_bytes})
     * @param windowBytes payload bytes kept per window at most ({@code payload.window_mb})
     * @param on          on from the start (a payload model was there)
     */
    public PayloadCapture(int bytes, long windowBytes, boolean on) {
        this.bytes = bytes;
        this.windowBytes = windowBytes;
        this.on = on;
    }

    /** Payload bytes per flow and direction to keep now: 0 while off. */
    public int bytes() {
        return on ? bytes : 0;
    }

    /** Payload bytes per window at most. */
    public long windowBytes() {
        return windowBytes;
    }

    /** Switches payload capture on (a payload model is in use). */
    public void start() {
        on = true;
    }

    /** True once switched on. */
    public boolean on() {
        return on;
    }
}
