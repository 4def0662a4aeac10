package org.argus.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;

/**
 * Floods of every protocol, and TCP reflection. Per destination host and window it counts unsolicited packets —
 * what arrives without a conversation around it — by kind:
 * <ul>
 *   <li>{@code SYN}: SYN segments of failed handshakes ({@link FlowFacts#failedHandshake});</li>
 *   <li>{@code ACK}, {@code RST}, {@code FIN}, {@code TCP}: segments without SYN of flows whose responder stayed
 *       silent or only reset (an upload seen mid-stream is acknowledged, so it is not counted);</li>
 *   <li>{@code UDP}: datagrams of flows whose responder sent nothing;</li>
 *   <li>{@code ICMP}: echo, timestamp and address-mask requests and echo replies (an address pair's ICMP is one
 *       flow; when its first packet was an error — a port unreachable answering UDP — what the other side sent in
 *       it counts toward the error's sender);</li>
 *   <li>{@code IP}: packets of other protocols nobody answered;</li>
 *   <li>{@code SYN-ACK}: SYN-ACKs of flows that never carried a SYN — answers to SYNs someone sent in this host's
 *       name.</li>
 * </ul>
 * Three findings come out of these counts. <b>syn_flood</b>: at least {@code syn_flood_min_half_open} SYN segments
 * to one (host, port). <b>flood</b>: at least {@code flood_min_packets} unsolicited packets of any kinds to one host
 * and at least {@code flood_baseline_factor} times its baseline, an exponentially weighted mean (α = 0.1) of its
 * earlier windows that were not floods; one-way UDP carried by a single flow of large datagrams (a media stream)
 * needs four times the floor. <b>tcp_reflection</b>: at least {@code reflection_min_packets} unsolicited SYN-ACKs
 * to one host from {@code amplification_min_reflectors} or more hosts. From {@code syn_flood_spoofed_min_sources}
 * distinct sources on a flood counts as spoofed and the finding is about the destination (role victim); with fewer,
 * each source above the threshold alone is an attacker, and if none is, the destination is the victim. Baselines
 * are kept for at most {@code max_tracked} hosts. One owner thread.
 */
final class FloodDetector {
    static final String SYN_FLOOD = "syn_flood";
    static final String FLOOD = "flood";
    static final String REFLECTION = "tcp_reflection";
    private static final double ALPHA = 0.1;
    private static final int STREAM_MIN_MEAN_BYTES = 1000;

    /** Packet kinds, in the order their counts are kept. */
    private static final String[] KINDS = {"SYN", "ACK", "RST", "FIN", "TCP", "UDP", "ICMP", "IP", "SYN-ACK"};
    private static final int SYN = 0, ACK = 1, RST = 2, FIN = 3, TCP = 4, UDP = 5, ICMP = 6, IP = 7, SYN_ACK = 8;
    /** ICMP sent by the responder of a flow its originator opened with an error message. */
    private static final int ICMP_REVERSED = 100;

    /** What one destination host received in the window. */
    private static final class Received {
        final long[] packets = new long[KINDS.length];
        /** Packets per source, at most {@code spoofedMinSources} sources; beyond, only {@link #moreSources}. */
        final Map<IpAddress, long[]> bySource = new HashMap<>();
        boolean moreSources;
        final Map<IpAddress, Boolean> reflectors = new HashMap<>();
        long udpLargestFlow;
        int sample = -1;

        long total() {
            long t = 0;
            for (int k = 0; k < SYN_ACK; k++) {
                t += packets[k];
            }
            return t;
        }
    }

    private record Baseline(double mean, long windowStartNanos) {
    }

    private final HeuristicSettings.Flood s;
    private final int minReflectors;
    private final Map<IpAddress, Baseline> baselines;
    private final DetectorReport.Tally synTally = new DetectorReport.Tally(SYN_FLOOD);
    private final DetectorReport.Tally floodTally = new DetectorReport.Tally(FLOOD);
    private final DetectorReport.Tally reflectionTally = new DetectorReport.Tally(REFLECTION);

