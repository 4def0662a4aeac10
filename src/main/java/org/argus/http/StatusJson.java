package org.argus.http;

import io.vertx.core.json.JsonObject;
import org.argus.status.SensorStats;

/**
 * The counters as JSON, shared by {@code GET /status} and the replay summary so both speak the same names.
 *
 * <p>Shape: {@code {"uptime_s", "packets", "bytes", "ip_packets", "non_ip", "fragments", "snaplen_truncated",
 * "late_packets", "malformed": {"total", <reason>: n...}, "drops": {"queue_batches", "queue_packets", "kernel",
 * "interface", "flow_table_packets"}, "kernel_received", "windows", "flows", "flows_evicted",
 * "files": {"closed", "rows", "removed_by_retention", "write_errors"}, "detection": {"windows_scored",
 * "decisions": {"low", "medium", "high"}, "by_detector": {name: n...}, "model", "model_flows_scored",
 * "model_flows_skipped", "decision_write_errors", "polled_files", "polled_files_failed"}}}. Bytes are wire bytes.
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
                        .put("write_errors", s.csvErrors.sum()))
                .put("detection", new JsonObject()
                        .put("windows_scored", s.windowsScored.sum())
                        .put("decisions", new JsonObject(new java.util.LinkedHashMap<>(s.decisionsByRisk())))
                        .put("by_detector", new JsonObject(new java.util.LinkedHashMap<>(s.decisionsByDetector())))
                        .put("model", s.modelVersion.get())
                        .put("model_flows_scored", s.modelFlowsScored.sum())
                        .put("model_flows_skipped", s.modelFlowsSkipped.sum())
                        .put("decision_write_errors", s.decisionWriteErrors.sum())
                        .put("polled_files", s.polledFiles.sum())
                        .put("polled_files_failed", s.polledFilesFailed.sum()));
    }
}
