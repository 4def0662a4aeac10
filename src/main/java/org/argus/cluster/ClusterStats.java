package org.argus.cluster;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cluster's counters and its member table as last seen (a read-only snapshot the cluster verticle replaces).
 * Thread-safe.
 */
public final class ClusterStats {
    /** The members as last seen, {@code [{"sensor_id", "incarnation", "host", "last_heard_at", "silent_s", "state"}]}; null when not clustered. */
    public final AtomicReference<JsonObject> members = new AtomicReference<>();
    /** Cluster messages published by this sensor (decisions, heartbeats, snapshots). */
    public final LongAdder clusterSent = new LongAdder();
    /** Peer decisions applied here (bans, unbans, emergency commands, snapshot entries). */
    public final LongAdder clusterApplied = new LongAdder();
    /** Peer bans refused by this sensor's allowlist or checks. */
    public final LongAdder clusterRefused = new LongAdder();
    /** Cluster messages rejected because they carry no signature. */
    public final LongAdder clusterUnsigned = new LongAdder();
    /** Cluster messages rejected because their signature does not match (another secret, tampering). */
    public final LongAdder clusterBadSignature = new LongAdder();
    /** Cluster messages rejected as older or newer than {@code max_clock_skew_seconds}. */
    public final LongAdder clusterStale = new LongAdder();
    /** Cluster messages rejected as replays (a nonce seen before). */
    public final LongAdder clusterReplayed = new LongAdder();
}
