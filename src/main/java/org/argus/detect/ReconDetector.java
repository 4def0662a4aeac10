package org.argus.detect;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;

/**
 * Reconnaissance against few ports, which no scan threshold sees: OS fingerprinting and stealth probing of open
 * services. Per (source, host) over the last {@value #HORIZON_SECONDS} s it counts probe marks: TCP segments with a
 * flag combination no connection carries ({@link TcpFlagCounts#unusual}; nmap {@code -O} sends NULL,
 * SYN+FIN+PSH+URG and FIN+PSH+URG probes), and handshakes the originator reset right after the responder's SYN-ACK
 * without acknowledging it (a half-open "stealth" probe of an open port: what {@code -sS}, {@code -sV}, {@code -O}
 * and {@code -A} do before anything else; a client that gives up on a connection acknowledges first). At
 * {@code recon_min_evidence} marks the finding is medium risk (score 0.75); alone it never reaches high — with the
 * evidence of another detector about the same host it does ({@link Evidence}). At most {@code max_tracked}
 * (source, host) pairs are kept. One owner thread.
 */
final class ReconDetector {
    static final String NAME = "recon";
    static final int HORIZON_SECONDS = 60;
    private static final double MEDIUM = 0.75;

    private record Pair(IpAddress source, IpAddress host) {
    }

    private static final class Marks {
        int unusual;
        int halfOpen;
        int sample = -1;
    }

    private final HeuristicSettings.Recon s;
    private final Map<Pair, ArrayDeque<long[]>> history;
    private final DetectorReport.Tally tally = new DetectorReport.Tally(NAME);

    ReconDetector(HeuristicSettings.Recon settings, int maxTracked) {
        this.s = settings;
        this.history = new Lru<>(maxTracked);
    }

    DetectorReport.Tally tally() {
        return tally;
    }

    /** The originator answered the responder's SYN-ACK with a reset and never acknowledged it. */
    static boolean halfOpenReset(FlowRecord f) {
        if (!FlowFacts.tcp(f) || !FlowFacts.detailed(f)) {
            return false;
        }
        int o = f.tcpFlags().originatorFlags(), r = f.tcpFlags().responderFlags();
        return (o & (TcpFlagCounts.SYN | TcpFlagCounts.RST | TcpFlagCounts.ACK)) == (TcpFlagCounts.SYN | TcpFlagCounts.RST)
                && (r & (TcpFlagCounts.SYN | TcpFlagCounts.ACK)) == (TcpFlagCounts.SYN | TcpFlagCounts.ACK);
    }

    void evaluate(WindowAnalysis a, List<Finding> out) {
        tally.window();
        Map<Pair, Marks> now = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (!FlowFacts.tcp(f)) {
                continue;
            }
            int unusual = f.tcpFlags().unusual();
            boolean halfOpen = halfOpenReset(f);
            if (unusual == 0 && !halfOpen) {
                continue;
            }
            Marks m = now.computeIfAbsent(new Pair(f.originator(), f.responder()), k -> new Marks());
            m.unusual += unusual;
            m.halfOpen += halfOpen ? 1 : 0;
            if (m.sample < 0) {
                m.sample = i;
            }
        }
        long start = a.startNanos();
        long horizon = HORIZON_SECONDS * 1_000_000_000L;
        for (var e : now.entrySet()) {
            Marks m = e.getValue();
            ArrayDeque<long[]> q = history.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
            q.addLast(new long[] {start, m.unusual, m.halfOpen});
            while (q.peekFirst()[0] <= start - horizon) {
                q.removeFirst();
            }
            long unusual = 0, halfOpen = 0;
            for (long[] w : q) {
                unusual += w[1];
                halfOpen += w[2];
            }
            long marks = unusual + halfOpen;
            Pair p = e.getKey();
            tally.offer(p.source(), "probe marks against one host within " + HORIZON_SECONDS + " s", marks, s.minEvidence());
            double score = Math.min(0.8, MEDIUM * marks / s.minEvidence());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            out.add(new Finding(p.source(), Role.ATTACKER, NAME, score, List.of(String.format(
                    "recon: %d TCP segments with flags no connection carries and %d handshakes reset by the "
                            + "originator right after the SYN-ACK against %s within %d s — OS fingerprinting or "
                            + "stealth probing of its services (threshold %d marks for medium risk)",
                    unusual, halfOpen, p.host(), HORIZON_SECONDS, s.minEvidence())), Heuristics.sample(a, m.sample)));
            tally.found();
        }
    }
}
