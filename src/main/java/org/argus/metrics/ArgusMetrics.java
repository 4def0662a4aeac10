package org.argus.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.argus.stats.SensorStats;

/**
 * Prometheus metrics for {@code GET /metrics}: Vert.x's own (event loops, event bus, HTTP server, pools, JVM —
 * through vertx-micrometer-metrics when the sensor's Vert.x was built with {@link #options}) and Argus's, read from
 * {@link SensorStats} at scrape time (no second set of counters on the hot path). Names follow the Prometheus
 * conventions: {@code argus_} prefix, unit in the name, {@code _total} on counters (Micrometer adds it), labels for
 * reasons: {@code argus_packets_total}, {@code argus_capture_bytes_total} (wire bytes),
 * {@code argus_dropped_packets_total{where}}, {@code argus_malformed_packets_total{reason}}, {@code argus_windows_total},
 * {@code argus_flows_total}, {@code argus_csv_rows_total}, {@code argus_csv_files_total},
 * {@code argus_csv_rows_not_written_total}, {@code argus_staged_files_total}, {@code argus_uploaded_files_total},
 * {@code argus_uploaded_bytes_total}, {@code argus_staging_backlog_files}, {@code argus_decisions_total{risk}},
 * {@code argus_decisions_by_detector_total{detector}}, {@code argus_bans_active}, {@code argus_bans_total{change}},
 * {@code argus_enforcement_actions_total}, {@code argus_enforcement_errors_total}, {@code argus_model_info{version}},
 * {@code argus_cluster_members_up}, {@code argus_cluster_rejected_messages_total{reason}}, {@code argus_devices},
 * {@code argus_new_devices_total}, {@code argus_device_scans_total}, {@code argus_device_scans_failed_total},
 * {@code argus_devices_by_band{band}}, {@code argus_intel_entries}, {@code argus_intel_feed_entries{feed}},
 * {@code argus_intel_matches_total{feed}}, {@code argus_influx_points_sent_total}, {@code argus_influx_points_dropped_total},
 * {@code argus_influx_points_rejected_total}, {@code argus_influx_errors_total}, {@code argus_influx_windows_shed_total},
 * {@code argus_influx_queued_bytes}, {@code argus_influx_queued_points}, {@code argus_archive_files}, {@code argus_archive_bytes},
 * {@code argus_archived_files_total}, {@code argus_archive_deleted_total}, {@code argus_xdp_packets_total{result}} (seen, dropped_ban, dropped_feed, not_ip;
 * the xdp backend only, from the program's per-CPU totals, read at most every 5 s), {@code argus_ban_dropped_packets{target}}
 * (xdp: the 100 bans that dropped most, a bound on label cardinality), {@code argus_evidence_files_total},
 * {@code argus_evidence_frames_total}, {@code argus_evidence_incomplete_total}, {@code argus_evidence_write_errors_total}.
 */
public final class ArgusMetrics {
    private final MeterRegistry registry;
    private final SensorStats stats;
    private final Set<String> detectors = new HashSet<>();
    private Meter modelInfo;
    private String modelShown;

    private ArgusMetrics(MeterRegistry registry, SensorStats stats) {
        this.registry = registry;
        this.stats = stats;
    }

    /** Vert.x options with Micrometer metrics on, exposed to Prometheus, JVM metrics included. */
    public static VertxOptions options(VertxOptions base) {
        return base.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }

    /**
     * Binds Argus's meters to the Vert.x Prometheus registry when the Vert.x was built with {@link #options}, else to
     * a registry of its own (Argus metrics only).
     */
    public static ArgusMetrics bind(SensorStats stats) {
        PrometheusMeterRegistry registry = BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry p ? p
                : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ArgusMetrics m = new ArgusMetrics(registry, stats);
        m.register();
        return m;
    }

    /** The Prometheus text exposition of every meter (refreshes the dynamic ones first). */
    public String scrape() {
        refresh();
        return ((PrometheusMeterRegistry) registry).scrape();
    }

    private void counter(String name, String help, LongAdder a, String... tags) {
        FunctionCounter.builder(name, a, LongAdder::doubleValue).description(help).tags(tags).register(registry);
    }

    private void counter(String name, String help, AtomicLong a, String... tags) {
        FunctionCounter.builder(name, a, AtomicLong::doubleValue).description(help).tags(tags).register(registry);
    }

    private void gauge(String name, String help, Supplier<Number> f) {
        Gauge.builder(name, f).description(help).register(registry);
    }

