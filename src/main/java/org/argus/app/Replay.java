package org.argus.app;

import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.argus.anon.Anonymizer;
import org.argus.capture.CaptureException;
import org.argus.capture.PcapFileReader;
import org.argus.csv.CsvRotator;
import org.argus.csv.CsvSettings;
import org.argus.detect.DecisionLog;
import org.argus.detect.Detector;
import org.argus.detect.DetectorReport;
import org.argus.detect.Risk;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowAssembler;
import org.argus.flow.WindowFanOut;
import org.argus.flow.WindowTotals;
import org.argus.stats.SensorStats;

/**
 * The whole offline pipeline on the calling thread, as fast as the reader goes: file → decoder → windows → CSV (and
 * optionally one JSON line per window). The same classes the verticles wire together, without the event-bus hops,
 * so a replay is deterministic. Each file is its own capture: its flows start fresh and its last window is flushed
 * at its end; the CSV files continue across files.
 */
public final class Replay {
    /**
     * What a replay did (the summary line's fields).
     *
     * @param packets    frames read
     * @param bytes      wire bytes
     * @param windows    windows closed
     * @param flows      flow records (one per flow per window)
     * @param malformed  frames that could not be decoded, plus files cut short in a record
     * @param elapsedS   wall-clock seconds
     * @param failures   one message per file that could not be read
     * @param warnings   one message per file read with a problem: an undecoded link type, a cut, a corrupt record,
     *                   bad records skipped
     * @param stats      every counter
     * @param decisions  decisions by risk (low, medium, high)
     * @param model      model version used, or null (heuristics only)
     * @param detectors  per heuristic detector: windows evaluated, findings, and the candidate closest to its
     *                   threshold (empty without a detector)
     */
    public record Summary(long packets, long bytes, long windows, long flows, long malformed, double elapsedS,
                          List<String> failures, List<String> warnings, SensorStats stats, Map<String, Long> decisions,
                          String model, List<DetectorReport> detectors) {
        /** Packets per second of wall clock. */
        public double pps() {
            return elapsedS > 0 ? packets / elapsedS : 0;
        }

        /** The one-line JSON summary {@code replay} prints. */
        public JsonObject toJson() {
            JsonObject malformedByReason = new JsonObject();
            stats.malformedByReason().forEach((k, v) -> {
                if (v > 0) {
                    malformedByReason.put(k, v);
                }
            });
            return new JsonObject().put("packets", packets).put("bytes", bytes).put("windows", windows)
                    .put("flows", flows).put("malformed", malformed).put("malformed_by_reason", malformedByReason)
                    .put("fragments", stats.flow.fragments.sum()).put("non_ip", stats.flow.nonIp.sum())
                    .put("time_jumps", stats.flow.timeJumps.sum())
                    .put("csv_files", stats.csv.csvFiles.sum()).put("csv_rows", stats.csv.csvRows.sum())
                    .put("elapsed_s", Math.round(elapsedS * 1000) / 1000.0).put("pps", Math.round(pps()))
                    .put("unreadable_files", failures.size())
                    .put("warnings", new io.vertx.core.json.JsonArray(new ArrayList<>(warnings)))
                    .put("decisions", new JsonObject(new LinkedHashMap<>(decisions)))
                    .put("model", model)
                    .put("routing", new JsonObject().put("fast", stats.detection.fastPathFlows.sum())
                            .put("standard", stats.detection.standardPathFlows.sum()).put("escalated", stats.detection.escalatedFlows.sum())
                            .put("payloads_inspected", stats.detection.payloadsInspected.sum()).put("payload_hits", stats.detection.payloadHits.sum())
                            .put("payloads_shed", stats.detection.payloadsShed.sum()))
                    .put("detectors", detectorsJson());
        }

        private JsonObject detectorsJson() {
            JsonObject o = new JsonObject();
            detectors.forEach(d -> o.put(d.detector(), d.toJson()));
            return o;
        }
    }

    private Replay() {
    }

    /**
     * Replays the files in order.
     *
     * @param files        captures (.pcap or .pcapng, any extension)
     * @param flow         window and flow settings
     * @param csv          where and how CSVs are written
     * @param salt         anonymization salt
     * @param batchPackets packets per decoded batch
     * @param windowsJsonl when not null, one JSON object per closed window is written there
     * @param onFailure    told of each file that cannot be read (message names the file)
     * @param detector     scores each window; its decisions go to {@code decisions-*.jsonl} in the CSV folder;
     *                     null for none
     * @throws IOException when the output cannot be written
     */
    public static Summary run(List<Path> files, FlowSettings flow, CsvSettings csv, String salt, int batchPackets,
                              Path windowsJsonl, Consumer<String> onFailure, Detector detector) throws IOException {
        return run(files, flow, csv, salt, batchPackets, windowsJsonl, onFailure, detector, null);
    }

