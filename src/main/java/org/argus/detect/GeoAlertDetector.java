package org.argus.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.argus.enrich.Geo;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;

/**
 * The rule {@code heuristics.alert_countries}: an originator whose GeoIP country is in the list gets a finding
 * ({@code geo_alert}, score {@value #SCORE}: medium with the default thresholds, so an alert rather than a ban unless
 * {@code enforcement.ban_ttl_hours.medium} says otherwise). At most {@value #MAX_LOOKUPS} distinct originators are
 * looked up per window (a spoofed flood must not make a million database lookups); the rest are skipped. Not
 * thread-safe (one detection thread).
 */
public final class GeoAlertDetector {
    /** Detector name in decisions. */
    public static final String NAME = "geo_alert";
    static final double SCORE = 0.75;
    static final int MAX_LOOKUPS = 10_000;

    private final Function<IpAddress, Geo> geo;
    private final Set<String> countries;
    private long skipped;

    /**
     * @param geo       the GeoIP lookup
     * @param countries ISO 3166-1 alpha-2 codes
     */
    public GeoAlertDetector(Function<IpAddress, Geo> geo, Set<String> countries) {
        this.geo = geo;
        this.countries = Set.copyOf(countries);
    }

    /** Originators not looked up because a window had more than {@value #MAX_LOOKUPS}, so far. */
    public long skipped() {
        return skipped;
    }

    /** The window's findings. */
    public List<Finding> evaluate(List<FlowRecord> flows) {
        if (countries.isEmpty()) {
            return List.of();
        }
        Map<IpAddress, int[]> flowsBy = new LinkedHashMap<>();
        Map<IpAddress, FlowRecord> first = new LinkedHashMap<>();
        for (FlowRecord f : flows) {
            int[] n = flowsBy.get(f.originator());
            if (n == null) {
                if (flowsBy.size() >= MAX_LOOKUPS) {
                    skipped++;
                    continue;
                }
                n = new int[1];
                flowsBy.put(f.originator(), n);
                first.put(f.originator(), f);
            }
            n[0]++;
        }
        List<Finding> out = new ArrayList<>();
        flowsBy.forEach((a, n) -> {
            Geo g = geo.apply(a);
            if (g.country() != null && countries.contains(g.country())) {
                FlowRecord f = first.get(a);
                out.add(new Finding(a, Role.ATTACKER, NAME, SCORE, List.of(String.format("geo: %d flow%s from %s (%s), a country in "
                        + "heuristics.alert_countries (e.g. %s)", n[0], n[0] == 1 ? "" : "s", a, g.describe(), Detector.describe(f))),
                        List.of(CommunityId.of(f))));
            }
        });
        return out;
    }
}
