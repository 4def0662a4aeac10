package org.argus.detect;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.argus.flow.IpAddress;

/**
 * Port scans and host sweeps, in one window and slow ones over {@code slow_scan_horizon_seconds}. A source that
 * probed ({@link FlowFacts#probe}) at least {@code port_scan_min_targets} ports of one host (vertical), one port on
 * that many hosts (horizontal, sweeps) or that many IP protocols of one host, with probes at least
 * {@code port_scan_min_probe_ratio} of its flows, is a scanner. Over the slow horizon each tracked source keeps its
 * probed targets (at most 4 × the threshold, oldest first out) and its probe and flow counts per minute, so a scan
 * spread over many windows adds up; at most {@code max_tracked} sources are kept, least recently active forgotten
 * first. Reflectors of an amplification pattern ({@link AmplificationDetector}) whose probes are mostly UDP are not
 * scanners: they answer spoofed requests to whatever ports the attacker wrote. One owner thread.
 */
final class PortScanDetector {
    static final String NAME = "port_scan";
    /** A probed target beyond the port range: an IP protocol (nmap -sO) of one host. */
    private static final int PROTOCOL_BASE = 65_536;
    private static final long MINUTE = 60_000_000_000L;

    private static final class History {
        /**
         * Probed targets, least recently probed first (access order: probing one again moves it to the end, so the
         * values rise along the order); value: when last probed (window start, ns).
         */
        final LinkedHashMap<WindowAnalysis.Target, Long> targets = new LinkedHashMap<>(16, 0.75f, true);
        /** Per minute: {start ns, probes, flows}. */
        final ArrayDeque<long[]> minutes = new ArrayDeque<>();
    }

    /**
     * Sources that probed a single target in a window and have no history yet: a direct-mapped table (by address
     * hash) of that window's probe, so a spoofed flood's million one-probe sources never churn the histories of real
     * scanners, while a slow scanner's first probe still counts when it comes back (its history then starts with
     * it). A source taking a slot forgets the one before.
     */
    private static final class Pending {
        private static final int SLOTS = 1 << 16;
        /** Longs per slot: one slot is one or two cache lines, so a miss costs one or two memory reads, not six. */
        private static final int STRIDE = 8;
        private static final long USED = 1, SOURCE_V6 = 2, TARGET_V6 = 4;
        /**
         * Per slot: source hi, source lo, flags (used, IPv6 source, IPv6 target; target port in the high 32 bits),
         * target hi, target lo, window start (ns), probes &lt;&lt; 32 | flows.
         */
        final long[] slots = new long[SLOTS * STRIDE];

        /** The slot's first index, for this address. */
        static int slot(IpAddress a) {
            int h = a.hashCode();
            return ((h ^ (h >>> 16)) & (SLOTS - 1)) * STRIDE;
        }

        boolean holds(int i, IpAddress a) {
            long f = slots[i + 2];
            return (f & USED) != 0 && slots[i] == a.hi() && slots[i + 1] == a.lo() && ((f & SOURCE_V6) != 0) == a.v6();
        }

        void put(int i, IpAddress a, WindowAnalysis.Target t, long start, int probes, int flows) {
            slots[i] = a.hi();
            slots[i + 1] = a.lo();
            slots[i + 2] = USED | (a.v6() ? SOURCE_V6 : 0) | (t.host().v6() ? TARGET_V6 : 0) | (long) t.port() << 32;
            slots[i + 3] = t.host().hi();
            slots[i + 4] = t.host().lo();
            slots[i + 5] = start;
            slots[i + 6] = (long) probes << 32 | (flows & 0xffff_ffffL);
        }

        WindowAnalysis.Target target(int i) {
            long f = slots[i + 2];
            return new WindowAnalysis.Target(new IpAddress(slots[i + 3], slots[i + 4], (f & TARGET_V6) != 0), (int) (f >>> 32));
        }

        long start(int i) {
            return slots[i + 5];
        }

        int probes(int i) {
            return (int) (slots[i + 6] >>> 32);
        }

        int flows(int i) {
            return (int) slots[i + 6];
        }

        void clear(int i) {
            slots[i + 2] = 0;
        }
    }

    private final HeuristicSettings.PortScan s;
    private final Pending pending = new Pending();
    private final Map<IpAddress, History> history;
    private final DetectorReport.Tally tally = new DetectorReport.Tally(NAME);

    PortScanDetector(HeuristicSettings.PortScan settings, int maxTracked) {
        this.s = settings;
        this.history = new Lru<>(maxTracked);
    }

    DetectorReport.Tally tally() {
        return tally;
    }

    /** Shape of one set of probed targets: the largest vertical, horizontal and protocol counts. */
    private record Shape(IpAddress vHost, int v, int hPort, int h, IpAddress pHost, int p) {
        int max() {
            return Math.max(Math.max(v, h), p);
        }

