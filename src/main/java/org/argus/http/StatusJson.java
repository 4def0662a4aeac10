package org.argus.http;

import io.vertx.core.json.JsonObject;
import org.argus.status.SensorStats;

/**
 * The counters as JSON, shared by {@code GET /status} and the replay summary so both speak the same names.
 *
 * <p>Shape: {@code {"uptime_s", "packets", "bytes", "ip_packets", "non_ip", "fragments", "snaplen_truncated",
 * "late_packets", "malformed": {"total", <reason>: n...}, "drops": {"queue_batches", "queue_packets", "kernel",
 * "interface", "flow_table_packets"}, "kernel_received", "windows", "flows", "flows_evicted",
 * "files": {"closed", "rows", "removed_by_retention", "write_errors", "windows_not_written",
 * "rows_not_written"}, "detection": {"windows_scored",
 * "decisions": {"low", "medium", "high"}, "by_detector": {name: n...}, "model", "model_flows_scored",
 * "model_flows_skipped", "decision_write_errors", "polled_files", "polled_files_failed"}, "enforcement": {"mode",
 * "dry_run_ends_at", "dry_run_remaining_days", "would_block", "summary", "bans_active", "bans_added", "bans_renewed",
 * "bans_removed", "bans_expired", "refused_allowlisted", "victim_alerts", "decisions_not_banned", "would_block_actions",
 * "actions", "errors", "last_error", "kernel_members", "emergency_stops"}, "staging": {"staged_files", "bytes_pending",
 * "oldest_staged_at", "staged_total", "uploaded_files", "uploaded_bytes", "upload_errors", "last_error",
 * "next_attempt_at", "vanished", "deleted_by_retention", "model_sync": {"downloads", "last_version", "last_error"},
 * "cluster": null or {"sensor_id", "members_up", "members": [{"sensor_id", "incarnation", "host", "last_heard_at",
 * "silent_s", "state"}], "sent", "applied", "refused", "rejected": {"unsigned", "bad_signature", "stale", "replayed"}},
 * "blacklist_sync": {"exports", "last_export_at", "imported", "refused", "withdrawn", "last_error"}}}. Bytes are wire bytes (file bytes for staging).
 */
public final class StatusJson {
    private StatusJson() {
    }