    /**
     * {@link #run(List, FlowSettings, CsvSettings, String, int, Path, Consumer, Detector)} with the CSV's GeoIP
     * columns ({@code aggregation.extra_columns}).
     *
     * @param geoColumns the lookup for the columns, or null for the Retina schema alone
     */
    public static Summary run(List<Path> files, FlowSettings flow, CsvSettings csv, String salt, int batchPackets,
                              Path windowsJsonl, Consumer<String> onFailure, Detector detector,
                              java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> geoColumns) throws IOException {
        return run(files, flow, csv, salt, batchPackets, windowsJsonl, onFailure, detector, geoColumns, null);
    }

    /**
     * As above, also writing Suricata EVE JSON ({@code flow} events as flows end, ending every open flow with reason
     * {@code shutdown} at the end of input; an {@code alert} per decision above low) to {@code eve.file()}.
     *
     * @param eve the EVE output, or null for none
     */
    public static Summary run(List<Path> files, FlowSettings flow, CsvSettings csv, String salt, int batchPackets,
                              Path windowsJsonl, Consumer<String> onFailure, Detector detector,
                              java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> geoColumns,
                              org.argus.eve.EveSettings eve) throws IOException {
        return run(files, flow, csv, salt, batchPackets, windowsJsonl, onFailure, detector, geoColumns, eve, null);
    }

