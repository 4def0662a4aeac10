package org.argus.detect;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;

/**
 * UDP amplification by its pattern, not a list of reflector ports: one destination receives unsolicited UDP — flows
 * it never answered, so it never asked — from at least {@code amplification_min_reflectors} hosts that all send from
 * the same source port (the service being abused: DNS, NTP, SSDP, CLDAP, memcached, BACnet, ISAKMP, WS-Discovery or
 * the next one), at least {@code amplification_min_bytes} wire bytes in the window. The requests carried the
 * victim's address, so the finding is about the destination (role victim). Multicast and broadcast destinations
 * are not victims. Stateless.
 */
final class AmplificationDetector {
    static final String NAME = "amplification";

    private static final class Port {
        final Map<IpAddress, long[]> reflectors = new HashMap<>();
        long bytes;
        long packets;
        int sample = -1;
    }

    private record Key(IpAddress victim, int port) {
    }

    private final HeuristicSettings.Amplification s;
    private final DetectorReport.Tally tally = new DetectorReport.Tally(NAME);

    AmplificationDetector(HeuristicSettings.Amplification settings) {
        this.s = settings;
    }

    DetectorReport.Tally tally() {
        return tally;
    }

    /**
     * @return every source that sent unsolicited UDP from one port to one destination together with at least
     *         {@code amplification_min_reflectors - 1} others, whatever the bytes: reflectors, whose answers to many
     *         ports of the victim are not a port scan
     */
    java.util.Set<IpAddress> evaluate(WindowAnalysis a, List<Finding> out) {
        tally.window();
        Map<Key, Port> byPort = new HashMap<>();
        List<FlowRecord> flows = a.flows();
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            if (!FlowFacts.udp(f) || !FlowFacts.silent(f) || f.originatorPort() == 0 || f.responder().groupOrBroadcast()) {
                continue;
            }
            Port p = byPort.computeIfAbsent(new Key(f.responder(), f.originatorPort()), k -> new Port());
            p.reflectors.computeIfAbsent(f.originator(), k -> new long[1])[0] += f.originatorBytes();
            p.bytes += f.originatorBytes();
            p.packets += f.originatorPackets();
            if (p.sample < 0) {
                p.sample = i;
            }
        }
        Map<IpAddress, Map.Entry<Key, Port>> worst = new HashMap<>();
        java.util.Set<IpAddress> reflectors = new java.util.HashSet<>();
        for (var e : byPort.entrySet()) {
            Port p = e.getValue();
            if (p.reflectors.size() >= s.minReflectors()) {
                reflectors.addAll(p.reflectors.keySet());
            }
            double ratio = Math.min((double) p.reflectors.size() / s.minReflectors(), (double) p.bytes / s.minBytes());
            tally.offer(e.getKey().victim(), "unsolicited UDP bytes from one source port to one host (and reflectors / threshold)",
                    ratio * s.minBytes(), s.minBytes());
            if (p.reflectors.size() >= s.minReflectors()) {
                worst.merge(e.getKey().victim(), e, (x, y) -> y.getValue().bytes > x.getValue().bytes ? y : x);
            }
        }
        for (var w : worst.values()) {
            Key k = w.getKey();
            Port p = w.getValue();
            double score = Finding.heuristicScore(p.bytes, s.minBytes());
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            List<String> top = p.reflectors.entrySet().stream()
                    .sorted(Comparator.comparingLong((Map.Entry<IpAddress, long[]> r) -> -r.getValue()[0]))
                    .limit(3).map(r -> r.getKey() + " " + r.getValue()[0] + " B").toList();
            out.add(new Finding(k.victim(), Role.VICTIM, NAME, score, List.of(String.format(
                    "amplification against %s: %d unsolicited UDP bytes in %d datagrams (%d B each on average) from "
                            + "%d reflectors all sending from port %d in %s s, top %s; it never sent them a request "
                            + "(threshold %d B from %d reflectors)",
                    k.victim(), p.bytes, p.packets, p.bytes / Math.max(1, p.packets), p.reflectors.size(), k.port(),
                    Heuristics.fmt(a.windowSeconds()), top, s.minBytes(), s.minReflectors())),
                    Heuristics.sample(a, p.sample)));
            tally.found();
        }
        return reflectors;
    }
}
