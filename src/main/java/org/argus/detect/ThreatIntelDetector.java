package org.argus.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.intel.ThreatIntel;

/**
 * Threat-feed matches of one window's flows, direction-aware like ntopng's: every flow's originator and responder are
 * looked up in the current {@link ThreatIntel} snapshot (two prefix-set lookups a flow).
 *
 * <ul>
 *   <li>A listed address outside the local networks that originated flows (it contacted us): an {@code attacker}
 *       finding about it — a ban candidate like any other.</li>
 *   <li>A local address that originated flows to a listed address (a device calling a C2 server or a malware host):
 *       a {@code compromised} finding about the local device — an alert, never a ban of it.</li>
 * </ul>
 * The finding's score is the worst listing feed's score / 100; its reason names the feeds, their categories, the
 * matching entry and its note, the flows and a sample flow. Not thread-safe (one detection thread).
 */
public final class ThreatIntelDetector {
    /** Detector name in decisions. */
    public static final String NAME = "threat_intel";
    /** Listed peers named per compromised device. */
    static final int MAX_PEERS = 5;

    private final Supplier<ThreatIntel> intel;
    private final Predicate<IpAddress> local;
    private java.util.function.Consumer<ThreatIntel.Match> counter = m -> { };

    /**
     * @param intel the snapshot in use (read once per window)
     * @param local whether an address is one of the local networks' (the device inventory's definition)
     */
    public ThreatIntelDetector(Supplier<ThreatIntel> intel, Predicate<IpAddress> local) {
        this.intel = intel;
        this.local = local;
    }

    /** Told each match a finding is made of (the per-feed match counters); returns this. */
    public ThreatIntelDetector counting(java.util.function.Consumer<ThreatIntel.Match> counter) {
        this.counter = counter;
        return this;
    }

    /** Flows of one listed originator, or of one local device towards listed addresses. */
    private static final class Hits {
        int flows;
        FlowRecord first;
        final Set<IpAddress> peers = new LinkedHashSet<>();
    }

    /** The window's findings (none when no feed is loaded). */
    public List<Finding> evaluate(List<FlowRecord> flows) {
        ThreatIntel ti = intel.get();
        if (ti == null || ti.size() == 0) {
            return List.of();
        }
        Map<IpAddress, Hits> inbound = new LinkedHashMap<>();
        Map<IpAddress, Hits> outbound = new LinkedHashMap<>();
        for (FlowRecord f : flows) {
            IpAddress o = f.originator(), r = f.responder();
            boolean originatorLocal = local.test(o);
            if (!originatorLocal) {
                if (ti.listed(o)) {
                    count(inbound, o, r, f);
                }
            } else if (!local.test(r) && ti.listed(r)) {
                count(outbound, o, r, f);
            }
        }
        List<Finding> out = new ArrayList<>();
        inbound.forEach((address, h) -> ti.match(address).ifPresent(m -> {
            counter.accept(m);
            out.add(new Finding(address, Role.ATTACKER, NAME, m.score() / 100.0, List.of(String.format(
                    "threat intel: %s; it originated %d flow%s to %d address%s here (e.g. %s)", m.describe(), h.flows,
                    h.flows == 1 ? "" : "s", h.peers.size(), h.peers.size() == 1 ? "" : "es", Detector.describe(h.first))),
                    List.of(CommunityId.of(h.first))));
        }));
        outbound.forEach((address, h) -> {
            List<String> listed = new ArrayList<>();
            double worst = 0;
            for (IpAddress peer : h.peers) {
                var m = ti.match(peer);
                if (m.isPresent() && listed.size() < MAX_PEERS) {
                    counter.accept(m.get());
                    listed.add(peer + " (" + m.get().describe() + ")");
                    worst = Math.max(worst, m.get().score() / 100.0);
                }
            }
            if (!listed.isEmpty()) {
                out.add(new Finding(address, Role.COMPROMISED, NAME, worst, List.of(String.format(
                        "threat intel: possibly compromised: it contacted %d listed address%s in %d flow%s: %s (e.g. %s)", h.peers.size(),
                        h.peers.size() == 1 ? "" : "es", h.flows, h.flows == 1 ? "" : "s", String.join("; ", listed),
                        Detector.describe(h.first))), List.of(CommunityId.of(h.first))));
            }
        });
        return out;
    }

    private static void count(Map<IpAddress, Hits> by, IpAddress key, IpAddress peer, FlowRecord f) {
        Hits h = by.computeIfAbsent(key, k -> new Hits());
        if (h.first == null) {
            h.first = f;
        }
        h.flows++;
        if (h.peers.size() < 256) {
            h.peers.add(peer);
        }
    }
}
