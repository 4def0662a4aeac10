package org.argus.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * Web logins (HTTP(S) forms) go to ports every browser uses, so connections alone say nothing there: on
 * {@code brute_force_web_ports} only connections that look alike count — completed, a small request (at most
 * {@value #WEB_MAX_REQUEST_BYTES} wire bytes from the client: a form, not an upload) and both directions within
 * {@value #WEB_SIMILAR_PERCENT} % (or {@value #WEB_SIMILAR_BYTES} B) of the window's median for that (source, host,
 * port): the same form posted again and again, the same "login failed" page back. At least
 * {@code brute_force_web_min_attempts} of them within the fast horizon are a web login brute force (fast only: a
 * poller repeating one small request every half minute would reach any slow threshold).
 * Findings come only in windows with new attempts. Each (source, host, port) keeps its counts in slots of a quarter
 * of the fast horizon, for at most the longer horizon; at most {@code max_tracked} of them are kept, least recently
 * active forgotten first. One owner thread.
 */
final class BruteForceDetector {
    static final String NAME = "brute_force";
    static final int WEB_MAX_REQUEST_BYTES = 8192;
    static final int WEB_SIMILAR_PERCENT = 10;
    static final int WEB_SIMILAR_BYTES = 100;

    private record Service(IpAddress source, IpAddress host, int port) {
    }

    private final HeuristicSettings.BruteForce s;
    private final Map<Service, ArrayDeque<long[]>> attempts;
    /** Look-alike web connections per (source, host, web port): {slot start, count} slots over the fast horizon. */
    private final Map<Service, ArrayDeque<long[]>> webAttempts;
    private final DetectorReport.Tally tally = new DetectorReport.Tally(NAME);

    BruteForceDetector(HeuristicSettings.BruteForce settings, int maxTracked) {
        this.s = settings;
        this.attempts = new Lru<>(maxTracked);
        this.webAttempts = new Lru<>(maxTracked);
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
        Map<Service, List<FlowRecord>> web = new HashMap<>();
        Map<Service, Integer> webSample = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (!FlowFacts.tcp(f) || !FlowFacts.attempt(f) || !FlowFacts.completed(f)) {
                continue;
            }
            int port = f.responderPort();
            if (s.ports().contains(port)) {
                Service k = new Service(f.originator(), f.responder(), port);
                now.merge(k, 1, Integer::sum);
                sample.putIfAbsent(k, i);
            }
            if (s.webPorts().contains(port) && f.originatorBytes() <= WEB_MAX_REQUEST_BYTES && f.responderBytes() > 0) {
                Service k = new Service(f.originator(), f.responder(), port);
                web.computeIfAbsent(k, x -> new ArrayList<>()).add(f);
                webSample.putIfAbsent(k, i);
            }
        }
        for (var e : now.entrySet()) {
            add(attempts, e.getKey(), e.getValue(), start, slot);
        }
        web(a, web, webSample, start, fast, slot, out);
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

    private static void add(Map<Service, ArrayDeque<long[]>> counts, Service k, long n, long start, long slot) {
        ArrayDeque<long[]> q = counts.computeIfAbsent(k, x -> new ArrayDeque<>());
        long[] last = q.peekLast();
        if (last != null && start - last[0] < slot) {
            last[1] += n;
        } else {
            q.addLast(new long[] {start, n});
        }
    }

    /**
     * Web login guessing: look-alike small connections to one (host, web port).
     *
     * @param now    this window's completed small connections per (source, host, web port)
     * @param sample index of one of them in the window's flows, per key
     */
    private void web(WindowAnalysis a, Map<Service, List<FlowRecord>> now, Map<Service, Integer> sample, long start,
                     long fast, long slot, List<Finding> out) {
        for (var e : now.entrySet()) {
            List<FlowRecord> conns = e.getValue();
            long request = median(conns, true), answer = median(conns, false);
            long alike = conns.stream().filter(f -> near(f.originatorBytes(), request) && near(f.responderBytes(), answer)).count();
            if (alike == 0) {
                continue;
            }
            Service k = e.getKey();
            add(webAttempts, k, alike, start, slot);
            ArrayDeque<long[]> q = webAttempts.get(k);
            while (!q.isEmpty() && q.peekFirst()[0] <= start - fast) {
                q.removeFirst();
            }
            long n = q.stream().mapToLong(b -> b[1]).sum();
            tally.offer(k.source(), "look-alike small connections to one (host, web port) within the fast horizon", n,
                    s.webMinAttempts());
            double score = Finding.heuristicScore(n, s.webMinAttempts());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            double span = Math.min(fast, start - q.peekFirst()[0] + (long) (a.windowSeconds() * 1e9)) / 1e9;
            out.add(new Finding(k.source(), Role.ATTACKER, NAME, score, List.of(String.format(
                    "web login brute force: %d look-alike connections to %s port %d in the last %s s (requests ~%d B, "
                            + "answers ~%d B, each within %d %%; threshold %d in %d s)", n, k.host(), k.port(),
                    Heuristics.fmt(span), request, answer, WEB_SIMILAR_PERCENT, s.webMinAttempts(), fast / 1_000_000_000L)),
                    Heuristics.sample(a, sample.get(k))));
            tally.found();
        }
    }

    private static long median(List<FlowRecord> conns, boolean request) {
        long[] v = conns.stream().mapToLong(f -> request ? f.originatorBytes() : f.responderBytes()).sorted().toArray();
        return v[v.length / 2];
    }

    private static boolean near(long value, long median) {
        return Math.abs(value - median) <= Math.max(WEB_SIMILAR_BYTES, median * WEB_SIMILAR_PERCENT / 100);
    }
}
