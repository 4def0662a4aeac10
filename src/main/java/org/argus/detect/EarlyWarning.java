package org.argus.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;

/**
 * Early firing: the heuristics run on the flows of a still open window so far ({@code WindowAssembler.peekBusy}), so
 * a scan, a flood from a few sources or a fast brute force is decided within a fraction of a second instead of at
 * the window's close. Each look runs a fresh {@link Heuristics} (this window's flows only: no slow horizons, no
 * baselines, no earlier evidence, no model) with the window's full length, so every count and rate is a lower bound
 * of what the closed window will show; only attacker findings at or above {@code prediction.high_risk_threshold}
 * fire, each address at most once per window. The window's own decision still comes when it closes, unchanged.
 * Not thread-safe: one owner thread.
 */
public final class EarlyWarning {
    private final DetectionSettings settings;
    private final Function<IpAddress, String> namer;
    private long windowStart = Long.MIN_VALUE;
    private final Set<IpAddress> fired = new HashSet<>();

    /**
     * @param settings thresholds ({@code heuristics.*}, {@code prediction.high_risk_threshold})
     * @param namer    the address text written in decisions
     */
    public EarlyWarning(DetectionSettings settings, Function<IpAddress, String> namer) {
        this.settings = settings;
        this.namer = namer;
    }

    /**
     * Looks at an open window's flows so far.
     *
     * @param partial   the open window (its start and end) with the flows seen up to {@code latestNanos}
     * @param latestNanos latest packet time seen in it, ns (quoted in the reasons)
     * @return early decisions (high-risk attackers not yet fired in this window), highest score first
     */
    public List<Decision> look(FlowWindow partial, long latestNanos) {
        if (partial.startNanos() != windowStart) {
            windowStart = partial.startNanos();
            fired.clear();
        }
        List<Decision> out = new ArrayList<>();
        if (!settings.heuristics().enabled() || partial.flows().isEmpty()) {
            return out;
        }
        WindowAnalysis a = new WindowAnalysis(partial.startNanos(), partial.durationSeconds(), partial.flows(),
                List.of(), List.of());
        Map<IpAddress, List<Finding>> byAddress = new LinkedHashMap<>();
        for (Finding f : new Heuristics(settings.heuristics()).evaluate(a)) {
            if (f.role() == Role.ATTACKER && f.score() >= settings.highRiskThreshold() && !fired.contains(f.address())) {
                byAddress.computeIfAbsent(f.address(), k -> new ArrayList<>()).add(f);
            }
        }
        String when = String.format("early: %.2f s into the window, on its flows so far",
                Math.max(0, latestNanos - partial.startNanos()) / 1e9);
        for (var e : byAddress.entrySet()) {
            List<Finding> fs = e.getValue();
            fs.sort(Comparator.comparingDouble(Finding::score).reversed());
            List<String> reasons = new ArrayList<>();
            Set<String> detectors = new LinkedHashSet<>();
            Set<String> ids = new LinkedHashSet<>();
            for (Finding f : fs) {
                reasons.addAll(f.reasons());
                detectors.add(f.detector());
                ids.addAll(f.communityIds());
            }
            reasons.add(when);
            Finding top = fs.get(0);
            fired.add(e.getKey());
            out.add(new Decision(partial.startNanos(), e.getKey(), namer.apply(e.getKey()), false, Role.ATTACKER,
                    Risk.HIGH, top.score(), top.detector(), List.copyOf(detectors), reasons,
                    ids.stream().limit(Detector.MAX_IDS).toList(), null, true));
        }
        out.sort(Comparator.comparingDouble(Decision::score).reversed());
        return out;
    }
}
