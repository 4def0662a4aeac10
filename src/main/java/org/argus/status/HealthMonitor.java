package org.argus.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns counters and component states into alerts (the Retina seed's health monitoring): packet loss over
 * {@code health.max_drop_rate_percent} between two checks (critical), packets queued to the flow stage over
 * {@code health.max_flow_queue_size} (warning), the capture interface down (critical), the disk nearly full (warning
 * below twice {@code aggregation.min_free_mb}, critical below it), no model (warning), the upload backlog over its limit
 * (warning), and any other component that is not healthy (critical). Pure logic over one {@link Reading}; the caller
 * owns the timer, logging and webhook. Not thread-safe: one caller.
 */
public final class HealthMonitor {
    /**
     * {@code health.*}.
     *
     * @param maxDropRatePercent packet loss above this (percent of packets seen + lost) is an alert
     * @param maxQueuedPackets   packets waiting for the flow stage above this is an alert ({@code max_flow_queue_size})
     * @param cooldown           an alert is logged and sent again at most this often while it lasts ({@code alert_cooldown_seconds})
     * @param dropMonitoring     {@code enable_drop_monitoring}
     * @param queueMonitoring    {@code enable_queue_monitoring}
     * @param webhookUrl         alerts (raised and resolved) are POSTed here as JSON; empty: none ({@code webhook_url})
     * @param webhookAttempts    tries per alert before it is given up (logged) ({@code webhook_attempts})
     * @param statsFile          where {@link StatsDocument} is written; null: nowhere ({@code stats_file}; empty in
     *                           the config = {@code stats.json} beside {@code aggregation.output_dir})
     * @param statsInterval      how often it is written ({@code stats_interval_seconds})
     */
    public record Settings(double maxDropRatePercent, long maxQueuedPackets, Duration cooldown, boolean dropMonitoring,
                           boolean queueMonitoring, String webhookUrl, int webhookAttempts, java.nio.file.Path statsFile,
                           Duration statsInterval) {
        /** Without a stats file. */
        public Settings(double maxDropRatePercent, long maxQueuedPackets, Duration cooldown, boolean dropMonitoring,
                        boolean queueMonitoring, String webhookUrl, int webhookAttempts) {
            this(maxDropRatePercent, maxQueuedPackets, cooldown, dropMonitoring, queueMonitoring, webhookUrl, webhookAttempts, null,
                    Duration.ofSeconds(30));
        }
    }

    /**
     * What one check looks at.
     *
     * @param packets        packets seen so far
     * @param dropped        packets lost so far (kernel + interface + queue)
     * @param queuedPackets  packets handed to the flow stage and not yet processed
     * @param interfaceUp    null when not capturing live, else whether the interface is up
     * @param interfaceName  the interface
     * @param freeBytes      free bytes on the output folder's file system, or -1 when unknown
     * @param minFreeBytes   {@code aggregation.min_free_mb} in bytes
     * @param modelExpected  whether a model should be in use (not learning, not polling-only without one)
     * @param modelVersion   the model in use, or null
     * @param components     component states from {@link SensorHealth#snapshot()}
     */
    public record Reading(long packets, long dropped, long queuedPackets, Boolean interfaceUp, String interfaceName, long freeBytes,
                          long minFreeBytes, boolean modelExpected, String modelVersion, Map<String, ComponentState> components) {
    }

    /** What changed in one check: alerts to announce (new, or due again after the cooldown) and alerts that ended. */
    public record Changes(List<Alert> raised, List<Alert> resolved) {
    }

    private final Settings settings;
    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final Map<String, Instant> lastAnnounced = new LinkedHashMap<>();
    private long lastPackets = -1, lastDropped;

    public HealthMonitor(Settings settings) {
        this.settings = settings;
    }

    /** The alerts in force, oldest first. */
    public List<Alert> active() {
        return List.copyOf(active.values());
    }

    /** Evaluates one reading at {@code now}. */
    public Changes check(Reading r, Instant now) {
        Map<String, String[]> found = new LinkedHashMap<>(); // name -> {severity, message}
        if (settings.dropMonitoring() && lastPackets >= 0) {
            long seen = r.packets() - lastPackets, lost = r.dropped() - lastDropped;
            if (lost > 0 && seen + lost > 0) {
                double pct = 100.0 * lost / (seen + lost);
                if (pct > settings.maxDropRatePercent()) {
                    found.put("packet_loss", new String[] {"critical", String.format(java.util.Locale.ROOT,
                            "packet loss %.2f%% since the last check (%d lost, %d seen), above health.max_drop_rate_percent %.2f",
                            pct, lost, seen, settings.maxDropRatePercent())});
                }
            }
        }
        lastPackets = r.packets();
        lastDropped = r.dropped();
        if (settings.queueMonitoring() && r.queuedPackets() > settings.maxQueuedPackets()) {
            found.put("queue", new String[] {"warning", r.queuedPackets() + " packets queued for the flow stage, above "
                    + "health.max_flow_queue_size " + settings.maxQueuedPackets() + " (the sensor is not keeping up)"});
        }
        if (Boolean.FALSE.equals(r.interfaceUp())) {
            found.put("interface_down", new String[] {"critical", "interface " + r.interfaceName() + " is down: nothing is captured"});
        }
        if (r.freeBytes() >= 0 && r.minFreeBytes() > 0 && r.freeBytes() < 2 * r.minFreeBytes()) {
            boolean critical = r.freeBytes() < r.minFreeBytes();
            found.put("disk", new String[] {critical ? "critical" : "warning", (r.freeBytes() >> 20) + " MiB free for CSVs, "
                    + (critical ? "below" : "less than twice") + " aggregation.min_free_mb (" + (r.minFreeBytes() >> 20) + ")"
                    + (critical ? ": CSV writing is paused" : "")});
        }
        if (r.modelExpected() && r.modelVersion() == null) {
            found.put("model_missing", new String[] {"warning", "no anomaly model in use: detection runs on heuristics alone"});
        }
        for (Map.Entry<String, ComponentState> e : r.components().entrySet()) {
            ComponentState s = e.getValue();
            if (e.getKey().equals(SensorHealth.STAGING) && s.state().equals("degraded")) {
                found.put("upload_backlog", new String[] {"warning", s.detail()});
            } else if (!s.healthy() && !s.state().equals("starting")) {
                found.put("component:" + e.getKey(), new String[] {"critical", e.getKey() + " is " + s.state()
                        + (s.detail().isEmpty() ? "" : ": " + s.detail())});
            }
        }
        List<Alert> raised = new ArrayList<>(), resolved = new ArrayList<>();
        for (Map.Entry<String, String[]> f : found.entrySet()) {
            Alert before = active.get(f.getKey());
            Alert now2 = new Alert(f.getKey(), f.getValue()[0], f.getValue()[1], before == null ? now : before.since());
            active.put(f.getKey(), now2);
            Instant last = lastAnnounced.get(f.getKey());
            boolean escalated = before != null && !before.severity().equals(now2.severity());
            if (escalated || last == null || !last.plus(settings.cooldown()).isAfter(now)) {
                raised.add(now2);
                lastAnnounced.put(f.getKey(), now);
            }
        }
        for (var it = active.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Alert> e = it.next();
            if (!found.containsKey(e.getKey())) {
                resolved.add(e.getValue());
                it.remove();
            }
        }
        return new Changes(raised, resolved);
    }
}