    private void register() {
        SensorStats s = stats;
        counter("argus.packets", "Frames read from the interface or file", s.flow.packets);
        counter("argus.capture.bytes", "Wire bytes of those frames", s.flow.bytes);
        counter("argus.dropped.packets", "Packets lost before windowing", s.capture.queueDroppedPackets, "where", "queue");
        counter("argus.dropped.packets", "Packets lost before windowing", s.capture.kernelDropped, "where", "kernel");
        counter("argus.dropped.packets", "Packets lost before windowing", s.capture.interfaceDropped, "where", "interface");
        counter("argus.dropped.packets", "Packets lost before windowing", s.flow.flowsDroppedPackets, "where", "flow_table");
        for (String reason : s.malformedByReason().keySet()) {
            FunctionCounter.builder("argus.malformed.packets", s, x -> x.malformedByReason().getOrDefault(reason, 0L))
                    .description("Packets that could not be decoded, by reason").tags("reason", reason).register(registry);
        }
        counter("argus.windows", "Windows closed", s.flow.windows);
        counter("argus.flows", "Flow records emitted in windows", s.flow.flowRecords);
        counter("argus.csv.rows", "CSV rows written", s.csv.csvRows);
        counter("argus.csv.files", "CSV files closed", s.csv.csvFiles);
        counter("argus.csv.write.errors", "CSV writes that failed", s.csv.csvErrors);
        counter("argus.csv.rows.not.written", "Rows not written because the disk was nearly full", s.csv.csvRowsNotWritten);
        counter("argus.staged.files", "CSV files moved to staging", s.staging.stagedFilesTotal);
        counter("argus.uploaded.files", "Files uploaded and confirmed", s.staging.uploadedFiles);
        counter("argus.uploaded.bytes", "Bytes uploaded and confirmed", s.staging.uploadedBytes);
        counter("argus.upload.errors", "Failed upload attempts", s.staging.uploadErrors);
        gauge("argus.staging.backlog.files", "Files waiting in staging", s.staging.stagedFiles::get);
        gauge("argus.staging.backlog.bytes", "Bytes waiting in staging", s.staging.stagedBytes::get);
        for (String risk : new String[] {"low", "medium", "high"}) {
            FunctionCounter.builder("argus.decisions", s, x -> x.detection.decisionsByRisk().getOrDefault(risk, 0L))
                    .description("Decisions by risk").tags("risk", risk).register(registry);
        }
        gauge("argus.devices", "Devices in the inventory (-1 before it opens or when devices.enabled is false)", () -> s.devices.known.get());
        counter("argus.new.devices", "Devices seen for the first time ever", s.devices.newDevices);
        counter("argus.evidence.files", "Evidence captures written (evidence/<decision-id>.pcap)", s.evidence.written);
        counter("argus.evidence.frames", "Frames written into evidence captures", s.evidence.frames);
        counter("argus.evidence.incomplete", "Evidence captures whose range had partly left the packet ring", s.evidence.incomplete);
        counter("argus.evidence.write.errors", "Evidence captures that could not be written", s.evidence.writeErrors);
        counter("argus.device.scans", "Vulnerability scans run", s.devices.scansRun);
        counter("argus.device.scans.failed", "Vulnerability scans that failed (nmap missing, timed out, bad output)", s.devices.scansFailed);
        for (String band : java.util.List.of("normal", "warning", "alert", "critical")) {
            Gauge.builder("argus.devices.by.band", () -> s.devices.bands.get().getOrDefault(band, 0))
                    .description("Devices per trust band").tag("band", band).register(registry);
        }
        gauge("argus.archive.files", "Compressed CSVs in the archive (-1 while archive.enabled is false)", s.staging.archiveFiles::get);
        gauge("argus.archive.bytes", "Bytes in the archive (-1 while archive.enabled is false)", s.staging.archiveBytes::get);
        counter("argus.archived.files", "CSVs compressed into the archive", s.staging.archivedFiles);
        counter("argus.archive.deleted", "Archives deleted by retention (age or size)", s.staging.archiveDeleted);
        counter("argus.influx.points.sent", "Points InfluxDB took", s.influx.pointsSent);
        counter("argus.influx.points.dropped", "Points dropped: the export's on-disk queue was full", s.influx.pointsDropped);
        counter("argus.influx.points.rejected", "Points in batches InfluxDB refused for their content (400/413/422)", s.influx.pointsRejected);
        counter("argus.influx.errors", "Failed writes to InfluxDB (no answer or not 2xx)", s.influx.errors);
        counter("argus.influx.windows.shed", "Windows the export did not take because it was behind", s.influx.windowsShed);
        gauge("argus.influx.queued.bytes", "Bytes (gzip) waiting in the export's on-disk queue", s.influx.queuedBytes::get);
        gauge("argus.influx.queued.points", "Points waiting in the export's on-disk queue", s.influx.queuedPoints::get);
        gauge("argus.intel.entries", "Distinct blocks in the threat-feed snapshot in use", () -> s.intel.current().size());
        for (String feed : s.intel.names) {
            Gauge.builder("argus.intel.feed.entries", () -> s.intel.entries(feed))
                    .description("Entries of a threat feed's latest load").tag("feed", feed).register(registry);
            FunctionCounter.builder("argus.intel.matches", s, x -> x.intel.matches(feed))
                    .description("Threat-feed findings (an address in a window, once per feed listing it)").tags("feed", feed).register(registry);
        }
        counter("argus.early.looks", "Early looks at the open window's busy originators", s.detection.earlyLooks);
        counter("argus.early.decisions", "Decisions made inside the open window (early firing)", s.detection.earlyDecisions);
        counter("argus.routing.flows", "Flows by route", s.detection.fastPathFlows, "path", "fast");
        counter("argus.routing.flows", "Flows by route", s.detection.standardPathFlows, "path", "standard");
        counter("argus.routing.flows", "Flows by route", s.detection.escalatedFlows, "path", "escalated");
        counter("argus.payloads.inspected", "Payloads the classifier scored", s.detection.payloadsInspected);
        counter("argus.payloads.hits", "Malicious payload verdicts at or above payload.threshold", s.detection.payloadHits);
        counter("argus.payloads.shed", "Escalated payloads left unscored for payload.max_per_window", s.detection.payloadsShed);
        counter("argus.payload.bytes.shed", "Payload bytes not kept for payload.window_mb", s.flow.payloadBytesShed);
        gauge("argus.bans.active", "Active bans in the blacklist", s.blacklist.bansActive::get);
        counter("argus.bans", "Blacklist changes", s.blacklist.bansAdded, "change", "added");
        counter("argus.bans", "Blacklist changes", s.blacklist.bansRenewed, "change", "renewed");
        counter("argus.bans", "Blacklist changes", s.blacklist.bansRemoved, "change", "removed");
        counter("argus.bans", "Blacklist changes", s.blacklist.bansExpired, "change", "expired");
        counter("argus.bans", "Blacklist changes", s.blacklist.bansRefused, "change", "refused_allowlisted");
        counter("argus.enforcement.actions", "Firewall set changes made", s.enforcement.enforcementActions);
        counter("argus.enforcement.would.block.actions", "Set changes dry-run did not make", s.enforcement.wouldBlockActions);
        counter("argus.enforcement.errors", "Firewall commands that failed", s.enforcement.enforcementErrors);
        for (String[] c : new String[][] {{"seen", "Packets the XDP program looked at"}, {"dropped_ban", "Packets the XDP program dropped for a ban"},
                {"dropped_feed", "Packets the XDP program dropped for a threat-feed entry"}, {"not_ip", "Packets the XDP program passed without an IP header"}}) {
            FunctionCounter.builder("argus.xdp.packets", s, x -> x.enforcement.backendTotals.get().getOrDefault(c[0], 0L))
                    .description(c[1]).tags("result", c[0]).register(registry);
        }
        gauge("argus.cluster.members.up", "Cluster members heard recently, this one included (0: not clustered)",
                () -> s.cluster.members.get() == null ? 0 : s.cluster.members.get().getLong("members_up", 0L));
        counter("argus.cluster.rejected.messages", "Cluster messages dropped", s.cluster.clusterUnsigned, "reason", "unsigned");
        counter("argus.cluster.rejected.messages", "Cluster messages dropped", s.cluster.clusterBadSignature, "reason", "bad_signature");
        counter("argus.cluster.rejected.messages", "Cluster messages dropped", s.cluster.clusterStale, "reason", "stale");
        counter("argus.cluster.rejected.messages", "Cluster messages dropped", s.cluster.clusterReplayed, "reason", "replayed");
        refresh();
    }

