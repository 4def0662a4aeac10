package org.argus.status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.argus.capture.Malformed;

/**
 * The sensor's counters, shared by the stages that write them and the readers ({@code /status}, the replay summary).
 * Thread-safe; stages add once per batch or per window, never per packet.
 */
public final class SensorStats {
    /** Frames read (every frame, whatever it carried). */
    public final LongAdder packets = new LongAdder();
    /** Wire bytes of those frames. */
    public final LongAdder bytes = new LongAdder();
    /** Frames with an IP header. */
    public final LongAdder ipPackets = new LongAdder();
    /** Frames that are not IP. */
    public final LongAdder nonIp = new LongAdder();
    /** Non-first IP fragments. */
    public final LongAdder fragments = new LongAdder();
    /** Frames captured shorter than their wire length (snaplen). */
    public final LongAdder snaplenTruncated = new LongAdder();
    /** Frames older than the open window (out-of-order input). */
    public final LongAdder latePackets = new LongAdder();
    /** Packets left out of flows because the flow table or the per-window cap was full. */
    public final LongAdder flowsDroppedPackets = new LongAdder();
    /** Windows closed and published. */
    public final LongAdder windows = new LongAdder();
    /** Flow records published (one per flow per window). */
    public final LongAdder flowRecords = new LongAdder();
    /** Flows evicted for idleness. */
    public final LongAdder flowsEvicted = new LongAdder();
    /** Batches the capture thread dropped because the queue to the flow stage was full (live only). */
    public final LongAdder queueDroppedBatches = new LongAdder();
    /** Packets in those batches. */
    public final LongAdder queueDroppedPackets = new LongAdder();
    /** Packets the kernel handed to libpcap ({@code pcap_stats ps_recv}, live). */
    public final AtomicLong kernelReceived = new AtomicLong();
    /** Packets dropped in the kernel buffer ({@code pcap_stats ps_drop}, live). */
    public final AtomicLong kernelDropped = new AtomicLong();
    /** Packets dropped by the interface or driver ({@code pcap_stats ps_ifdrop}, live). */
    public final AtomicLong interfaceDropped = new AtomicLong();
    /** CSV data rows written. */
    public final LongAdder csvRows = new LongAdder();
    /** CSV files closed under their final name. */
    public final LongAdder csvFiles = new LongAdder();
    /** CSV files removed by retention ({@code file_rotation_count}). */
    public final LongAdder csvFilesRemoved = new LongAdder();
    /** CSV write failures (each a window whose rows may be missing). */
    public final LongAdder csvErrors = new LongAdder();
    /** Windows not written to CSV because the disk was nearly full ({@code aggregation.min_free_mb}). */
    public final LongAdder csvWindowsNotWritten = new LongAdder();
    /** Rows (flows) of those windows. */
    public final LongAdder csvRowsNotWritten = new LongAdder();
    /** Windows the prediction stage scored (live windows or CSV windows in polling mode). */
    public final LongAdder windowsScored = new LongAdder();
    /** Flows the model scored. */
    public final LongAdder modelFlowsScored = new LongAdder();
    /** Flows beyond {@code prediction.max_flows_per_batch} in a window, not scored by the model. */
    public final LongAdder modelFlowsSkipped = new LongAdder();
    /** Failed writes of {@code decisions-*.jsonl}. */
    public final LongAdder decisionWriteErrors = new LongAdder();
    /** CSV files processed in polling mode. */
    public final LongAdder polledFiles = new LongAdder();
    /** CSV files given up on in polling mode (after {@code polling.max_poll_errors} failures). */
    public final LongAdder polledFilesFailed = new LongAdder();
    /** The model version in use, or null. */
    public final java.util.concurrent.atomic.AtomicReference<String> modelVersion = new java.util.concurrent.atomic.AtomicReference<>();

