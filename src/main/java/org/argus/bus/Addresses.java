package org.argus.bus;

/**
 * Every event-bus address Argus uses, named {@code argus.<stage>.<event>}. Facts are published; commands are
 * requests. {@code verticles.md} lists who sends and who consumes each one.
 */
public final class Addresses {
    /** Local, send: capture thread → flow verticle. Body: {@link org.argus.capture.PacketBatch}. */
    public static final String CAPTURE_BATCH = "argus.capture.batch";
    /** Publish: flow verticle → CSV and prediction verticles. Body: {@link org.argus.flow.FlowWindow}. */
    public static final String WINDOW_CLOSED = "argus.window.closed";
    /** Publish: CSV verticle → (later) staging. Body: {@link org.argus.csv.CsvFileClosed}. */
    public static final String CSV_CLOSED = "argus.csv.closed";
    /** Publish: prediction verticle → (later) blacklist. Body: {@link org.argus.detect.Decision}, one per message. */
    public static final String DECISION = "argus.decision";

    private Addresses() {
    }
}
