package org.argus.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;

/**
 * The explainable fast-path detectors: port scan, SYN flood, brute force and amplification. Each turns one window
 * (brute force: a horizon of windows) into {@link Finding}s with reasons that quote the numbers. Keeps brute-force
 * state between windows; not thread-safe, one owner thread.
 *
 * <ul>
 *   <li><b>port scan</b>: one source probed, without an answer (failed TCP handshakes; SYN-less TCP probes — FIN,
 *       NULL, Xmas, Maimon, ACK, Window — that got nothing or a reset; unanswered UDP; SCTP INITs; unanswered ICMP
 *       echo/timestamp/mask requests; packets of other IP protocols — IP protocol scans count protocols per host), at least {@code port_scan_min_targets} ports of one host (vertical scan) or one port on that
 *       many hosts (horizontal scan, ping sweep), and probes make up at least {@code port_scan_min_probe_ratio} of its
 *       flows. Many unanswered peers each on its own port (a P2P client's churn) is neither shape.</li>
 *   <li><b>SYN flood</b>: at least {@code syn_flood_min_half_open} failed handshakes to one (host, port). From
 *       {@code syn_flood_spoofed_min_sources} distinct sources on, the sources are taken as spoofed and the
 *       decision is about the destination (role victim); otherwise each source with a heavy share is an attacker.</li>
 *   <li><b>brute force</b>: at least {@code brute_force_min_attempts} new TCP connections from one source to one
 *       (host, authentication port) within {@code brute_force_horizon_seconds} (fail2ban's maxretry/findtime idea,
 *       counted on connections because the payload is encrypted).</li>
 *   <li><b>amplification</b>: unsolicited UDP from well-known reflector ports (the destination never spoke first) of
 *       at least {@code amplification_min_bytes} from {@code amplification_min_reflectors} or more reflectors to
 *       one destination: the requests were spoofed with the victim's address, so the decision is about the
 *       victim.</li>
 * </ul>
 */
public final class Heuristics {
    public static final String PORT_SCAN = "port_scan";
    public static final String SYN_FLOOD = "syn_flood";
    public static final String BRUTE_FORCE = "brute_force";
    public static final String AMPLIFICATION = "amplification";

    private record Service(IpAddress source, IpAddress host, int port) {
    }

    private record Attempts(long windowStartNanos, int count) {
    }

    private final HeuristicSettings settings;
    private final Map<Service, ArrayDeque<Attempts>> bruteForce = new HashMap<>();

    public Heuristics(HeuristicSettings settings) {
        this.settings = settings;
    }

    /**
     * Evaluates one window. Windows must come in time order for brute-force counting.
     *
     * @return findings at or above {@link Finding#REPORT_FLOOR}
     */
    public List<Finding> evaluate(WindowAnalysis a) {
        List<Finding> out = new ArrayList<>();
        if (!settings.enabled()) {
            return out;
        }
        portScans(a, out);
        synFloods(a, out);
        bruteForce(a, out);
        amplification(a, out);
        return out;
    }

