package org.argus.stats;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.argus.blacklist.BlacklistStats;
import org.argus.capture.CaptureStats;
import org.argus.capture.Malformed;
import org.argus.cluster.ClusterStats;
import org.argus.csv.CsvStats;
import org.argus.detect.DetectionStats;
import org.argus.enforce.EnforcementStats;
import org.argus.flow.FlowStats;
import org.argus.staging.StagingStats;
import org.argus.status.HealthStats;

/**
 * Every stage's counters, side by side, for the readers only ({@code /status}, {@code /metrics}, {@code stats.json},
 * the dashboard, the replay summary). Each stage is handed its own object at construction and writes nothing else;
 * no stage reads another's counters. Thread-safe (each part is).
 */
public final class SensorStats {
    public final CaptureStats capture = new CaptureStats();
    public final FlowStats flow = new FlowStats();
    public final CsvStats csv = new CsvStats();
    public final DetectionStats detection = new DetectionStats();
    public final BlacklistStats blacklist = new BlacklistStats();
    public final EnforcementStats enforcement = new EnforcementStats();
    public final StagingStats staging = new StagingStats();
    public final ClusterStats cluster = new ClusterStats();
    public final HealthStats health = new HealthStats();
    public final org.argus.device.DeviceVerticle.Stats devices = new org.argus.device.DeviceVerticle.Stats();
    public final org.argus.intel.IntelStats intel = new org.argus.intel.IntelStats();
    public final org.argus.export.InfluxStats influx = new org.argus.export.InfluxStats();
    public final org.argus.lapi.LapiStats lapi = new org.argus.lapi.LapiStats();
    public final org.argus.eve.EveStats eve = new org.argus.eve.EveStats();
    public final org.argus.evidence.EvidenceStats evidence = new org.argus.evidence.EvidenceStats();
    public final org.argus.notify.NotifyStats notify = new org.argus.notify.NotifyStats();
    /** The GeoIP databases in use (null: none configured); their lookup counters. */
    public final java.util.concurrent.atomic.AtomicReference<org.argus.enrich.GeoIp> geo = new java.util.concurrent.atomic.AtomicReference<>();
    /** When these counters started (the sensor's start). */
    public final Instant startedAt = Instant.now();

    /** Frames (flow stage) and files (capture stage) with the given reason. */
    public long malformed(Malformed reason) {
        return flow.malformed(reason) + capture.fileProblems(reason);
    }

    /** All malformed frames and file problems. */
    public long malformedTotal() {
        long t = 0;
        for (Malformed r : Malformed.values()) {
            t += malformed(r);
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

    /** Packets dropped anywhere before the flow stage: kernel buffer, interface, capture queue. */
    public long droppedPackets() {
        return capture.kernelDropped.get() + capture.interfaceDropped.get() + capture.queueDroppedPackets.sum();
    }

    /** Days of dry-run left at {@code now} (0.1 steps), or null while enforcement has not read the database. */
    public Double dryRunRemainingDays(Instant now) {
        return enforcement.status.get().dryRunRemainingDays(now);
    }
}
