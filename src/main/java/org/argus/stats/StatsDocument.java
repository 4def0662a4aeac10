package org.argus.stats;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The {@code stats.json} document (the Aegis seed's layout: {@code daemon_stats} and {@code component_stats}), also
 * served as {@code GET /stats}:
 *
 * <pre>{"written_at", "daemon_stats": {"sensor_id", "service_start_time", "uptime_s", "health_status",
 *  "health_checks_passed", "dry_run_remaining_days", "enforcement_mode", "alerts_active"},
 *  "component_stats": {"capture": {"packets", "bytes", "dropped"}, "windowing": {"windows", "flows"},
 *  "csv": {"rows", "files", "rows_not_written"}, "model_manager": {"model_available", "model_type", "model_version"},
 *  "prediction_engine": {"total_flows_processed", "windows_scored", "anomalies_detected", "enforcement_actions"},
 *  "blacklist_manager": {"active_entries", "sync_operations"}, "staging": {"staged_files", "uploaded_files"},
 *  "cluster": {"members_up"}}}</pre>
 *
 * Bytes are wire bytes; {@code anomalies_detected} counts medium and high decisions.
 */
public final class StatsDocument {
    private StatsDocument() {
    }

    /**
     * @param startedAt     when the sensor started
     * @param healthStatus  {@code ok}, {@code degraded} or {@code unhealthy}
     * @param checksPassed  health checks so far without a critical alert
     */
    public static JsonObject of(SensorStats s, String sensorId, Instant startedAt, Instant now, String healthStatus, long checksPassed) {
        var risks = s.detection.decisionsByRisk();
        Double dryDays = s.dryRunRemainingDays(now);
        return new JsonObject()
                .put("written_at", now.toString())
                .put("daemon_stats", new JsonObject()
                        .put("sensor_id", sensorId)
                        .put("service_start_time", startedAt.toString())
                        .put("uptime_s", java.time.Duration.between(startedAt, now).toSeconds())
                        .put("health_status", healthStatus)
                        .put("health_checks_passed", checksPassed)
                        .put("dry_run_remaining_days", dryDays == null ? 0.0 : dryDays)
                        .put("enforcement_mode", s.enforcement.status.get().modeText())
                        .put("alerts_active", s.health.alerts.get().size()))
                .put("component_stats", new JsonObject()
                        .put("capture", new JsonObject().put("packets", s.flow.packets.sum()).put("bytes", s.flow.bytes.sum())
                                .put("dropped", s.droppedPackets()))
                        .put("windowing", new JsonObject().put("windows", s.flow.windows.sum()).put("flows", s.flow.flowRecords.sum()))
                        .put("csv", new JsonObject().put("rows", s.csv.csvRows.sum()).put("files", s.csv.csvFiles.sum())
                                .put("rows_not_written", s.csv.csvRowsNotWritten.sum()))
                        .put("model_manager", new JsonObject().put("model_available", s.detection.modelVersion.get() != null)
                                .put("model_type", "IsolationForest").put("model_version", s.detection.modelVersion.get()))
                        .put("prediction_engine", new JsonObject().put("total_flows_processed", s.flow.flowRecords.sum())
                                .put("windows_scored", s.detection.windowsScored.sum())
                                .put("anomalies_detected", risks.getOrDefault("medium", 0L) + risks.getOrDefault("high", 0L))
                                .put("enforcement_actions", s.enforcement.enforcementActions.sum()))
                        .put("blacklist_manager", new JsonObject().put("active_entries", s.blacklist.bansActive.get())
                                .put("sync_operations", s.staging.blacklistExports.sum()))
                        .put("staging", new JsonObject().put("staged_files", s.staging.stagedFiles.get()).put("uploaded_files", s.staging.uploadedFiles.sum()))
                        .put("cluster", new JsonObject().put("members_up", s.cluster.members.get() == null ? 0 : s.cluster.members.get().getLong("members_up", 0L)))
                        .put("threat_intel", new JsonObject().put("entries", s.intel.current().size())
                                .put("matches", s.intel.matches.values().stream().mapToLong(java.util.concurrent.atomic.LongAdder::sum).sum()))
                        .put("geoip", new JsonObject().put("enabled", s.geo.get() != null)
                                .put("decisions_by_country", new JsonObject(new java.util.LinkedHashMap<>(s.detection.decisionsByCountry())))));
    }
}