    private void portScans(WindowAnalysis a, List<Finding> out) {
        for (var e : a.sources().entrySet()) {
            WindowAnalysis.Source s = e.getValue();
            double ratio = (double) s.probes / s.flows;
            if (s.probes == 0 || ratio < settings.portScanMinProbeRatio()) {
                continue;
            }
            var vertical = s.probedPortsByHost.entrySet().stream().max(Comparator.comparingInt(v -> v.getValue().size())).orElseThrow();
            var horizontal = s.probedHostsByPort.entrySet().stream().max(Comparator.comparingInt(h -> h.getValue().size())).orElseThrow();
            var protocols = s.probedProtocolsByHost.entrySet().stream().max(Comparator.comparingInt(p -> p.getValue().size()));
            int v = vertical.getValue().size(), h = horizontal.getValue().size(), p = protocols.map(x -> x.getValue().size()).orElse(0);
            double score = Finding.heuristicScore(Math.max(Math.max(v, h), p), settings.portScanMinTargets());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            String shape = p > v && p > h
                    ? String.format("%d IP protocols of %s probed without an answer (IP protocol scan)", p, protocols.get().getKey())
                    : v >= h
                    ? String.format("%d ports of %s (ports %d-%d) probed without an answer", v, vertical.getKey(), s.minProbePort,
                            s.maxProbePort)
                    : horizontal.getKey() == 0 && s.icmpProbes >= h
                    ? String.format("host sweep: ICMP requests to %d hosts, answered or not", h)
                    : String.format("port %d on %d hosts probed without an answer", horizontal.getKey(), h);
            String kinds = s.tcpProbeKinds.isEmpty() ? "" : " (TCP probes: " + s.tcpProbeKinds.entrySet().stream()
                    .map(k -> k.getValue() + " " + k.getKey()).collect(java.util.stream.Collectors.joining(", "))
                    + (s.unusualSegments > 0 ? "; " + s.unusualSegments + " segments with flags no connection carries" : "") + ")";
            String reason = String.format("port scan: %s in %s s; %d probes to %d targets in all, "
                            + "%.0f%% of its %d flows (threshold %d, %.0f%%)%s",
                    shape, fmt(a.windowSeconds()), s.probes, s.probeTargets.size(), ratio * 100, s.flows,
                    settings.portScanMinTargets(), settings.portScanMinProbeRatio() * 100, kinds);
            out.add(new Finding(e.getKey(), Role.ATTACKER, PORT_SCAN, score, List.of(reason),
                    sample(a, s.sampleProbe)));
        }
    }