    /**
     * As above, also writing an evidence capture ({@code <decision-id>.pcap}) for each high decision.
     *
     * @param evidence the evidence settings (its ring size, range and retention), or null for none
     */
    public static Summary run(List<Path> files, FlowSettings flow, CsvSettings csv, String salt, int batchPackets,
                              Path windowsJsonl, Consumer<String> onFailure, Detector detector,
                              java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> geoColumns,
                              org.argus.eve.EveSettings eve, org.argus.evidence.EvidenceSettings evidence) throws IOException {
        org.argus.capture.PacketRing ring = evidence == null ? null : new org.argus.capture.PacketRing(evidence.ringBytes());
        // a replay's captures end by packet time or at the end of input, never by the wall clock
        org.argus.evidence.EvidenceRecorder recorder = evidence == null ? null : new org.argus.evidence.EvidenceRecorder(evidence,
                ring, flow.window(), new org.argus.evidence.EvidenceStats(), java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC));
        org.argus.eve.EveWriter eveOut = eve == null ? null : new org.argus.eve.EveWriter(eve.file(), eve.maxBytes(), eve.keepFiles());
        org.argus.eve.EveFlows eveFlows = eve == null ? null : new org.argus.eve.EveFlows(flow, eve.maxFlows());
        java.util.function.Function<org.argus.flow.IpAddress, String> eveName = eve == null ? null
                : eve.anonymize() ? new Anonymizer(salt)::anonymize : org.argus.flow.IpAddress::toString;
        try {
            return run(files, flow, csv, salt, batchPackets, windowsJsonl, onFailure, detector, geoColumns, eveOut, eveFlows, eveName,
                    ring, recorder);
        } finally {
            if (recorder != null) {
                recorder.flush();
            }
            if (eveOut != null) {
                eveOut.write(org.argus.eve.EveFormat.flowLines(eveFlows.flush(), eveName));
                eveOut.close();
            }
        }
    }

    private static Summary run(List<Path> files, FlowSettings flow, CsvSettings csv, String salt, int batchPackets,
                               Path windowsJsonl, Consumer<String> onFailure, Detector detector,
                               java.util.function.Function<org.argus.flow.IpAddress, org.argus.enrich.Geo> geoColumns,
                               org.argus.eve.EveWriter eveOut, org.argus.eve.EveFlows eveFlows,
                               java.util.function.Function<org.argus.flow.IpAddress, String> eveName,
                               org.argus.capture.PacketRing ring, org.argus.evidence.EvidenceRecorder evidence) throws IOException {
        Map<String, Long> byRisk = new LinkedHashMap<>();
        for (Risk r : Risk.values()) {
            byRisk.put(r.text(), 0L);
        }
        String[] model = {null};
        SensorStats stats = new SensorStats();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long t0 = System.nanoTime();
        if (windowsJsonl != null && windowsJsonl.toAbsolutePath().getParent() != null) {
            Files.createDirectories(windowsJsonl.toAbsolutePath().getParent());
        }
        BufferedWriter windowsOut = windowsJsonl == null ? null : Files.newBufferedWriter(windowsJsonl, StandardCharsets.UTF_8);
        try (CsvRotator rotator = new CsvRotator(csv, new Anonymizer(salt), stats.csv, closed -> { });
             DecisionLog decisionLog = new DecisionLog(csv.outputDir(), false)) {
            if (geoColumns != null) {
                rotator.geoColumns(geoColumns);
            }
            rotator.recover();
            // CSV rows and detection each on a thread of their own, beside the window assembly on this one; each
            // sees the windows in order, so the files are those of a single-threaded run
            List<WindowFanOut.Stage> stages = new ArrayList<>();
            stages.add(w -> {
                rotator.write(w);
                if (windowsOut != null) {
                    windowsOut.write(windowJson(w).encode());
                    windowsOut.write('\n');
                }
                if (eveOut != null) {
                    eveOut.write(org.argus.eve.EveFormat.flowLines(eveFlows.window(w), eveName));
                }
            });
            if (detector != null) {
                stages.add(w -> {
                    Detector.Result r = detector.process(w);
                    stats.detection.countRouting(r.routing());
                    List<org.argus.detect.Decision> ds = evidence == null ? r.decisions() : r.decisions().stream().map(evidence::claim).toList();
                    decisionLog.write(ds);
                    if (evidence != null) {
                        evidence.tick();
                    }
                    if (eveOut != null) {
                        eveOut.write(ds.stream().filter(d -> d.risk() != Risk.LOW)
                                .map(d -> org.argus.eve.EveFormat.alert(d, eveName).encode()).toList());
                    }
                    ds.forEach(d -> byRisk.merge(d.risk().text(), 1L, Long::sum));
                    if (r.modelVersion() != null) {
                        model[0] = r.modelVersion();
                    }
                });
            }
            WindowFanOut sink = new WindowFanOut("argus-replay", 1, stages);
            try {
                for (Path file : files) {
                    try {
                        PcapFileReader.Result r = WindowAssembler.readFile(file, flow, batchPackets, stats.flow, sink, ring);
                        r.countProblems(stats.capture::addFileProblem);
                        if (!r.problems().isEmpty()) {
                            String w = file + ": " + r.packets() + " packets" + r.problems();
                            warnings.add(w);
                        }
                    } catch (CaptureException e) {
                        failures.add(e.getMessage());
                        onFailure.accept(e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    if (sink.failed()) {
                        break;
                    }
                }
            } finally {
                closeStages(sink);
            }
        } finally {
            if (windowsOut != null) {
                windowsOut.close();
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return new Summary(stats.flow.packets.sum(), stats.flow.bytes.sum(), stats.flow.windows.sum(), stats.flow.flowRecords.sum(),
                stats.malformedTotal(), elapsed, failures, warnings, stats, byRisk, model[0],
                detector == null ? List.of() : detector.heuristicReports());
    }

    /** Waits for the stages; a stage's failure comes out as the IOException it was (or wraps it). */
    private static void closeStages(WindowFanOut sink) throws IOException {
        try {
            sink.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while finishing the output", e);
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** One window's totals as JSON: window_start (epoch seconds) and the {@link WindowTotals} counters. */
    static JsonObject windowJson(FlowWindow w) {
        WindowTotals t = w.totals();
        return new JsonObject()
                .put("window_start", Math.floorDiv(w.startNanos(), 1_000_000_000L))
                .put("window_start_iso", Instant.ofEpochSecond(Math.floorDiv(w.startNanos(), 1_000_000_000L)).toString())
                .put("packets", t.packets()).put("bytes", t.bytes()).put("ip_packets", t.ipPackets())
                .put("tcp_packets", t.tcpPackets()).put("udp_packets", t.udpPackets()).put("icmp_packets", t.icmpPackets())
                .put("tcp_syn", t.tcpSyn()).put("flows", w.flows().size()).put("fragments", t.fragments())
                .put("non_ip", t.nonIp()).put("malformed", t.malformed()).put("late_packets", t.latePackets())
                .put("flow_dropped_packets", t.flowsDropped());
    }
}
