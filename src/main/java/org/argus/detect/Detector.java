package org.argus.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;

/**
 * One window in, decisions out: heuristics plus the current model, merged to one decision per (address, role) whose
 * score combines this window's findings with other detectors' earlier findings about the same host ({@link Evidence}).
 * The model scores each flow (or an even sample of at most {@code max_flows_per_batch}); a source's model score is
 * its worst flow's calibrated score, and the reasons name the features furthest outside the training range.
 * Not thread-safe (the heuristics keep state): one owner thread.
 */
public final class Detector {
    /** Detector name of model findings. */
    public static final String MODEL = "isolation_forest";
    /** The detector name of findings by an autoencoder model ({@code train --algorithm autoencoder}). */
    public static final String AUTOENCODER = AnomalyModel.AUTOENCODER;

    /** True for the flow models' detector names ({@value #MODEL}, {@value #AUTOENCODER}). */
    public static boolean isModel(String detector) {
        return MODEL.equals(detector) || AUTOENCODER.equals(detector);
    }
    /** Community IDs quoted per decision. */
    static final int MAX_IDS = 5;

    /**
     * What one window produced.
     *
     * @param decisions    decisions, highest score first
     * @param modelScored  flows the model scored
     * @param modelSkipped flows beyond the per-window model cap
     * @param modelVersion model used, or null
     * @param routing      fast, standard and escalation paths of the window's flows
     */
    public record Result(List<Decision> decisions, int modelScored, int modelSkipped, String modelVersion,
                         PayloadInspector.Routing routing) {
    }

    private final DetectionSettings settings;
    private final Heuristics heuristics;
    private final Evidence evidence;
    private final ModelManager models;
    private final Function<IpAddress, String> namer;
    private final boolean anonymized;
    private Consumer<double[]> rowSink;
    private ThreatIntelDetector threatIntel;
    private java.util.function.Function<IpAddress, org.argus.enrich.Geo> geo;
    private GeoAlertDetector geoAlert;
    private PayloadInspector payloads;
    private java.util.function.Predicate<FlowRecord> fastPath;

    /**
     * @param settings   thresholds and features
     * @param models     model source, or null for heuristics only
     * @param namer      how an address is written in decisions (canonical text, or a CSV pseudonym)
     * @param anonymized whether the names are pseudonyms
     */
    public Detector(DetectionSettings settings, ModelManager models, Function<IpAddress, String> namer, boolean anonymized) {
        this.settings = settings;
        this.heuristics = new Heuristics(settings.heuristics());
        this.evidence = new Evidence(settings.heuristics().evidence().halfLife().toNanos(), settings.anomalyThreshold(),
                settings.heuristics().maxTracked());
        this.models = models;
        this.namer = namer;
        this.anonymized = anonymized;
    }

    /** Per heuristic detector, so far: windows, findings, and how close the top candidate came to its threshold. */
    public List<DetectorReport> heuristicReports() {
        return heuristics.reports();
    }

    /** Adds threat-feed matches ({@link ThreatIntelDetector}) to every window's findings; null for none. */
    public void threatIntel(ThreatIntelDetector d) {
        this.threatIntel = d;
    }

    /** Adds the {@code heuristics.alert_countries} rule's findings; null for none. */
    public void geoAlert(GeoAlertDetector d) {
        this.geoAlert = d;
    }

    /** Adds each decision's GeoIP facts ({@code geo} in its JSON); null for none. */
    public void geo(java.util.function.Function<IpAddress, org.argus.enrich.Geo> lookup) {
        this.geo = lookup;
    }

    /** Adds the escalation path: suspicious and sampled flows' payloads through the classifier; null for none. */
    public void payloadInspector(PayloadInspector p) {
        this.payloads = p;
    }

    /** The payload inspector, or null. */
    public PayloadInspector payloadInspector() {
        return payloads;
    }

    /**
     * The fast path: flows for which this is true (allowlisted originators, configured known-good services) are
     * neither scored by the model nor inspected; the heuristics still see them, as part of the window. Null: none.
     */
    public void fastPath(java.util.function.Predicate<FlowRecord> p) {
        this.fastPath = p;
    }

    /** Receives every window's feature rows (configured features, raw values): the learning period's input. */
    public void rowSink(Consumer<double[]> sink) {
        this.rowSink = sink;
    }

    /**
     * Scores one window.
     *
     * @param startNanos    window start, ns since the epoch
     * @param windowSeconds window length, s
     * @param flows         the window's flows
     */
    public Result process(long startNanos, double windowSeconds, List<FlowRecord> flows) {
        return process(startNanos, windowSeconds, flows, List.of());
    }

