package org.argus.detect;

import java.util.List;
import org.argus.flow.IpAddress;

/**
 * One detector's verdict about one address, before findings for the same address and role are merged into a
 * {@link Decision}.
 *
 * @param address      the address
 * @param role         attacker or victim
 * @param detector     detector name ({@code port_scan}, {@code syn_flood}, {@code brute_force},
 *                     {@code amplification}, {@code isolation_forest}, {@code autoencoder})
 * @param score        0..1, higher is worse
 * @param reasons      human-readable reasons with their numbers
 * @param communityIds Community IDs of sample flows
 */
public record Finding(IpAddress address, Role role, String detector, double score, List<String> reasons,
                      List<String> communityIds) {
    /** Below this score a finding is not reported at all. */
    public static final double REPORT_FLOOR = 0.5;

    /**
     * The score of a heuristic measurement against its threshold: {@code 0.9·r} up to the threshold
     * ({@code r = value / threshold}), then {@code 1 − 0.1/r}, so reaching the threshold scores 0.9 (high with the
     * default {@code high_risk_threshold}), half of it 0.45 (not reported), twice it 0.95.
     */
    public static double heuristicScore(double value, double threshold) {
        double r = value / threshold;
        return r <= 1 ? 0.9 * r : 1 - 0.1 / r;
    }
}