    /** Counters now; {@code uptimeSeconds} is how long the sensor has run. */
    public static JsonObject of(SensorStats s, double uptimeSeconds) {
        JsonObject malformed = new JsonObject().put("total", s.malformedTotal());
        s.malformedByReason().forEach(malformed::put);
        return new JsonObject()
                .put("uptime_s", uptimeSeconds)
                .put("packets", s.packets.sum())
                .put("bytes", s.bytes.sum())
                .put("ip_packets", s.ipPackets.sum())
                .put("non_ip", s.nonIp.sum())
                .put("fragments", s.fragments.sum())
                .put("snaplen_truncated", s.snaplenTruncated.sum())
                .put("late_packets", s.latePackets.sum())
                .put("malformed", malformed)
                .put("drops", new JsonObject()
                        .put("queue_batches", s.queueDroppedBatches.sum())
                        .put("queue_packets", s.queueDroppedPackets.sum())
                        .put("kernel", s.kernelDropped.get())
                        .put("interface", s.interfaceDropped.get())
                        .put("flow_table_packets", s.flowsDroppedPackets.sum()))
                .put("kernel_received", s.kernelReceived.get())
                .put("windows", s.windows.sum())
                .put("flows", s.flowRecords.sum())
                .put("flows_evicted", s.flowsEvicted.sum())
                .put("files", new JsonObject()
                        .put("closed", s.csvFiles.sum())
                        .put("rows", s.csvRows.sum())
                        .put("removed_by_retention", s.csvFilesRemoved.sum())
                        .put("write_errors", s.csvErrors.sum())
                        .put("windows_not_written", s.csvWindowsNotWritten.sum())
                        .put("rows_not_written", s.csvRowsNotWritten.sum()))
                .put("detection", new JsonObject()
                        .put("windows_scored", s.windowsScored.sum())
                        .put("decisions", new JsonObject(new java.util.LinkedHashMap<>(s.decisionsByRisk())))
                        .put("by_detector", new JsonObject(new java.util.LinkedHashMap<>(s.decisionsByDetector())))
                        .put("model", s.modelVersion.get())
                        .put("model_flows_scored", s.modelFlowsScored.sum())
                        .put("model_flows_skipped", s.modelFlowsSkipped.sum())
                        .put("decision_write_errors", s.decisionWriteErrors.sum())
                        .put("polled_files", s.polledFiles.sum())
                        .put("polled_files_failed", s.polledFilesFailed.sum()))
                .put("alerts", new io.vertx.core.json.JsonArray(s.alerts.get().stream().map(org.argus.status.Alert::toJson).toList()))
                .put("queued_packets", s.queuedPackets.get())
                .put("enforcement", enforcement(s))
                .put("cluster", s.cluster.get() == null ? null : s.cluster.get().copy()
                        .put("sent", s.clusterSent.sum())
                        .put("applied", s.clusterApplied.sum())
                        .put("refused", s.clusterRefused.sum())
                        .put("rejected", new JsonObject()
                                .put("unsigned", s.clusterUnsigned.sum())
                                .put("bad_signature", s.clusterBadSignature.sum())
                                .put("stale", s.clusterStale.sum())
                                .put("replayed", s.clusterReplayed.sum())))
                .put("staging", new JsonObject()
                        .put("staged_files", s.stagedFiles.get())
                        .put("bytes_pending", s.stagedBytes.get())
                        .put("oldest_staged_at", s.oldestStagedEpochMillis.get() == 0 ? null
                                : java.time.Instant.ofEpochMilli(s.oldestStagedEpochMillis.get()).toString())
                        .put("staged_total", s.stagedFilesTotal.sum())
                        .put("uploaded_files", s.uploadedFiles.sum())
                        .put("uploaded_bytes", s.uploadedBytes.sum())
                        .put("upload_errors", s.uploadErrors.sum())
                        .put("last_error", s.uploadLastError.get())
                        .put("next_attempt_at", s.uploadLastError.get() == null ? null
                                : java.time.Instant.ofEpochMilli(s.uploadNextAttemptEpochMillis.get()).toString())
                        .put("vanished", s.stagedVanished.sum())
                        .put("deleted_by_retention", s.uploadedRetentionDeleted.sum())
                        .put("model_sync", new JsonObject()
                                .put("downloads", s.modelDownloads.sum())
                                .put("last_version", s.modelLastDownloaded.get())
                                .put("last_error", s.modelSyncLastError.get()))
                        .put("blacklist_sync", new JsonObject()
                                .put("exports", s.blacklistExports.sum())
                                .put("last_export_at", s.blacklistLastExportEpochMillis.get() == 0 ? null
                                        : java.time.Instant.ofEpochMilli(s.blacklistLastExportEpochMillis.get()).toString())
                                .put("imported", s.blacklistImported.sum())
                                .put("refused", s.blacklistImportRefused.sum())
                                .put("withdrawn", s.blacklistImportRemoved.sum())
                                .put("last_error", s.blacklistSyncLastError.get())));
    }

    static JsonObject enforcement(SensorStats s) {
        long ends = s.dryRunEndsEpochSecond.get();
        String mode = s.enforcementMode.get();
        long would = s.wouldBlock.get();
        JsonObject o = new JsonObject().put("mode", mode);
        if (ends > 0) {
            o.put("dry_run_ends_at", java.time.Instant.ofEpochSecond(ends).toString())
                    .put("dry_run_remaining_days", s.dryRunRemainingDays(java.time.Instant.now()));
        }
        return o.put("would_block", would)
                .put("summary", "dry_run".equals(mode) || "monitor_only".equals(mode)
                        ? "would have blocked " + would + " address" + (would == 1 ? "" : "es")
                        : "enforcing".equals(mode) ? "blocking " + s.kernelMembers.get() + " address" + (s.kernelMembers.get() == 1 ? "" : "es")
                        : String.valueOf(mode))
                .put("bans_active", s.bansActive.get())
                .put("bans_added", s.bansAdded.sum())
                .put("bans_renewed", s.bansRenewed.sum())
                .put("bans_removed", s.bansRemoved.sum())
                .put("bans_expired", s.bansExpired.sum())
                .put("refused_allowlisted", s.bansRefused.sum())
                .put("victim_alerts", s.victimAlerts.sum())
                .put("decisions_not_banned", s.decisionsNotBanned.sum())
                .put("would_block_actions", s.wouldBlockActions.sum())
                .put("actions", s.enforcementActions.sum())
                .put("errors", s.enforcementErrors.sum())
                .put("last_error", s.enforcementLastError.get())
                .put("kernel_members", s.kernelMembers.get())
                .put("emergency_stops", s.emergencyStops.sum());
    }
}
