package org.argus.detect;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;

/**
 * Login guessing, counted on new TCP connections to authentication ports because the payload is encrypted:
 * fail2ban's maxretry/findtime idea at two speeds and from many sources. A connection counts when its handshake
 * completed in the window (a SYN answered and acknowledged): probes that never got that far — SYN scans, OS
 * fingerprinting, floods — cannot try a password.
 * <ul>
 *   <li>fast: at least {@code brute_force_min_attempts} connections from one source to one (host, port) within
 *       {@code brute_force_horizon_seconds};</li>
 *   <li>slow: at least {@code brute_force_slow_min_attempts} within {@code brute_force_slow_horizon_seconds}
 *       (ncrack's paranoid and sneaky timings, hydra with one task);</li>
 *   <li>distributed: at least 3 × {@code brute_force_min_attempts} connections to one (host, port) within the fast
 *       horizon from {@code brute_force_distributed_min_sources} or more sources, none of them enough alone —
 *       reported about the target (role victim).</li>
 * </ul>
 * Findings come only in windows with new attempts. Each (source, host, port) keeps its counts in slots of a quarter
 * of the fast horizon, for at most the longer horizon; at most {@code max_tracked} of them are kept, least recently
 * active forgotten first. One owner thread.
 */
final class BruteForceDetector {
    static final String NAME = "brute_force";

    private record Service(IpAddress source, IpAddress host, int port) {
    }

    private final HeuristicSettings.BruteForce s;
    private final Map<Service, ArrayDeque<long[]>> attempts;
    private final DetectorReport.Tally tally = new DetectorReport.Tally(NAME);

    BruteForceDetector(HeuristicSettings.BruteForce settings, int maxTracked) {
        this.s = settings;
        this.attempts = new Lru<>(maxTracked);
    }

    DetectorReport.Tally tally() {
        return tally;
    }

    void evaluate(WindowAnalysis a, List<Finding> out) {
        tally.window();
        long start = a.startNanos();
        long fast = s.horizon().toNanos(), slow = Math.max(fast, s.slowHorizon().toNanos());
        long slot = Math.max((long) (a.windowSeconds() * 1e9), fast / 4);
        Map<Service, Integer> now = new HashMap<>();
        Map<Service, Integer> sample = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (FlowFacts.tcp(f) && s.ports().contains(f.responderPort()) && FlowFacts.attempt(f) && FlowFacts.completed(f)) {
                Service k = new Service(f.originator(), f.responder(), f.responderPort());
                now.merge(k, 1, Integer::sum);
                sample.putIfAbsent(k, i);
            }
        }
        for (var e : now.entrySet()) {
            ArrayDeque<long[]> q = attempts.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
            long[] last = q.peekLast();
            if (last != null && start - last[0] < slot) {
                last[1] += e.getValue();
            } else {
                q.addLast(new long[] {start, e.getValue()});
            }
        }
        record Target(IpAddress host, int port) {
        }
        java.util.Set<Target> attackedNow = new java.util.HashSet<>();
        now.keySet().forEach(k -> attackedNow.add(new Target(k.host(), k.port())));
        Map<Target, long[]> distributed = new HashMap<>(); // {attempts, sources} of sources below the threshold
        for (Iterator<Map.Entry<Service, ArrayDeque<long[]>>> it = attempts.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ArrayDeque<long[]> q = e.getValue();
            while (!q.isEmpty() && q.peekFirst()[0] <= start - slow) {
                q.removeFirst();
            }
            if (q.isEmpty()) {
                it.remove();
                continue;
            }
            Service k = e.getKey();
            long inFast = 0, inSlow = 0;
            for (long[] b : q) {
                inSlow += b[1];
                if (b[0] > start - fast) {
                    inFast += b[1];
                }
            }
            if (!now.containsKey(k) && inFast == 0) {
                continue;
            }
            double fastScore = Finding.heuristicScore(inFast, s.minAttempts());
            double slowScore = Finding.heuristicScore(inSlow, s.slowMinAttempts());
            tally.offer(k.source(), "connections to one (host, auth port) within the fast horizon", inFast, s.minAttempts());
            tally.offer(k.source(), "connections to one (host, auth port) within the slow horizon", inSlow, s.slowMinAttempts());
            if (fastScore < Finding.REPORT_FLOOR && inFast > 0) {
                long[] d = distributed.computeIfAbsent(new Target(k.host(), k.port()), t -> new long[2]);
                d[0] += inFast;
                d[1]++;
            }
            if (!now.containsKey(k)) {
                continue; // report only while attempts keep coming
            }
            double score = Math.max(fastScore, slowScore);
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            boolean isFast = fastScore >= slowScore;
            long n = isFast ? inFast : inSlow;
            long horizon = isFast ? fast : slow;
            double span = Math.min(horizon, start - q.peekFirst()[0] + (long) (a.windowSeconds() * 1e9)) / 1e9;
            if (isFast) {
                span = Math.min(span, fast / 1e9);
            }
            out.add(new Finding(k.source(), Role.ATTACKER, NAME, score, List.of(String.format(
                    "%sbrute force: %d new connections to %s port %d in the last %s s (threshold %d in %d s%s)",
                    isFast ? "" : "slow ", n, k.host(), k.port(), Heuristics.fmt(span),
                    isFast ? s.minAttempts() : s.slowMinAttempts(), horizon / 1_000_000_000L,
                    isFast ? "" : "; fast: " + inFast + " of " + s.minAttempts() + " in " + s.horizon().toSeconds() + " s")),
                    Heuristics.sample(a, sample.get(k))));
            tally.found();
        }
        long minTotal = 3L * s.minAttempts();
        for (var e : distributed.entrySet()) {
            long[] d = e.getValue();
            Target t = e.getKey();
            if (d[1] < s.distributedMinSources() || !attackedNow.contains(t)) {
                continue;
            }
            double score = Finding.heuristicScore(d[0], minTotal);
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            out.add(new Finding(t.host(), Role.VICTIM, NAME, score, List.of(String.format(
                    "distributed brute force against %s port %d: %d new connections from %d sources in the last %d s, "
                            + "none above %d alone (threshold %d from %d sources)",
                    t.host(), t.port(), d[0], d[1], s.horizon().toSeconds(), s.minAttempts(), minTotal,
                    s.distributedMinSources())), List.of()));
            tally.found();
        }
    }
}
