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
 * and {@code -A} do before anything else; a client that gives up on a connection acknowledges first), and requests
 * a service never answered ({@link #unansweredRequest}: version probes of a silent service). At
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

    private record Connection(IpAddress originator, int originatorPort, IpAddress responder, int responderPort) {
    }

    /** Requests left unanswered in the last window, confirmed or dropped in this one. */
    private Map<Connection, Pair> pending = new HashMap<>();

    private static Marks mark(Map<Pair, Marks> now, Pair pair, int sample) {
        Marks m = now.computeIfAbsent(pair, k -> new Marks());
        if (m.sample < 0) {
            m.sample = sample;
        }
        return m;
    }

    private static final class Marks {
        int unusual;
        int halfOpen;
        int unanswered;
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

    /**
     * A connection opened in the window (handshake completed) in which the originator sent one small request (one
     * data segment, at most 2000 wire bytes in all) and the responder only acknowledged it (no data, no close; at
     * most 80 wire bytes a segment): a request the service did not understand, as nmap's version probes
     * ({@code -sV}) leave on a silent service one after the other, 5 s apart. Counted one window later, and only
     * if the responder sent no data in that window either: a request answered late (a boundary between request
     * and answer, a client waiting for {@code 100 Continue}) is not a mark.
     */
    static boolean unansweredRequest(FlowRecord f) {
        if (!FlowFacts.tcp(f) || !FlowFacts.detailed(f) || !FlowFacts.completed(f)) {
            return false;
        }
        int o = f.tcpFlags().originatorFlags(), r = f.tcpFlags().responderFlags();
        return (o & TcpFlagCounts.PSH) != 0 && f.tcpFlags().psh() == 1 && f.originatorBytes() <= 2000
                && (r & (TcpFlagCounts.PSH | TcpFlagCounts.FIN | TcpFlagCounts.RST)) == 0
                && f.responderBytes() <= 80 * f.responderPackets();
    }

    void evaluate(WindowAnalysis a, List<Finding> out) {
        tally.window();
        Map<Pair, Marks> now = new HashMap<>();
        Map<Connection, Pair> waiting = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (!FlowFacts.tcp(f)) {
                continue;
            }
            Connection c = new Connection(f.originator(), f.originatorPort(), f.responder(), f.responderPort());
            Pair pair = new Pair(f.originator(), f.responder());
            if (pending.remove(c) != null && (f.tcpFlags().responderFlags() & TcpFlagCounts.PSH) == 0) {
                mark(now, pair, i).unanswered++; // last window's request is still unanswered: confirmed
            }
            int unusual = f.tcpFlags().unusual();
            boolean halfOpen = halfOpenReset(f);
            if (unansweredRequest(f)) {
                waiting.put(c, pair);
            }
            if (unusual == 0 && !halfOpen) {
                continue;
            }
            Marks m = mark(now, pair, i);
            m.unusual += unusual;
            m.halfOpen += halfOpen ? 1 : 0;
        }
        // a request whose connection went quiet (closed or idle) in this window stays unanswered
        pending.forEach((c, pair) -> mark(now, pair, -1).unanswered++);
        pending = waiting;
        long start = a.startNanos();
        long horizon = HORIZON_SECONDS * 1_000_000_000L;
        for (var e : now.entrySet()) {
            Marks m = e.getValue();
            ArrayDeque<long[]> q = history.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
            q.addLast(new long[] {start, m.unusual, m.halfOpen, m.unanswered});
            while (q.peekFirst()[0] <= start - horizon) {
                q.removeFirst();
            }
            long unusual = 0, halfOpen = 0, unanswered = 0;
            for (long[] w : q) {
                unusual += w[1];
                halfOpen += w[2];
                unanswered += w[3];
            }
            long marks = unusual + halfOpen + unanswered;
            Pair p = e.getKey();
            tally.offer(p.source(), "probe marks against one host within " + HORIZON_SECONDS + " s", marks, s.minEvidence());
            double score = Math.min(0.8, MEDIUM * marks / s.minEvidence());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            out.add(new Finding(p.source(), Role.ATTACKER, NAME, score, List.of(String.format(
                    "recon against %s within %d s: %d TCP segments with flags no connection carries, %d handshakes "
                            + "reset by the originator right after the SYN-ACK, %d requests its service never "
                            + "answered — OS fingerprinting or probing of its services (threshold %d marks for medium risk)",
                    p.host(), HORIZON_SECONDS, unusual, halfOpen, unanswered, s.minEvidence())), Heuristics.sample(a, m.sample)));
            tally.found();
        }
    }
}