    FloodDetector(HeuristicSettings.Flood settings, int minReflectors, int maxTracked) {
        this.s = settings;
        this.minReflectors = minReflectors;
        this.baselines = new Lru<>(maxTracked);
    }

    List<DetectorReport.Tally> tallies() {
        return List.of(synTally, floodTally, reflectionTally);
    }

    void evaluate(WindowAnalysis a, List<Finding> out) {
        synTally.window();
        floodTally.window();
        reflectionTally.window();
        Map<IpAddress, Received> byHost = new LinkedHashMap<>();
        Map<WindowAnalysis.Target, Map<IpAddress, Long>> halfOpen = new HashMap<>();
        Map<WindowAnalysis.Target, Integer> synSample = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            int kind = kind(f);
            // ICMP is one flow per address pair: when the pair's first packet was an error (a port unreachable
            // answering UDP), what the other side sent in it — requests — went to the flow's originator
            boolean reversed = kind == ICMP_REVERSED;
            IpAddress to = reversed ? f.originator() : f.responder(), from = reversed ? f.responder() : f.originator();
            if (kind < 0 || to.groupOrBroadcast()) {
                continue;
            }
            kind = reversed ? ICMP : kind;
            long n = kind == SYN ? (FlowFacts.detailed(f) ? Math.max(1, f.tcpFlags().syn()) : 1)
                    : reversed ? f.responderPackets() : f.originatorPackets();
            if (n == 0) {
                continue;
            }
            Received r = byHost.computeIfAbsent(to, k -> new Received());
            r.packets[kind] += n;
            if (r.sample < 0) {
                r.sample = i;
            }
            if (kind == SYN_ACK) {
                if (r.reflectors.size() < minReflectors) {
                    r.reflectors.put(from, Boolean.TRUE);
                }
                continue;
            }
            long[] bySource = r.bySource.get(from);
            if (bySource != null) {
                bySource[0] += n;
            } else if (r.bySource.size() < s.spoofedMinSources()) {
                r.bySource.put(from, new long[] {n});
            } else {
                r.moreSources = true;
            }
            if (kind == UDP) {
                r.udpLargestFlow = Math.max(r.udpLargestFlow,
                        f.originatorBytes() >= (long) STREAM_MIN_MEAN_BYTES * f.originatorPackets() ? f.originatorPackets() : 0);
            }
            if (kind == SYN) {
                WindowAnalysis.Target t = new WindowAnalysis.Target(f.responder(), f.responderPort());
                halfOpen.computeIfAbsent(t, k -> new HashMap<>()).merge(f.originator(), n, Long::sum);
                synSample.putIfAbsent(t, i);
            }
        }
        java.util.Set<IpAddress> synFlooded = synFloods(a, halfOpen, synSample, out);
        for (var e : byHost.entrySet()) {
            IpAddress host = e.getKey();
            Received r = e.getValue();
            reflection(a, host, r, out);
            long total = r.total();
            Baseline b = baselines.get(host);
            double windows = b == null ? 0 : (a.startNanos() - b.windowStartNanos()) / (a.windowSeconds() * 1e9);
            double baseline = b == null ? 0 : b.mean() * Math.pow(1 - ALPHA, Math.max(0, windows - 1));
            long udp = r.packets[UDP];
            // a single flow of large one-way datagrams (a media stream) counts a quarter
            long counted = r.udpLargestFlow > 0 && r.udpLargestFlow >= udp * 9 / 10 ? total - udp + udp / 4 : total;
            double threshold = Math.max(s.minPackets(), s.baselineFactor() * baseline);
            floodTally.offer(host, "unsolicited packets to one host in one window", counted, threshold);
            double score = Finding.heuristicScore(counted, threshold);
            boolean synOnly = synFlooded.contains(host) && r.packets[SYN] * 10 >= total * 8;
            if (score >= Finding.REPORT_FLOOR && !synOnly) {
                flood(a, host, r, total, counted, baseline, threshold, out);
            }
            if (score < Finding.REPORT_FLOOR) {
                baselines.put(host, new Baseline(ALPHA * counted + (1 - ALPHA) * baseline, a.startNanos()));
            }
        }
    }

    /** The kind of unsolicited packets a flow carries, or -1 for a conversation. */
    private static int kind(FlowRecord f) {
        if (FlowFacts.tcp(f)) {
            if (FlowFacts.failedHandshake(f)) {
                return SYN;
            }
            if (!FlowFacts.detailed(f)) {
                return -1;
            }
            TcpFlagCounts t = f.tcpFlags();
            int o = t.originatorFlags(), r = t.responderFlags();
            if ((o & TcpFlagCounts.SYN) != 0) {
                return (o & TcpFlagCounts.ACK) != 0 && t.syn() == 0 ? SYN_ACK : -1;
            }
            boolean unanswered = FlowFacts.silent(f) || ((r & TcpFlagCounts.RST) != 0
                    && (r & (TcpFlagCounts.SYN | TcpFlagCounts.FIN | TcpFlagCounts.PSH)) == 0);
            if (!unanswered) {
                return -1;
            }
            return (o & TcpFlagCounts.RST) != 0 ? RST : (o & TcpFlagCounts.FIN) != 0 ? FIN
                    : (o & 0x3f) == TcpFlagCounts.ACK ? ACK : TCP;
        }
        if (FlowFacts.udp(f)) {
            return FlowFacts.silent(f) ? UDP : -1;
        }
        if (FlowFacts.icmp(f)) {
            int tc = f.shape().icmpTypeCode();
            int type = tc >>> 8;
            if (tc < 0) {
                return -1;
            }
            boolean requestOrEcho = f.protocol() == 1 ? type == 8 || type == 0 || type == 13 || type == 17
                    : type == 128 || type == 129;
            boolean error = f.protocol() == 1 ? type == 3 || type == 4 || type == 5 || type == 11 || type == 12 : type < 128;
            return requestOrEcho ? ICMP : error ? ICMP_REVERSED : -1;
        }
        if (FlowFacts.sctp(f)) {
            return -1;
        }
        return FlowFacts.silent(f) ? IP : -1;
    }

    private java.util.Set<IpAddress> synFloods(WindowAnalysis a, Map<WindowAnalysis.Target, Map<IpAddress, Long>> halfOpen,
                                               Map<WindowAnalysis.Target, Integer> sample, List<Finding> out) {
        java.util.Set<IpAddress> flooded = new java.util.HashSet<>();
        for (var e : halfOpen.entrySet()) {
            Map<IpAddress, Long> bySource = e.getValue();
            long total = bySource.values().stream().mapToLong(Long::longValue).sum();
            WindowAnalysis.Target t = e.getKey();
            synTally.offer(t.host(), "SYN segments of failed handshakes to one (host, port) in one window", total, s.synMinHalfOpen());
            double score = Finding.heuristicScore(total, s.synMinHalfOpen());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            flooded.add(t.host());
            String where = t.host() + " port " + t.port();
            int sources = bySource.size();
            List<Finding> attackers = new ArrayList<>();
            if (sources < s.spoofedMinSources()) {
                for (var src : bySource.entrySet()) {
                    double ss = Finding.heuristicScore(src.getValue(), s.synMinHalfOpen());
                    if (ss >= Finding.REPORT_FLOOR) {
                        attackers.add(new Finding(src.getKey(), Role.ATTACKER, SYN_FLOOD, ss, List.of(String.format(
                                "SYN flood: %d SYN segments of failed handshakes to %s in %s s (threshold %d)",
                                src.getValue(), where, Heuristics.fmt(a.windowSeconds()), s.synMinHalfOpen())),
                                Heuristics.sample(a, sample.get(t))));
                    }
                }
            }
            if (!attackers.isEmpty()) {
                out.addAll(attackers);
                attackers.forEach(f -> synTally.found());
                continue;
            }
            String kind = sources >= s.spoofedMinSources()
                    ? String.format("from %d distinct sources (spoofed: %d or more)", sources, s.spoofedMinSources())
                    : String.format("from %d sources, none above the threshold alone", sources);
            out.add(new Finding(t.host(), Role.VICTIM, SYN_FLOOD, score, List.of(String.format(
                    "SYN flood against %s: %d SYN segments of failed handshakes in %s s %s (threshold %d)",
                    where, total, Heuristics.fmt(a.windowSeconds()), kind, s.synMinHalfOpen())),
                    Heuristics.sample(a, sample.get(t))));
            synTally.found();
        }
        return flooded;
    }

    /** {@code counted}: {@code total} with a media stream's quarter, what the threshold is held against. */
    private void flood(WindowAnalysis a, IpAddress host, Received r, long total, long counted, double baseline,
                       double threshold, List<Finding> out) {
        StringBuilder kinds = new StringBuilder();
        for (int k = 0; k < SYN_ACK; k++) {
            if (r.packets[k] > 0) {
                kinds.append(kinds.isEmpty() ? "" : ", ").append(r.packets[k]).append(' ').append(KINDS[k]);
            }
        }
        String rate = String.format("%d unsolicited packets in %s s (%s; %.0f/s)", total, Heuristics.fmt(a.windowSeconds()),
                kinds, total / a.windowSeconds());
        String limits = String.format("threshold %d packets and %s × its baseline of %.0f", s.minPackets(),
                Heuristics.fmt(s.baselineFactor()), baseline);
        int sources = r.bySource.size();
        boolean spoofed = r.moreSources || sources >= s.spoofedMinSources();
        if (!spoofed) {
            List<Finding> attackers = new ArrayList<>();
            for (var src : r.bySource.entrySet()) {
                long n = src.getValue()[0];
                double ss = Finding.heuristicScore(n, threshold);
                if (ss >= Finding.REPORT_FLOOR) {
                    attackers.add(new Finding(src.getKey(), Role.ATTACKER, FLOOD, ss, List.of(String.format(
                            "flood: %d of the %s sent to %s (%s)", n, rate, host, limits)), Heuristics.sample(a, r.sample)));
                }
            }
            if (!attackers.isEmpty()) {
                out.addAll(attackers);
                attackers.forEach(f -> floodTally.found());
                return;
            }
        }
        String from = spoofed ? String.format("from %d or more distinct sources (spoofed)", s.spoofedMinSources())
                : String.format("from %d sources, none above the threshold alone", sources);
        out.add(new Finding(host, Role.VICTIM, FLOOD, Finding.heuristicScore(counted, threshold), List.of(String.format(
                "flood against %s: %s %s (%s)", host, rate, from, limits)), Heuristics.sample(a, r.sample)));
        floodTally.found();
    }

    private void reflection(WindowAnalysis a, IpAddress host, Received r, List<Finding> out) {
        long synAcks = r.packets[SYN_ACK];
        if (synAcks == 0) {
            return;
        }
        double ratio = Math.min((double) r.reflectors.size() / minReflectors, (double) synAcks / s.reflectionMinPackets());
        reflectionTally.offer(host, "unsolicited SYN-ACKs to one host in one window (and reflectors / threshold)",
                ratio * s.reflectionMinPackets(), s.reflectionMinPackets());
        if (r.reflectors.size() < minReflectors) {
            return;
        }
        double score = Finding.heuristicScore(synAcks, s.reflectionMinPackets());
        if (score < Finding.REPORT_FLOOR) {
            return;
        }
        out.add(new Finding(host, Role.VICTIM, REFLECTION, score, List.of(String.format(
                "TCP reflection against %s: %d SYN-ACKs in %s s from %d or more hosts it never sent a SYN to — its "
                        + "address was spoofed in SYNs sent to them (threshold %d from %d hosts)",
                host, synAcks, Heuristics.fmt(a.windowSeconds()), r.reflectors.size(), s.reflectionMinPackets(),
                minReflectors)), Heuristics.sample(a, r.sample)));
        reflectionTally.found();
    }
}