    private void synFloods(WindowAnalysis a, List<Finding> out) {
        Map<WindowAnalysis.Target, Map<IpAddress, Integer>> halfOpen = new HashMap<>();
        Map<WindowAnalysis.Target, Integer> sample = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (FlowFacts.failedHandshake(f)) {
                WindowAnalysis.Target t = new WindowAnalysis.Target(f.responder(), f.responderPort());
                halfOpen.computeIfAbsent(t, k -> new HashMap<>()).merge(f.originator(), 1, Integer::sum);
                sample.putIfAbsent(t, i);
            }
        }
        for (var e : halfOpen.entrySet()) {
            Map<IpAddress, Integer> bySource = e.getValue();
            int total = bySource.values().stream().mapToInt(Integer::intValue).sum();
            double score = Finding.heuristicScore(total, settings.synFloodMinHalfOpen());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            WindowAnalysis.Target t = e.getKey();
            String where = t.host() + " port " + t.port();
            int sources = bySource.size();
            List<Finding> attackers = new ArrayList<>();
            if (sources < settings.synFloodSpoofedMinSources()) {
                for (var s : bySource.entrySet()) {
                    double ss = Finding.heuristicScore(s.getValue(), settings.synFloodMinHalfOpen());
                    if (ss >= Finding.REPORT_FLOOR) {
                        attackers.add(new Finding(s.getKey(), Role.ATTACKER, SYN_FLOOD, ss, List.of(String.format(
                                "SYN flood: %d half-open connection attempts to %s in %s s (threshold %d)",
                                s.getValue(), where, fmt(a.windowSeconds()), settings.synFloodMinHalfOpen())),
                                sample(a, sample.get(t))));
                    }
                }
            }
            if (!attackers.isEmpty()) {
                out.addAll(attackers);
                continue;
            }
            String kind = sources >= settings.synFloodSpoofedMinSources()
                    ? String.format("from %d distinct sources (spoofed: %d or more)", sources, settings.synFloodSpoofedMinSources())
                    : String.format("from %d sources, none above the threshold alone", sources);
            out.add(new Finding(t.host(), Role.VICTIM, SYN_FLOOD, score, List.of(String.format(
                    "SYN flood against %s: %d half-open connection attempts in %s s %s (threshold %d)",
                    where, total, fmt(a.windowSeconds()), kind, settings.synFloodMinHalfOpen())),
                    sample(a, sample.get(t))));
        }
    }

    private void bruteForce(WindowAnalysis a, List<Finding> out) {
        long start = a.startNanos();
        long horizon = settings.bruteForceHorizon().toNanos();
        Map<Service, Integer> now = new HashMap<>();
        Map<Service, Integer> sample = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (FlowFacts.tcp(f) && settings.bruteForcePorts().contains(f.responderPort()) && FlowFacts.attempt(f)) {
                Service k = new Service(f.originator(), f.responder(), f.responderPort());
                now.merge(k, 1, Integer::sum);
                sample.putIfAbsent(k, i);
            }
        }
        for (var e : now.entrySet()) {
            bruteForce.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>()).addLast(new Attempts(start, e.getValue()));
        }
        for (Iterator<Map.Entry<Service, ArrayDeque<Attempts>>> it = bruteForce.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ArrayDeque<Attempts> q = e.getValue();
            while (!q.isEmpty() && q.peekFirst().windowStartNanos() <= start - horizon) {
                q.removeFirst();
            }
            if (q.isEmpty()) {
                it.remove();
                continue;
            }
            if (!now.containsKey(e.getKey())) {
                continue; // report only while attempts keep coming
            }
            int total = q.stream().mapToInt(Attempts::count).sum();
            double score = Finding.heuristicScore(total, settings.bruteForceMinAttempts());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            Service s = e.getKey();
            double span = Math.min(horizon, start - q.peekFirst().windowStartNanos() + (long) (a.windowSeconds() * 1e9)) / 1e9;
            out.add(new Finding(s.source(), Role.ATTACKER, BRUTE_FORCE, score, List.of(String.format(
                    "brute force: %d new connections to %s port %d in the last %s s (threshold %d in %d s)",
                    total, s.host(), s.port(), fmt(span), settings.bruteForceMinAttempts(),
                    settings.bruteForceHorizon().toSeconds())), sample(a, sample.get(s))));
        }
    }

    private void amplification(WindowAnalysis a, List<Finding> out) {
        Map<IpAddress, Map<IpAddress, long[]>> byVictim = new HashMap<>();
        Map<IpAddress, Integer> sample = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (FlowFacts.udp(f) && FlowFacts.silent(f) && settings.amplificationPorts().contains(f.originatorPort())) {
                long[] v = byVictim.computeIfAbsent(f.responder(), k -> new HashMap<>())
                        .computeIfAbsent(f.originator(), k -> new long[2]);
                v[0] += f.originatorBytes();
                v[1] = f.originatorPort();
                sample.putIfAbsent(f.responder(), i);
            }
        }
        for (var e : byVictim.entrySet()) {
            Map<IpAddress, long[]> reflectors = e.getValue();
            long bytes = reflectors.values().stream().mapToLong(v -> v[0]).sum();
            if (reflectors.size() < settings.amplificationMinReflectors()) {
                continue;
            }
            double score = Finding.heuristicScore(bytes, settings.amplificationMinBytes());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            List<String> top = reflectors.entrySet().stream()
                    .sorted(Comparator.comparingLong((Map.Entry<IpAddress, long[]> r) -> -r.getValue()[0]))
                    .limit(3).map(r -> r.getKey() + ":" + r.getValue()[1] + " " + r.getValue()[0] + " B").toList();
            Set<Long> ports = new HashSet<>();
            reflectors.values().forEach(v -> ports.add(v[1]));
            out.add(new Finding(e.getKey(), Role.VICTIM, AMPLIFICATION, score, List.of(String.format(
                    "amplification against %s: %d unsolicited UDP bytes from %d reflectors (source port%s %s) in %s s, "
                            + "top %s (threshold %d B from %d reflectors)",
                    e.getKey(), bytes, reflectors.size(), ports.size() == 1 ? "" : "s", ports.stream().sorted().toList(),
                    fmt(a.windowSeconds()), top, settings.amplificationMinBytes(), settings.amplificationMinReflectors())),
                    sample(a, sample.get(e.getKey()))));
        }
    }

    private static List<String> sample(WindowAnalysis a, Integer index) {
        return index == null || index < 0 ? List.of() : List.of(CommunityId.of(a.flows().get(index)));
    }

    static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : String.format("%.1f", seconds);
    }
}
