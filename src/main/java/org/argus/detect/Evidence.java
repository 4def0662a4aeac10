package org.argus.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.argus.flow.IpAddress;

/**
 * Evidence accumulated per (address, role) across windows and detectors, in the spirit of Slips: each detector's
 * strongest finding about a host is remembered and fades with a half-life ({@code evidence_half_life_seconds}); a
 * decision's score combines this window's findings with what other detectors found earlier, as independent evidence
 * (noisy-OR: {@code 1 − Π(1 − sᵢ)}). So two medium findings of different detectors (0.75 and 0.75) make a high one
 * (0.94), two low ones (0.55, 0.55) a medium one, and one detector repeating itself never climbs above its own
 * score. The model sees the same breadth a scan detector counts (many hosts, many ports), so its findings are not
 * independent evidence: with other findings a model finding counts at half its score, and only from
 * {@code minModelScore} on; alone it is the decision's score. The combined score is never below the strongest single
 * piece of evidence. At most {@code max_tracked} (address, role) keys are
 * kept. One owner thread.
 */
final class Evidence {
    /** Remembered evidence under this decayed score is dropped. */
    private static final double FORGET = 0.25;
    /** A model finding's weight next to other evidence. */
    private static final double MODEL_WEIGHT = 0.5;

    private record Key(IpAddress address, Role role) {
    }

    private record Entry(double score, long windowStartNanos, String reason) {
    }

    /**
     * One decision's evidence.
     *
     * @param score     combined score, 0..1
     * @param detectors every contributing detector, this window's first (highest score first)
     * @param earlier   one line per remembered detector that contributed
     */
    record Combined(double score, List<String> detectors, List<String> earlier) {
    }

    private final long halfLifeNanos;
    private final double minModelScore;
    private final Map<Key, Map<String, Entry>> memory;

    /**
     * @param halfLifeNanos how fast remembered findings fade, ns; 0 remembers nothing
     * @param minModelScore model findings below this score are not evidence
     * @param maxTracked    (address, role) keys kept
     */
    Evidence(long halfLifeNanos, double minModelScore, int maxTracked) {
        this.halfLifeNanos = halfLifeNanos;
        this.minModelScore = minModelScore;
        this.memory = new Lru<>(maxTracked);
    }

    /**
     * Adds one window's findings about one (address, role) and combines them with the remembered ones.
     *
     * @param findings this window's findings, highest score first (not empty)
     */
    Combined add(IpAddress address, Role role, long startNanos, List<Finding> findings) {
        Map<String, Finding> current = new LinkedHashMap<>();
        for (Finding f : findings) {
            current.putIfAbsent(f.detector(), f);
        }
        List<String> detectors = new ArrayList<>(current.keySet());
        List<double[]> parts = new ArrayList<>(); // {score, 1 for the model}
        for (Finding f : current.values()) {
            parts.add(new double[] {f.score(), Detector.isModel(f.detector()) ? 1 : 0});
        }
        List<String> earlier = new ArrayList<>();
        if (halfLifeNanos > 0) {
            Map<String, Entry> known = memory.computeIfAbsent(new Key(address, role), k -> new HashMap<>());
            for (var it = known.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                double age = (startNanos - e.getValue().windowStartNanos()) / 1e9;
                double decayed = e.getValue().score() * Math.pow(0.5, age * 1e9 / halfLifeNanos);
                if (decayed < FORGET) {
                    it.remove();
                } else if (!current.containsKey(e.getKey())) {
                    parts.add(new double[] {decayed, Detector.isModel(e.getKey()) ? 1 : 0});
                    detectors.add(e.getKey());
                    earlier.add(String.format("earlier evidence: %s %.2f %s s ago (%.2f now, half-life %d s): %s",
                            e.getKey(), e.getValue().score(), Heuristics.fmt(Math.rint(age)), decayed,
                            halfLifeNanos / 1_000_000_000L, e.getValue().reason()));
                }
            }
            for (Finding f : current.values()) {
                if (Detector.isModel(f.detector()) && f.score() < minModelScore) {
                    continue;
                }
                Entry old = known.get(f.detector());
                double oldNow = old == null ? 0
                        : old.score() * Math.pow(0.5, (startNanos - old.windowStartNanos()) / (double) halfLifeNanos);
                if (f.score() >= oldNow) {
                    known.put(f.detector(), new Entry(f.score(), startNanos, f.reasons().get(0)));
                }
            }
        }
        double keep = 1, strongest = 0;
        for (double[] p : parts) {
            strongest = Math.max(strongest, p[0]);
            if (parts.size() == 1) {
                keep *= 1 - p[0];
            } else if (p[1] == 0) {
                keep *= 1 - p[0];
            } else if (p[0] >= minModelScore) {
                keep *= 1 - MODEL_WEIGHT * p[0];
            }
        }
        return new Combined(Math.max(strongest, 1 - keep), detectors, earlier);
    }
}