    /** Meters whose labels appear at run time: one per detector seen, and the model version in use. */
    /** Most per-ban drop counters shown in {@code /metrics} (the highest); {@code GET /blacklist} has every one. */
    static final int TOP_DROPPED = 100;
    private io.micrometer.core.instrument.MultiGauge droppedByBan;

    private synchronized void refresh() {
        if (droppedByBan == null) {
            droppedByBan = io.micrometer.core.instrument.MultiGauge.builder("argus.ban.dropped.packets")
                    .description("Packets a ban dropped since it entered the kernel (xdp backend; the " + TOP_DROPPED + " highest)")
                    .register(registry);
        }
        droppedByBan.register(stats.enforcement.droppedByBan.get().entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP_DROPPED)
                .map(e -> io.micrometer.core.instrument.MultiGauge.Row.of(Tags.of("target", e.getKey()), e.getValue()))
                .toList(), true);
        for (String d : stats.detection.decisionsByDetector().keySet()) {
            if (detectors.add(d)) {
                FunctionCounter.builder("argus.decisions.by.detector", stats, x -> x.detection.decisionsByDetector().getOrDefault(d, 0L))
                        .description("Decisions by the detector that made them").tags("detector", d).register(registry);
            }
        }
        String version = stats.detection.modelVersion.get();
        String shown = version == null ? "none" : version;
        if (!shown.equals(modelShown)) {
            if (modelInfo != null) {
                registry.remove(modelInfo);
            }
            modelInfo = Gauge.builder("argus.model.info", () -> 1).description("The anomaly model in use (version label; none = heuristics only)")
                    .tags(Tags.of("version", shown)).register(registry);
            modelShown = shown;
        }
    }
}