    /**
     * Scores one window with its ARP packets (for the LAN detectors).
     *
     * @param startNanos    window start, ns since the epoch
     * @param windowSeconds window length, s
     * @param flows         the window's flows
     * @param arp           the window's ARP packets
     */
    public Result process(long startNanos, double windowSeconds, List<FlowRecord> flows, List<org.argus.flow.ArpRecord> arp) {
        return process(startNanos, windowSeconds, flows, arp, List.of());
    }

    /** Scores a closed window: its flows, ARP and DHCP messages, and its payloads. */
    public Result process(org.argus.flow.FlowWindow w) {
        return process(w.startNanos(), w.durationSeconds(), w.flows(), w.arp(), w.dhcp(), w.payloads());
    }

    /**
     * Scores one window with its LAN messages (for the LAN detectors).
     *
     * @param startNanos    window start, ns since the epoch
     * @param windowSeconds window length, s
     * @param flows         the window's flows
     * @param arp           the window's ARP packets
     * @param dhcp          the window's DHCP messages
     */
    public Result process(long startNanos, double windowSeconds, List<FlowRecord> flows, List<org.argus.flow.ArpRecord> arp,
                          List<org.argus.flow.DhcpRecord> dhcp) {
        return process(startNanos, windowSeconds, flows, arp, dhcp, List.of());
    }

    /**
     * Scores one window with its LAN messages and its flows' payloads: heuristics, feeds and the model on the
     * standard path, then the escalation path ({@link PayloadInspector}) on the payloads.
     *
     * @param payloads the window's payloads (empty without payload capture)
     */
    public Result process(long startNanos, double windowSeconds, List<FlowRecord> flows, List<org.argus.flow.ArpRecord> arp,
                          List<org.argus.flow.DhcpRecord> dhcp, List<org.argus.flow.FlowPayload> payloads) {
        WindowAnalysis a = new WindowAnalysis(startNanos, windowSeconds, flows, arp, dhcp);
        List<Finding> findings = new ArrayList<>(heuristics.evaluate(a));
        if (threatIntel != null) {
            findings.addAll(threatIntel.evaluate(flows));
        }
        if (geoAlert != null) {
            findings.addAll(geoAlert.evaluate(flows));
        }
        ModelStore.Loaded model = models == null ? null : models.current();
        int scored = 0, skipped = 0;
        List<FlowRecord> standard = flows;
        if (fastPath != null) {
            standard = new ArrayList<>(flows.size());
            for (FlowRecord f : flows) {
                if (!fastPath.test(f)) {
                    standard.add(f);
                }
            }
        }
        if ((model != null || rowSink != null) && !standard.isEmpty()) {
            int step = Math.max(1, (standard.size() + settings.maxModelFlows() - 1) / settings.maxModelFlows());
            List<FlowRecord> picked = new ArrayList<>();
            for (int i = 0; i < standard.size(); i += step) {
                picked.add(standard.get(i));
            }
            skipped = standard.size() - picked.size();
            double[] full = new double[Feature.values().length];
            double[][] rows = new double[picked.size()][];
            for (int i = 0; i < rows.length; i++) {
                a.features(picked.get(i), full);
                rows[i] = settings.features().select(full);
                if (rowSink != null) {
                    rowSink.accept(rows[i]);
                }
            }
            if (model != null) {
                scored = rows.length;
                modelFindings(a, model, picked, rows, findings);
            }
        }
        PayloadInspector.Routing routing = new PayloadInspector.Routing(flows.size() - standard.size(), standard.size(), 0, 0, 0, 0);
        if (payloads != null && !payloads.isEmpty() && this.payloads != null) {
            Set<IpAddress> suspicious = new java.util.HashSet<>();
            for (Finding f : findings) {
                if (f.role() == Role.ATTACKER) {
                    suspicious.add(f.address());
                }
            }
            PayloadInspector.Outcome o = this.payloads.inspect(flows, payloads, suspicious,
                    fastPath == null ? f -> false : fastPath);
            findings.addAll(o.findings());
            routing = new PayloadInspector.Routing(routing.fast(), routing.standard(), o.escalated(), o.inspected(), o.hits(), o.shed());
        }
        double medium = model != null ? settings.anomalyThreshold() : settings.fallbackThreshold();
        return new Result(merge(startNanos, findings, medium, model == null ? null : model.card().version()),
                scored, skipped, model == null ? null : model.card().version(), routing);
    }

