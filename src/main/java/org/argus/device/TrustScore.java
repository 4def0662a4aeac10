package org.argus.device;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A device's trust score, 0–100, as the Project Argus seed defines it: {@code behaviour × 0.5 + vulnerability × 0.3 +
 * reputation × 0.2} (weights configurable, normalized to sum 1). Each part is 0–100, 100 = no evidence against:
 *
 * <ul>
 *   <li><b>behaviour</b>: 100 minus the penalties of the decisions naming the device as the attacker (high 40,
 *       medium 15, low 5 points), each recovering linearly to nothing over {@code recovery} (a high decision an
 *       hour ago with a 24-hour recovery costs 40 × 23/24 ≈ 38.3 points now);</li>
 *   <li><b>vulnerability</b>: 100 minus the open ports of the latest scan that ran to its end (high 30, medium 10,
 *       low 2 points each; {@link ServiceRisk}); 100 when never scanned;</li>
 *   <li><b>reputation</b>: 100 minus 25 points per contact with a banned address (one per address and window) and
 *       per window with a {@code compromised} decision (it contacted addresses a threat feed lists), recovering like
 *       behaviour.</li>
 * </ul>
 * Each part is floored at 0. Bands as in the seed: ≥ 75 normal, ≥ 50 warning, ≥ 20 alert, below critical.
 */
public final class TrustScore {
    private TrustScore() {
    }

    /** The parts' weights (any non-negative numbers, not all zero; used normalized). */
    public record Weights(double behaviour, double vulnerability, double reputation) {
        public Weights {
            if (behaviour < 0 || vulnerability < 0 || reputation < 0 || behaviour + vulnerability + reputation <= 0) {
                throw new IllegalArgumentException("trust weights must be non-negative and not all zero");
            }
        }

        /** The seed's 0.5 / 0.3 / 0.2. */
        public static Weights seed() {
            return new Weights(0.5, 0.3, 0.2);
        }
    }

    /** A band of the score. */
    public enum Band {
        NORMAL, WARNING, ALERT, CRITICAL;

        /** The band of a score: ≥ 75 normal, ≥ 50 warning, ≥ 20 alert, else critical. */
        public static Band of(double score) {
            return score >= 75 ? NORMAL : score >= 50 ? WARNING : score >= 20 ? ALERT : CRITICAL;
        }

        /** Lower-case name for JSON and logs. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Which part an event counts against. */
    public enum Part { BEHAVIOUR, REPUTATION }

    /**
     * Evidence against a device.
     *
     * @param at      when (packet time of the window, or wall clock)
     * @param part    behaviour or reputation
     * @param penalty points at {@code at}, before recovery
     * @param reason  for a person ("port_scan high: …", "contacted banned 203.0.113.9")
     */
    public record Event(Instant at, Part part, double penalty, String reason) {
    }

    /**
     * A score at one moment, with its parts and the reasons that cost points now (with the points each costs).
     */
    public record Score(double total, double behaviour, double vulnerability, double reputation, Band band, List<String> reasons) {
    }

    /** Behaviour points of a decision's risk word: high 40, medium 15, low 5, else 0. */
    public static double decisionPenalty(String risk) {
        return switch (risk) {
            case "high" -> 40;
            case "medium" -> 15;
            case "low" -> 5;
            default -> 0;
        };
    }

    /** Points one contact with a banned address costs the reputation part. */
    public static final double BANNED_CONTACT_PENALTY = 25;

    /** Vulnerability points of one open port's risk word: high 30, medium 10, low 2. */
    public static double findingPenalty(String risk) {
        return switch (risk) {
            case "high" -> 30;
            case "medium" -> 10;
            default -> 2;
        };
    }

    /** {@code penalty} after {@code age} of linear recovery over {@code recovery}; the full penalty for a future event. */
    public static double recovered(double penalty, Duration age, Duration recovery) {
        if (age.isNegative()) {
            return penalty;
        }
        double left = 1 - (double) age.toMillis() / Math.max(1, recovery.toMillis());
        return left <= 0 ? 0 : penalty * left;
    }

    /** The score at {@code now}. */
    public static Score of(List<Event> events, DeviceScanner.Outcome lastScan, Instant now, Weights w, Duration recovery) {
        List<String> reasons = new ArrayList<>();
        double behaviour = 100, reputation = 100, vulnerability = 100;
        for (Event e : events) {
            double p = recovered(e.penalty(), Duration.between(e.at(), now), recovery);
            if (p <= 0) {
                continue;
            }
            if (e.part() == Part.BEHAVIOUR) {
                behaviour -= p;
            } else {
                reputation -= p;
            }
            reasons.add(String.format(java.util.Locale.ROOT, "%s −%.1f: %s (%s)", e.part().name().toLowerCase(java.util.Locale.ROOT),
                    p, e.reason(), e.at()));
        }
        if (lastScan != null && lastScan.ok()) {
            for (DeviceScanner.Finding f : lastScan.findings()) {
                double p = findingPenalty(f.risk());
                vulnerability -= p;
                reasons.add(String.format(java.util.Locale.ROOT, "vulnerability −%.0f: port %d open (%s, %s risk: %s)", p, f.port(),
                        f.service(), f.risk(), f.why()));
            }
        }
        behaviour = Math.max(0, behaviour);
        reputation = Math.max(0, reputation);
        vulnerability = Math.max(0, vulnerability);
        double sum = w.behaviour() + w.vulnerability() + w.reputation();
        double total = (behaviour * w.behaviour() + vulnerability * w.vulnerability() + reputation * w.reputation()) / sum;
        total = Math.round(total * 10) / 10.0;
        return new Score(total, behaviour, vulnerability, reputation, Band.of(total), List.copyOf(reasons));
    }
}
