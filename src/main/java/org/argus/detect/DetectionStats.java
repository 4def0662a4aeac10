package org.argus.detect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The prediction stage's counters: windows and flows scored, decisions by risk and detector, the model in use, and
 * polling-mode files. Thread-safe.
 */
public final class DetectionStats {
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
    /** Early looks at open windows ({@link EarlyWarning}). */
    public final LongAdder earlyLooks = new LongAdder();
    /** Flows in those looks. */
    public final LongAdder earlyFlowsLooked = new LongAdder();
    /** Early decisions (also counted by risk and detector). */
    public final LongAdder earlyDecisions = new LongAdder();
    /** Flows on the fast path (allowlisted originators, known-good services): not scored, not inspected. */
    public final LongAdder fastPathFlows = new LongAdder();
    /** Flows on the standard path (heuristics and the model). */
    public final LongAdder standardPathFlows = new LongAdder();
    /** Flows escalated: their payload picked for the classifier (suspicious or sampled). */
    public final LongAdder escalatedFlows = new LongAdder();
    /** Payloads the classifier scored. */
    public final LongAdder payloadsInspected = new LongAdder();
    /** Malicious verdicts at or above {@code payload.threshold}. */
    public final LongAdder payloadHits = new LongAdder();
    /** Escalated payloads left unscored for {@code payload.max_per_window}. */
    public final LongAdder payloadsShed = new LongAdder();

    /** False positives whose flows went into the baseline store ({@link Baseline}). */
    public final LongAdder baselineFiles = new LongAdder();
    /** Flow rows those files hold. */
    public final LongAdder baselineRows = new LongAdder();
    /** False positives whose flows could not be found (the decision or its CSV rows are gone) or written. */
    public final LongAdder baselineMissed = new LongAdder();

    /** Adds one window's routing. */
    public void countRouting(PayloadInspector.Routing r) {
        fastPathFlows.add(r.fast());
        standardPathFlows.add(r.standard());
        escalatedFlows.add(r.escalated());
        payloadsInspected.add(r.inspected());
        payloadHits.add(r.hits());
        payloadsShed.add(r.shed());
    }

    /** The model version in use, or null. */
    public final AtomicReference<String> modelVersion = new AtomicReference<>();

    private final Map<String, LongAdder> decisionsByRisk = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisionsByDetector = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisionsByCountry = new ConcurrentHashMap<>();

    /** Counts one decision. */
    public void countDecision(String risk, String detector) {
        decisionsByRisk.computeIfAbsent(risk, k -> new LongAdder()).increment();
        decisionsByDetector.computeIfAbsent(detector, k -> new LongAdder()).increment();
    }

    /** Counts one decision's GeoIP country (ISO code; decisions without one are not counted). */
    public void countCountry(String country) {
        if (country != null) {
            decisionsByCountry.computeIfAbsent(country, k -> new LongAdder()).increment();
        }
    }

    /** Decisions by the GeoIP country of their address, only those seen. */
    public Map<String, Long> decisionsByCountry() {
        Map<String, Long> m = new TreeMap<>();
        decisionsByCountry.forEach((k, v) -> m.put(k, v.sum()));
        return m;
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
        Map<String, Long> m = new TreeMap<>();
        decisionsByDetector.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