    private void modelFindings(WindowAnalysis a, ModelStore.Loaded model, List<FlowRecord> picked, double[][] rows,
                               List<Finding> out) {
        double[] raw = model.model().rawScores(rows);
        Map<IpAddress, Integer> worst = new LinkedHashMap<>();
        for (int i = 0; i < raw.length; i++) {
            worst.merge(picked.get(i).originator(), i, (x, y) -> raw[y] > raw[x] ? y : x);
        }
        ModelCard card = model.card();
        boolean auto = AnomalyModel.AUTOENCODER.equals(card.algorithm());
        for (var e : worst.entrySet()) {
            int i = e.getValue();
            double score = card.calibrate(raw[i]);
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            FlowRecord f = picked.get(i);
            String reason = String.format((auto ? "autoencoder" : "isolation forest") + ": flow %s scored %.3f (raw %.3f; training "
                            + "threshold %.3f at p%s, max %.3f)%s",
                    describe(f), score, raw[i], card.scoreThreshold(), Heuristics.fmt(card.thresholdPercentile()),
                    card.scoreMax(), unusual(card, rows[i]));
            out.add(new Finding(e.getKey(), Role.ATTACKER, auto ? AUTOENCODER : MODEL, score, List.of(reason), List.of(CommunityId.of(f))));
        }
    }

    /** {@code TCP 10.0.0.1:5000 -> 10.0.0.2:80}, {@code ICMP 10.0.0.1 -> 10.0.0.2}, {@code proto 2 ...}. */
    static String describe(FlowRecord f) {
        String name = FlowRecord.protocolName(f.protocol());
        boolean ports = f.protocol() == 6 || f.protocol() == 17 || f.protocol() == 132;
        String proto = Character.isDigit(name.charAt(0)) ? "proto " + name : name;
        return ports ? String.format("%s %s:%d -> %s:%d", proto, f.originator(), f.originatorPort(), f.responder(), f.responderPort())
                : String.format("%s %s -> %s", proto, f.originator(), f.responder());
    }

    /** The (at most three) features furthest outside their training p1..p99 range. */
    private static String unusual(ModelCard card, double[] row) {
        record Off(String text, double distance) {
        }
        List<Off> off = new ArrayList<>();
        for (int j = 0; j < row.length; j++) {
            String name = card.features().get(j);
            double[] s = card.featureStats().get(name);
            if (s == null) {
                continue;
            }
            double span = Math.max(s[2] - s[0], 1e-9);
            if (row[j] > s[2]) {
                off.add(new Off(name + "=" + num(row[j]) + " above training p99 " + num(s[2]), (row[j] - s[2]) / span));
            } else if (row[j] < s[0]) {
                off.add(new Off(name + "=" + num(row[j]) + " below training p1 " + num(s[0]), (s[0] - row[j]) / span));
            }
        }
        if (off.isEmpty()) {
            return "; an unusual combination of ordinary values";
        }
        off.sort(Comparator.comparingDouble(Off::distance).reversed());
        return "; unusual: " + String.join(", ", off.stream().limit(3).map(Off::text).toList());
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format("%.3g", v);
    }

    private List<Decision> merge(long startNanos, List<Finding> findings, double medium, String modelVersion) {
        record Key(IpAddress address, Role role) {
        }
        Map<Key, List<Finding>> byKey = new LinkedHashMap<>();
        for (Finding f : findings) {
            byKey.computeIfAbsent(new Key(f.address(), f.role()), k -> new ArrayList<>()).add(f);
        }
        List<Decision> out = new ArrayList<>();
        for (var e : byKey.entrySet()) {
            List<Finding> fs = e.getValue();
            fs.sort(Comparator.comparingDouble(Finding::score).reversed());
            Finding top = fs.get(0);
            Evidence.Combined c = evidence.add(e.getKey().address(), e.getKey().role(), startNanos, fs);
            List<String> reasons = new ArrayList<>();
            Set<String> ids = new LinkedHashSet<>();
            for (Finding f : fs) {
                reasons.addAll(f.reasons());
                for (String id : f.communityIds()) {
                    if (ids.size() < MAX_IDS) {
                        ids.add(id);
                    }
                }
            }
            reasons.addAll(c.earlier());
            Risk risk = Risk.of(c.score(), medium, settings.highRiskThreshold());
            Decision d = new Decision(startNanos, e.getKey().address(), namer.apply(e.getKey().address()), anonymized,
                    e.getKey().role(), risk, c.score(), top.detector(), c.detectors(), reasons,
                    List.copyOf(ids), modelVersion);
            out.add(geo == null || anonymized ? d : d.withGeo(geo.apply(d.address())));
        }
        out.sort(Comparator.comparingDouble(Decision::score).reversed());
        return out;
    }
}