    /** New bans stored (detector, manual, peer). */
    public final LongAdder bansAdded = new LongAdder();
    /** Decisions or requests that renewed an active ban. */
    public final LongAdder bansRenewed = new LongAdder();
    /** Bans an operator removed. */
    public final LongAdder bansRemoved = new LongAdder();
    /** Bans whose TTL ran out. */
    public final LongAdder bansExpired = new LongAdder();
    /** Bans refused because the target is allowlisted. */
    public final LongAdder bansRefused = new LongAdder();
    /** Victim decisions (spoofed floods, amplification): alerts, never bans. */
    public final LongAdder victimAlerts = new LongAdder();
    /** Decisions that could not ban: about a pseudonym (CSV polling), or blacklist failures. */
    public final LongAdder decisionsNotBanned = new LongAdder();
    /** Active bans in the database. */
    public final AtomicLong bansActive = new AtomicLong();
    /** Enforcement mode: {@code dry_run}, {@code enforcing}, {@code monitor_only}, {@code disabled}, {@code unavailable}, {@code emergency_stop}, or null before start. */
    public final java.util.concurrent.atomic.AtomicReference<String> enforcementMode = new java.util.concurrent.atomic.AtomicReference<>();
    /** End of the dry-run, epoch seconds (0: unknown). */
    public final AtomicLong dryRunEndsEpochSecond = new AtomicLong();
    /** Active bans not in the kernel because of the dry-run (or monitor-only mode): "would have blocked N". */
    public final AtomicLong wouldBlock = new AtomicLong();
    /** Would-be block actions logged since start. */
    public final LongAdder wouldBlockActions = new LongAdder();
    /** Firewall batches applied (install, reconcile, add/remove batches). */
    public final LongAdder enforcementActions = new LongAdder();
    /** Firewall commands that failed. */
    public final LongAdder enforcementErrors = new LongAdder();
    /** Members of the kernel sets after the last change we made. */
    public final AtomicLong kernelMembers = new AtomicLong();
    /** Emergency stops carried out. */
    public final LongAdder emergencyStops = new LongAdder();
    /** The last enforcement error, or null. */
    public final java.util.concurrent.atomic.AtomicReference<String> enforcementLastError = new java.util.concurrent.atomic.AtomicReference<>();

    /** Files moved into {@code staging/} since start. */
    public final LongAdder stagedFilesTotal = new LongAdder();
    /** Files waiting in {@code staging/} now. */
    public final AtomicLong stagedFiles = new AtomicLong();
    /** Their bytes. */
    public final AtomicLong stagedBytes = new AtomicLong();
    /** Modification time of the oldest staged file, epoch ms (0: none). */
    public final AtomicLong oldestStagedEpochMillis = new AtomicLong();
    /** Files uploaded and confirmed. */
    public final LongAdder uploadedFiles = new LongAdder();
    /** Their bytes. */
    public final LongAdder uploadedBytes = new LongAdder();
    /** Failed upload attempts. */
    public final LongAdder uploadErrors = new LongAdder();
    /** Staged files that disappeared before they could be uploaded. */
    public final LongAdder stagedVanished = new LongAdder();
    /** Uploaded files deleted by retention. */
    public final LongAdder uploadedRetentionDeleted = new LongAdder();
    /** The last upload error since the last success, or null. */
    public final java.util.concurrent.atomic.AtomicReference<String> uploadLastError = new java.util.concurrent.atomic.AtomicReference<>();
    /** When the next upload will be tried after a failure, epoch ms. */
    public final AtomicLong uploadNextAttemptEpochMillis = new AtomicLong();
    /** Cluster: the members as last seen, {@code [{"sensor_id", "incarnation", "host", "last_heard_at", "silent_s", "state"}]}; null when not clustered. */
    public final java.util.concurrent.atomic.AtomicReference<io.vertx.core.json.JsonObject> cluster = new java.util.concurrent.atomic.AtomicReference<>();
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
    /**
     * Days of dry-run left at {@code now}, rounded to 0.1 (never negative), or null before the enforcement verticle
     * has read the dry-run start from the blacklist database.
     */
    public Double dryRunRemainingDays(java.time.Instant now) {
        long ends = dryRunEndsEpochSecond.get();
        return ends <= 0 ? null : Math.round(Math.max(0, ends - now.getEpochSecond()) / 8_640.0) / 10.0;
    }