        /**
         * Counts, not sets: the targets are distinct (a set), so a host's count of ports equals the size of the set
         * of its ports. A counter per key costs about a quarter of a set per key (a 262,144-host sweep: ~15 MiB
         * instead of ~55 MiB, which ran a 256 MiB sensor out of heap). The maps see the same keys in the same order
         * as sets would, so ties go to the same key (the first in the map's order).
         */
        static Shape of(Iterable<WindowAnalysis.Target> targets) {
            Map<IpAddress, int[]> ports = new HashMap<>(), protocols = new HashMap<>();
            Map<Integer, int[]> hosts = new HashMap<>();
            for (WindowAnalysis.Target t : targets) {
                if (t.port() >= PROTOCOL_BASE) {
                    protocols.computeIfAbsent(t.host(), k -> new int[1])[0]++;
                } else {
                    ports.computeIfAbsent(t.host(), k -> new int[1])[0]++;
                    hosts.computeIfAbsent(t.port(), k -> new int[1])[0]++;
                }
            }
            Map.Entry<IpAddress, int[]> v = largest(ports), p = largest(protocols);
            Map.Entry<Integer, int[]> h = largest(hosts);
            return new Shape(v == null ? null : v.getKey(), v == null ? 0 : v.getValue()[0],
                    h == null ? -1 : h.getKey(), h == null ? 0 : h.getValue()[0],
                    p == null ? null : p.getKey(), p == null ? 0 : p.getValue()[0]);
        }

        /** The entry with the largest count, the first in the map's order on a tie (as {@code Stream.max} picks); null when empty. */
        private static <K> Map.Entry<K, int[]> largest(Map<K, int[]> counts) {
            Map.Entry<K, int[]> best = null;
            for (Map.Entry<K, int[]> e : counts.entrySet()) {
                if (best == null || e.getValue()[0] > best.getValue()[0]) {
                    best = e;
                }
            }
            return best;
        }
    }

    /**
     * @param reflectors sources found answering in an amplification pattern this window: their UDP is not probing
     */
    void evaluate(WindowAnalysis a, Set<IpAddress> reflectors, List<Finding> out) {
        tally.window();
        long start = a.startNanos();
        long horizon = s.slowHorizon().toNanos();
        for (var e : a.sources().entrySet()) {
            WindowAnalysis.Source src = e.getValue();
            IpAddress address = e.getKey();
            History h = horizon > 0 ? history(address, src, start, horizon) : null;
            if (h != null) {
                remember(h, src.probeTargets(), src.probes, src.flows, start, horizon);
            }
            if (src.probes == 0 || (reflectors.contains(address) && src.udpProbes * 10 >= src.probes * 8)) {
                continue;
            }
            double ratio = (double) src.probes / src.flows;
            int size = src.probeTargets().size(); // no shape is larger than all targets together
            if (Finding.heuristicScore(size, s.minTargets()) < Finding.REPORT_FLOOR && (double) size / s.minTargets() <= tally.best()) {
                // neither reportable nor closer than the closest so far: skip the shape (a spoofed flood's million
                // one-target sources), but not the slow scan, which reads the history
                if (h != null && h.targets.size() >= s.minTargets() / 2) {
                    slow(a, address, src, h, horizon, out);
                }
                continue;
            }
            Shape shape = Shape.of(src.probeTargets());
            tally.offer(address, "targets probed without an answer in one window", shape.max(), s.minTargets());
            double score = ratio < s.minProbeRatio() ? 0 : Finding.heuristicScore(shape.max(), s.minTargets());
            if (score >= Finding.REPORT_FLOOR) {
                String reason = String.format("port scan: %s in %s s; %d probes to %d targets in all, "
                                + "%.0f%% of its %d flows (threshold %d, %.0f%%)%s",
                        describe(shape, src), Heuristics.fmt(a.windowSeconds()), src.probes, src.probeTargets().size(),
                        ratio * 100, src.flows, s.minTargets(), s.minProbeRatio() * 100, kinds(src));
                out.add(new Finding(address, Role.ATTACKER, NAME, score, List.of(reason), Heuristics.sample(a, src.sampleProbe)));
                tally.found();
            } else if (h != null && h.targets.size() >= s.minTargets() / 2) {
                slow(a, address, src, h, horizon, out);
            }
        }
    }

