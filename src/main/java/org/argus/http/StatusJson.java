package org.argus.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.argus.stats.SensorStats;

/**
 * The counters as JSON, shared by {@code GET /status} and the replay summary so both speak the same names.
 *
 * <p>Shape: {@code {"uptime_s", "packets", "bytes", "ip_packets", "non_ip", "fragments", "snaplen_truncated",
 * "late_packets", "time_jumps", "malformed": {"total", <reason>: n...}, "drops": {"queue_batches", "queue_packets", "kernel",
 * "interface", "flow_table_packets"}, "kernel_received", "windows", "flows", "flows_evicted",
 * "files": {"closed", "rows", "removed_by_retention", "write_errors", "windows_not_written",
 * "rows_not_written"}, "detection": {"windows_scored",
 * "decisions": {"low", "medium", "high"}, "by_detector": {name: n...}, "model", "model_flows_scored",
 * "model_flows_skipped", "decision_write_errors", "polled_files", "polled_files_failed"}, "enforcement": {"mode",
 * "dry_run_ends_at", "dry_run_remaining_days", "would_block", "summary", "bans_active", "bans_added", "bans_renewed",
 * "bans_removed", "bans_expired", "refused_allowlisted", "victim_alerts", "decisions_not_banned", "would_block_actions",
 * "actions", "errors", "last_error", "kernel_members", "listed_in_kernel", "listed_wanted", "emergency_stops"}, "staging": {"staged_files", "bytes_pending",
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
                .put("packets", s.flow.packets.sum())
                .put("bytes", s.flow.bytes.sum())
                .put("ip_packets", s.flow.ipPackets.sum())
                .put("non_ip", s.flow.nonIp.sum())
                .put("fragments", s.flow.fragments.sum())
                .put("snaplen_truncated", s.flow.snaplenTruncated.sum())
                .put("late_packets", s.flow.latePackets.sum())
                .put("time_jumps", s.flow.timeJumps.sum())
                .put("malformed", malformed)
                .put("drops", new JsonObject()
                        .put("queue_batches", s.capture.queueDroppedBatches.sum())
                        .put("queue_packets", s.capture.queueDroppedPackets.sum())
                        .put("kernel", s.capture.kernelDropped.get())
                        .put("interface", s.capture.interfaceDropped.get())
                        .put("flow_table_packets", s.flow.flowsDroppedPackets.sum()))
                .put("kernel_received", s.capture.kernelReceived.get())
                .put("windows", s.flow.windows.sum())
                .put("flows", s.flow.flowRecords.sum())
                .put("flows_evicted", s.flow.flowsEvicted.sum())
                .put("files", new JsonObject()
                        .put("closed", s.csv.csvFiles.sum())
                        .put("rows", s.csv.csvRows.sum())
                        .put("removed_by_retention", s.csv.csvFilesRemoved.sum())
                        .put("write_errors", s.csv.csvErrors.sum())
                        .put("windows_not_written", s.csv.csvWindowsNotWritten.sum())
                        .put("rows_not_written", s.csv.csvRowsNotWritten.sum()))
                .put("detection", new JsonObject()
                        .put("windows_scored", s.detection.windowsScored.sum())
                        .put("early_looks", s.detection.earlyLooks.sum())
                        .put("early_flows_looked", s.detection.earlyFlowsLooked.sum())
                        .put("early_decisions", s.detection.earlyDecisions.sum())
                        .put("decisions", new JsonObject(new java.util.LinkedHashMap<>(s.detection.decisionsByRisk())))
                        .put("by_detector", new JsonObject(new java.util.LinkedHashMap<>(s.detection.decisionsByDetector())))
                        .put("model", s.detection.modelVersion.get())
                        .put("model_flows_scored", s.detection.modelFlowsScored.sum())
                        .put("model_flows_skipped", s.detection.modelFlowsSkipped.sum())
                        .put("decision_write_errors", s.detection.decisionWriteErrors.sum())
                        .put("routing", new JsonObject()
                                .put("fast", s.detection.fastPathFlows.sum())
                                .put("standard", s.detection.standardPathFlows.sum())
                                .put("escalated", s.detection.escalatedFlows.sum())
                                .put("payloads_inspected", s.detection.payloadsInspected.sum())
                                .put("payload_hits", s.detection.payloadHits.sum())
                                .put("payloads_shed", s.detection.payloadsShed.sum())
                                .put("payload_bytes_kept", s.flow.payloadBytesKept.sum())
                                .put("payload_bytes_shed", s.flow.payloadBytesShed.sum()))
                        .put("baseline", new JsonObject().put("false_positive_files", s.detection.baselineFiles.sum())
                                .put("rows", s.detection.baselineRows.sum()).put("missed", s.detection.baselineMissed.sum()))
                        .put("polled_files", s.detection.polledFiles.sum())
                        .put("polled_files_failed", s.detection.polledFilesFailed.sum()))
                .put("alerts", new io.vertx.core.json.JsonArray(s.health.alerts.get().stream().map(org.argus.status.Alert::toJson).toList()))
                .put("queued_packets", s.capture.queuedPackets.get())
                .put("enforcement", enforcement(s))
                .put("cluster", s.cluster.members.get() == null ? null : s.cluster.members.get().copy()
                        .put("sent", s.cluster.clusterSent.sum())
                        .put("applied", s.cluster.clusterApplied.sum())
                        .put("refused", s.cluster.clusterRefused.sum())
                        .put("rejected", new JsonObject()
                                .put("unsigned", s.cluster.clusterUnsigned.sum())
                                .put("bad_signature", s.cluster.clusterBadSignature.sum())
                                .put("stale", s.cluster.clusterStale.sum())
                                .put("replayed", s.cluster.clusterReplayed.sum())))
                .put("devices", s.devices.toJson()).put("intel", s.intel.toJson())
                .put("export", new JsonObject().put("influx", s.influx.toJson()).put("eve", s.eve.toJson())).put("lapi", s.lapi.toJson()).put("evidence", s.evidence.toJson()).put("notify", s.notify.toJson())
                .put("enrichment", s.geo.get() == null ? new JsonObject().put("databases", new JsonArray())
                        : new JsonObject().put("databases", new JsonArray(s.geo.get().databases())).put("lookups", s.geo.get().lookups.sum())
                                .put("found", s.geo.get().found.sum()))
                .put("staging", new JsonObject()
                        .put("archive", new JsonObject().put("files", s.staging.archiveFiles.get()).put("bytes", s.staging.archiveBytes.get())
                                .put("archived", s.staging.archivedFiles.sum()).put("deleted", s.staging.archiveDeleted.sum())
                                .put("errors", s.staging.archiveErrors.sum()).put("last_error", s.staging.archiveLastError.get()))
                        .put("staged_files", s.staging.stagedFiles.get())
                        .put("bytes_pending", s.staging.stagedBytes.get())
                        .put("oldest_staged_at", s.staging.oldestStagedEpochMillis.get() == 0 ? null
                                : java.time.Instant.ofEpochMilli(s.staging.oldestStagedEpochMillis.get()).toString())
                        .put("staged_total", s.staging.stagedFilesTotal.sum())
                        .put("uploaded_files", s.staging.uploadedFiles.sum())
                        .put("uploaded_bytes", s.staging.uploadedBytes.sum())
                        .put("upload_errors", s.staging.uploadErrors.sum())
                        .put("last_error", s.staging.uploadLastError.get())
                        .put("next_attempt_at", s.staging.uploadLastError.get() == null ? null
                                : java.time.Instant.ofEpochMilli(s.staging.uploadNextAttemptEpochMillis.get()).toString())
                        .put("vanished", s.staging.stagedVanished.sum())
                        .put("deleted_by_retention", s.staging.uploadedRetentionDeleted.sum())
                        .put("model_sync", new JsonObject()
                                .put("downloads", s.staging.modelDownloads.sum())
                                .put("last_version", s.staging.modelLastDownloaded.get())
                                .put("last_error", s.staging.modelSyncLastError.get()))
                        .put("blacklist_sync", new JsonObject()
                                .put("exports", s.staging.blacklistExports.sum())
                                .put("last_export_at", s.staging.blacklistLastExportEpochMillis.get() == 0 ? null
                                        : java.time.Instant.ofEpochMilli(s.staging.blacklistLastExportEpochMillis.get()).toString())
                                .put("imported", s.staging.blacklistImported.sum())
                                .put("refused", s.staging.blacklistImportRefused.sum())
                                .put("withdrawn", s.staging.blacklistImportRemoved.sum())
                                .put("last_error", s.staging.blacklistSyncLastError.get())));
    }

    static JsonObject enforcement(SensorStats s) {
        org.argus.enforce.EnforcementStatus es = s.enforcement.status.get();
        String mode = es.modeText();
        long would = es.wouldBlock();
        JsonObject o = new JsonObject().put("mode", mode);
        if (es.dryRunEnds() != null) {
            o.put("dry_run_ends_at", es.dryRunEnds().toString())
                    .put("dry_run_remaining_days", s.dryRunRemainingDays(java.time.Instant.now()));
        }
        return o.put("would_block", would)
                .put("summary", "dry_run".equals(mode) || "monitor_only".equals(mode)
                        ? "would have blocked " + would + " address" + (would == 1 ? "" : "es")
                        : "enforcing".equals(mode) ? "blocking " + s.enforcement.kernelMembers.get() + " address" + (s.enforcement.kernelMembers.get() == 1 ? "" : "es")
                        : String.valueOf(mode))
                .put("bans_active", s.blacklist.bansActive.get())
                .put("bans_added", s.blacklist.bansAdded.sum())
                .put("bans_renewed", s.blacklist.bansRenewed.sum())
                .put("bans_removed", s.blacklist.bansRemoved.sum())
                .put("feedback", new JsonObject().put("false_positives", s.blacklist.feedbackFalsePositives.sum())
                        .put("true_positives", s.blacklist.feedbackTruePositives.sum()))
                .put("bans_expired", s.blacklist.bansExpired.sum())
                .put("refused_allowlisted", s.blacklist.bansRefused.sum())
                .put("victim_alerts", s.blacklist.victimAlerts.sum())
                .put("decisions_not_banned", s.blacklist.decisionsNotBanned.sum())
                .put("would_block_actions", s.enforcement.wouldBlockActions.sum())
                .put("actions", s.enforcement.enforcementActions.sum())
                .put("errors", s.enforcement.enforcementErrors.sum())
                .put("last_error", s.enforcement.enforcementLastError.get())
                .put("kernel_members", s.enforcement.kernelMembers.get())
                .put("listed_in_kernel", s.enforcement.listedInKernel.get()).put("listed_wanted", s.enforcement.listedWanted.get())
                .put("emergency_stops", s.enforcement.emergencyStops.sum())
                .put("hook", s.enforcement.hook.get())
                .put("by_action", new JsonObject(new java.util.LinkedHashMap<>(s.enforcement.byAction.get())))
                .put("topology", new JsonObject().put("interface", s.enforcement.topology.get().iface())
                        .put("role", s.enforcement.topology.get().role()).put("bridge", s.enforcement.topology.get().bridge())
                        .put("br_netfilter", s.enforcement.topology.get().brNetfilter())
                        .put("summary", s.enforcement.topology.get().describe()))
                .put("backend_counters", new JsonObject(new java.util.LinkedHashMap<>(s.enforcement.backendTotals.get())));
    }
}
