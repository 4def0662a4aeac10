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
    /**
     * Publish: staging verticle (model download) → prediction verticle, which checks the models folder at once
     * instead of at its next {@code reload_interval_seconds}. Body: the version downloaded (String).
     */
    public static final String MODEL_AVAILABLE = "argus.model.available";
    /** Publish: prediction verticle → blacklist verticle. Body: {@link org.argus.detect.Decision}, one per message. */
    public static final String DECISION = "argus.decision";
    /** Publish: blacklist verticle → enforcement verticle. Body: {@link org.argus.blacklist.BanChange}. */
    public static final String BAN_CHANGED = "argus.blacklist.changed";
    /**
     * Request: HTTP and enforcement verticles → blacklist verticle. Body: none. Reply:
     * {@link org.argus.blacklist.BlacklistSnapshot}; fails 503 when the database is unavailable.
     */
    public static final String BLACKLIST_LIST = "argus.blacklist.list";
    /**
     * Request: HTTP verticle → blacklist verticle. Body: {@link org.argus.blacklist.BanRequest}. Reply: the stored
     * {@link org.argus.blacklist.Ban}; fails 400 (bad input), 409 (allowlisted) or 503 (database unavailable).
     */
    public static final String BLACKLIST_ADD = "argus.blacklist.add";
    /**
     * Request: HTTP verticle → blacklist verticle. Body: the address or CIDR (String). Reply: Boolean (whether a ban
     * was removed); fails 400 or 503.
     */
    public static final String BLACKLIST_REMOVE = "argus.blacklist.remove";
    /**
     * Request: HTTP verticle → enforcement verticle. Body: {@link org.argus.enforce.EmergencyCommand}. Reply: a
     * {@link io.vertx.core.json.JsonObject} with the enforcement state after the command.
     */
    public static final String EMERGENCY = "argus.control.emergency";

    private Addresses() {
    }
}
