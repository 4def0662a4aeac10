package org.argus.cluster;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cluster's counters and its member table as last seen (a read-only snapshot the cluster verticle replaces).
 * Thread-safe.
 */
public final class ClusterStats {
    /** Cluster: the members as last seen, {@code [{"sensor_id", "incarnation", "host", "last_heard_at", "silent_s", "state"}]}; null when not clustered. */
    public final AtomicReference<JsonObject> members = new AtomicReference<>();
    /** Cluster messages published by this sensor (decisions, heartbeats, snapshots). */
    public final LongAdder clusterSent = new LongAdder();
    /** Peer decisions applied here (bans, unbans, emergency commands, snapshot entries). */
    public final LongAdder clusterApplied = new LongAdder();
    /** Peer bans refused by this sensor's allowlist or checks. */
    public final LongAdder clusterRefused = new LongAdder();
    /** Cluster messages rejected: unsigned, bad signature, stale, replayed. */
    public final LongAdder clusterUnsigned = new LongAdder();
    public final LongAdder clusterBadSignature = new LongAdder();
    public final LongAdder clusterStale = new LongAdder();
    public final LongAdder clusterReplayed = new LongAdder();
}