    /** When these counters started (the sensor's start). */
    public final java.time.Instant startedAt = java.time.Instant.now();
    /** Health checks (every 5 s) that found no critical alert. */
    public final LongAdder healthChecksPassed = new LongAdder();
    /** Packets handed to the flow stage and not yet processed (the capture queue). */
    public final AtomicLong queuedPackets = new AtomicLong();
    /** The health alerts in force (set by the health monitor), oldest first. */
    public final java.util.concurrent.atomic.AtomicReference<java.util.List<Alert>> alerts =
            new java.util.concurrent.atomic.AtomicReference<>(java.util.List.of());
    /** Models downloaded from {@code firebase.model_output_path} and verified. */
    public final LongAdder modelDownloads = new LongAdder();
    /** The version last downloaded, or null. */
    public final java.util.concurrent.atomic.AtomicReference<String> modelLastDownloaded = new java.util.concurrent.atomic.AtomicReference<>();
    /** The last model sync error since the last success, or null. */
    public final java.util.concurrent.atomic.AtomicReference<String> modelSyncLastError = new java.util.concurrent.atomic.AtomicReference<>();
    /** This sensor's list written to Storage. */
    public final LongAdder blacklistExports = new LongAdder();
    /** When it was last written, epoch ms (0: never). */
    public final AtomicLong blacklistLastExportEpochMillis = new AtomicLong();
    /** Peer bans applied (new or renewed) from imported lists. */
    public final LongAdder blacklistImported = new LongAdder();
    /** Peer bans refused here (allowlist, bad entry) or whole lists refused (anonymized). */
    public final LongAdder blacklistImportRefused = new LongAdder();
    /** Peer bans withdrawn because the peer no longer lists them. */
    public final LongAdder blacklistImportRemoved = new LongAdder();
    /** The last blacklist sync problem since the last clean round, or null. */
    public final java.util.concurrent.atomic.AtomicReference<String> blacklistSyncLastError = new java.util.concurrent.atomic.AtomicReference<>();

    private final Map<String, LongAdder> decisionsByRisk = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisionsByDetector = new java.util.concurrent.ConcurrentHashMap<>();

    /** Counts one decision. */
    public void countDecision(String risk, String detector) {
        decisionsByRisk.computeIfAbsent(risk, k -> new LongAdder()).increment();
        decisionsByDetector.computeIfAbsent(detector, k -> new LongAdder()).increment();
    }

    /** Decisions by risk: low, medium, high (zero included). */
    public Map<String, Long> decisionsByRisk() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String r : new String[] {"low", "medium", "high"}) {
            LongAdder a = decisionsByRisk.get(r);
            m.put(r, a == null ? 0 : a.sum());
        }
        return m;
    }

    /** Decisions by detector (top detector of each decision), only those seen. */
    public Map<String, Long> decisionsByDetector() {
        Map<String, Long> m = new java.util.TreeMap<>();
        decisionsByDetector.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private final AtomicLongArray malformed = new AtomicLongArray(Malformed.count());

    /** Adds {@code n} frames with the given reason. */
    public void addMalformed(Malformed reason, long n) {
        malformed.addAndGet(reason.ordinal(), n);
    }

    /** Frames with the given reason so far. */
    public long malformed(Malformed reason) {
        return malformed.get(reason.ordinal());
    }

    /** All malformed frames. */
    public long malformedTotal() {
        long t = 0;
        for (int i = 0; i < malformed.length(); i++) {
            t += malformed.get(i);
        }
        return t;
    }

    /** Malformed counts by reason label, every reason present (zero included), in enum order. */
    public Map<String, Long> malformedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Malformed r : Malformed.values()) {
            m.put(r.label(), malformed(r));
        }
        return m;
    }
}
