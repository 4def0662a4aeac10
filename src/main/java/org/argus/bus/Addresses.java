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
    /**
     * Local request: flow verticle → prediction verticle (early firing, live capture). Body:
     * {@link org.argus.flow.EarlyLook}; reply {@link org.argus.flow.EarlyLook.Fired}. At most one in flight.
     */
    public static final String WINDOW_EARLY = "argus.window.early";
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
     * Request: HTTP verticle → blacklist verticle. Body: {@code blacklist.FeedbackRequest}. Reply: JsonObject
     * {@code {"verdict", "target", "ban_lifted", "allowlisted_until"}}; fails 503 (database).
     */
    public static final String FEEDBACK = "argus.feedback";
    /**
     * Publish, local: blacklist verticle (a verdict stored) → prediction verticle (a false positive's flows into the
     * baseline store), dashboard feed (the verdict next to its decision). Body: {@code blacklist.FeedbackRequest}.
     */
    public static final String FEEDBACK_RECORDED = "argus.feedback.recorded";
    /** Request: HTTP verticle → blacklist verticle. Body: none. Reply: JsonArray of verdicts, newest first. */
    public static final String FEEDBACK_LIST = "argus.feedback.list";
    /**
     * Request: HTTP verticle → prediction verticle. Body: a decision id (String). Reply: the decision's address as
     * written (String) from the recent decisions it keeps; fails 404 when it has none by that id.
     */
    public static final String DECISION_FIND = "argus.decision.find";
    /**
     * Request: HTTP verticle → blacklist verticle. Body: the address or CIDR (String). Reply: Boolean (whether a
     * quarantine was lifted; a ban of the address is left alone); fails 400 or 503.
     */
    public static final String QUARANTINE_LIFT = "argus.quarantine.lift";
    /** Publish, local: device verticle → anyone. Body: {@link org.argus.device.Device}, seen for the first time ever. */
    public static final String DEVICE_NEW = "argus.device.new";
    /** Request: HTTP verticle → device verticle. Body: none. Reply: JsonObject {@code {"devices": [...]}}; fails 503. */
    public static final String DEVICE_LIST = "argus.device.list";
    /**
     * Request: HTTP verticle → device verticle. Body: a MAC, device key or address (String). Reply: JsonObject, the
     * device's detail; fails 404 (unknown) or 503.
     */
    public static final String DEVICE_GET = "argus.device.get";
    /**
     * Request: HTTP verticle → device verticle. Body: a MAC, device key or address (String). Reply: JsonObject
     * {@code {"queued", "key", "address", "position"}}; fails 404 (unknown), 409 (no local address), 503 (no nmap).
     */
    public static final String DEVICE_SCAN = "argus.device.scan";
    /**
     * Request: HTTP verticle → device verticle. Body: a MAC, device key or address (String). Reply: JsonObject
     * {@code {"forgotten": true, "key"}}; fails 404 (unknown) or 503.
     */
    public static final String DEVICE_FORGET = "argus.device.forget";
    /**
     * Publish, local: device verticle → dashboard feed, after each window. Body: JsonArray of the 50 most recently
     * seen devices ({@code GET /devices} entries).
     */
    public static final String DEVICE_SUMMARY = "argus.device.summary";
    /**
     * Publish, local: any stage → health monitor. Body: JsonObject {@code {"alert", "severity", "message", ...}}, a
     * one-off notice (not a lasting condition) for the alert webhook, e.g. {@code new_device}.
     */
    public static final String NOTICE = "argus.status.notice";
    /**
     * Request: HTTP verticle → enforcement verticle. Body: {@link org.argus.enforce.EmergencyCommand}. Reply: a
     * {@link io.vertx.core.json.JsonObject} with the enforcement state after the command.
     */
    public static final String EMERGENCY = "argus.control.emergency";

    private Addresses() {
    }

    /**
     * Publish, cluster-wide: {@code ClusterVerticle} → every other sensor's {@code ClusterVerticle}. Body: a signed
     * JsonObject {@code {"kind": "ban"|"unban"|"emergency", "sensor", "origin", ...}} (see {@code verticles.md}).
     */
    public static final String CLUSTER_DECISIONS = "argus.cluster.decisions";
    /** Publish, cluster-wide, every {@code cluster.heartbeat_seconds}: signed {@code {"kind": "heartbeat", "sensor", "incarnation", "bans"}}. */
    public static final String CLUSTER_HEARTBEAT = "argus.cluster.heartbeat";
    /**
     * Send, cluster-wide, to one sensor: prefix of {@code argus.cluster.snapshot.<sensor-id>}. Body: signed
     * {@code {"kind": "snapshot", "sensor", "to", "entries": [...]}}, every active ban of the sender, to a sensor that
     * joined, rejoined or was out of touch.
     */
    public static final String CLUSTER_SNAPSHOT_PREFIX = "argus.cluster.snapshot.";
    /**
     * Request, local: {@code HttpVerticle} ({@code ?scope=cluster}) → {@code ClusterVerticle}, which publishes the
     * emergency stop or restore to every sensor. Body: {@link org.argus.enforce.EmergencyCommand}; reply a JsonObject
     * {@code {"published": true, "members": n}}; no consumer when the sensor is not clustered.
     */
    public static final String CLUSTER_EMERGENCY = "argus.cluster.emergency";
    /**
     * Request, local: HTTP verticle ({@code POST /intel/reload}) → intel verticle. Body: none. Reply: JsonObject, the
     * {@code /status} {@code intel} section after every feed was loaded again; fails 503 without feeds.
     */
    public static final String INTEL_RELOAD = "argus.intel.reload";
    /**
     * Request, local: HTTP verticle ({@code GET /intel/lookup/<address>}) → intel verticle. Body: an address (String).
     * Reply: JsonObject {@code {"address", "listed", "block", "feeds": [{"name", "category", "score"}], "note"}}; fails
     * 400 for a bad address, 503 without feeds.
     */
    public static final String INTEL_LOOKUP = "argus.intel.lookup";
    /**
     * Publish, local: intel verticle → enforcement verticle, after each snapshot is built, with
     * {@code intel.block_listed}. Body: {@link org.argus.intel.ListedBlocks}, every block to drop.
     */
    public static final String INTEL_BLOCKS = "argus.intel.blocks";
}