    private void slow(WindowAnalysis a, IpAddress address, WindowAnalysis.Source src, History h, long horizon, List<Finding> out) {
        long probes = 0, flows = 0;
        for (long[] m : h.minutes) {
            probes += m[1];
            flows += m[2];
        }
        double ratio = flows == 0 ? 0 : (double) probes / flows;
        Shape shape = Shape.of(h.targets.keySet());
        tally.offer(address, "targets probed without an answer over the slow-scan horizon", shape.max(), s.minTargets());
        double score = ratio < s.minProbeRatio() ? 0 : Finding.heuristicScore(shape.max(), s.minTargets());
        if (score < Finding.REPORT_FLOOR) {
            return;
        }
        long first = h.minutes.peekFirst()[0];
        double span = Math.min(horizon, a.startNanos() - first + (long) (a.windowSeconds() * 1e9)) / 1e9;
        String what = shape.p() > shape.v() && shape.p() > shape.h()
                ? String.format("%d IP protocols of %s", shape.p(), shape.pHost())
                : shape.v() >= shape.h() ? String.format("%d ports of %s", shape.v(), shape.vHost())
                : shape.hPort() == 0 ? String.format("%d hosts by ICMP requests", shape.h())
                : String.format("port %d on %d hosts", shape.hPort(), shape.h());
        String reason = String.format("slow port scan: %s probed without an answer over the last %s s, %d probes in "
                        + "%d of its flows (%.0f%%) (threshold %d targets within %d s, %.0f%%)%s",
                what, Heuristics.fmt(span), probes, flows, ratio * 100, s.minTargets(), s.slowHorizon().toSeconds(),
                s.minProbeRatio() * 100, kinds(src));
        out.add(new Finding(address, Role.ATTACKER, NAME, score, List.of(reason), Heuristics.sample(a, src.sampleProbe)));
        tally.found();
    }

    /**
     * A source's history for this window: its own, or a new one when it probed several targets, or is back after a
     * window kept {@link Pending} (the new history starts with that window's probe, as if it had had one all along);
     * null when it has none and needs none.
     */
    private History history(IpAddress address, WindowAnalysis.Source src, long start, long horizon) {
        History h = history.get(address);
        if (h != null) {
            return h;
        }
        int slot = Pending.slot(address);
        boolean back = pending.holds(slot, address);
        if (!back && src.probes == 0) {
            return null;
        }
        if (!back && src.probeTargets().size() == 1 && s.minTargets() / 2 > 1) {
            // one target, nothing to remember before: keep it pending (a one-target history cannot reach the slow
            // check, which wants half the threshold)
            pending.put(slot, address, src.probeTargets().iterator().next(), start, src.probes, src.flows);
            return null;
        }
        h = new History();
        history.put(address, h);
        if (back) {
            remember(h, List.of(pending.target(slot)), pending.probes(slot), pending.flows(slot), pending.start(slot), horizon);
            pending.clear(slot);
        }
        return h;
    }

    /** Adds a window's probes and flows to a source's history and drops what fell out of the horizon. */
    private void remember(History h, Iterable<WindowAnalysis.Target> targets, int probes, int flows, long start, long horizon) {
        int cap = 4 * s.minTargets();
        for (WindowAnalysis.Target t : targets) {
            h.targets.put(t, start);
            if (h.targets.size() > cap) {
                Iterator<WindowAnalysis.Target> it = h.targets.keySet().iterator();
                it.next();
                it.remove();
            }
        }
        long[] last = h.minutes.peekLast();
        if (last != null && start - last[0] < MINUTE) {
            last[1] += probes;
            last[2] += flows;
        } else {
            h.minutes.addLast(new long[] {start, probes, flows});
        }
        while (!h.minutes.isEmpty() && h.minutes.peekFirst()[0] <= start - horizon) {
            h.minutes.removeFirst();
        }
        for (Iterator<Long> it = h.targets.values().iterator(); it.hasNext(); ) {
            if (it.next() > start - horizon) {
                break; // the rest were probed later
            }
            it.remove();
        }
    }

    private String describe(Shape shape, WindowAnalysis.Source src) {
        if (shape.p() > shape.v() && shape.p() > shape.h()) {
            return String.format("%d IP protocols of %s probed without an answer (IP protocol scan)", shape.p(), shape.pHost());
        }
        if (shape.v() >= shape.h()) {
            return String.format("%d ports of %s (ports %d-%d) probed without an answer", shape.v(), shape.vHost(),
                    src.minProbePort, src.maxProbePort);
        }
        if (shape.hPort() == 0 && src.icmpProbes >= shape.h()) {
            return String.format("host sweep: ICMP requests to %d hosts, answered or not", shape.h());
        }
        return String.format("port %d on %d hosts probed without an answer", shape.hPort(), shape.h());
    }

    private static String kinds(WindowAnalysis.Source src) {
        return src.tcpProbeKinds().isEmpty() ? "" : " (TCP probes: " + src.tcpProbeKinds().entrySet().stream()
                .map(k -> k.getValue() + " " + k.getKey()).collect(Collectors.joining(", "))
                + (src.unusualSegments > 0 ? "; " + src.unusualSegments + " segments with flags no connection carries" : "") + ")";
    }
}
