package org.argus.detect;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.PacketShape;
import org.argus.flow.TcpFlagCounts;

/**
 * One window's flows with the per-originator aggregates the features and heuristics need, computed in one pass.
 * Not thread-safe; built and used by one thread.
 */
public final class WindowAnalysis {
    /** A responder endpoint: address and port (0 for portless protocols). */
    public record Target(IpAddress host, int port) {
    }

    /**
     * What one originator did in the window. Its sets (and its probe kinds) start as one inline element and become
     * hash sets (a sorted map) at the second distinct one: under a spoofed flood every source sends one flow, and
     * there are a million of them.
     */
    public static final class Source {
        public int flows;
        public int silent;
        public int attempts;
        public int failed;
        public int probes;
        private IpAddress oneHost;
        private Set<IpAddress> hosts;
        private int onePort = -1;
        private Set<Integer> ports;
        private Set<Target> probeTargets = Set.of();
        public int minProbePort = Integer.MAX_VALUE;
        public int maxProbePort = -1;
        /** Index (in the window's flow list) of one probe, for a Community ID in the reasons. */
        public int sampleProbe = -1;
        private String oneKind;
        private int oneKindCount;
        private Map<String, Integer> tcpProbeKinds;
        /** UDP datagrams nobody answered, among the probes. */
        public int udpProbes;
        /** ICMP/ICMPv6 requests among the probes (host sweeps). */
        public int icmpProbes;
        /** TCP segments with a flag combination no connection carries ({@link TcpFlagCounts#unusual}). */
        public int unusualSegments;

        void addHost(IpAddress host) {
            if (hosts != null) {
                hosts.add(host);
            } else if (oneHost == null) {
                oneHost = host;
            } else if (!oneHost.equals(host)) {
                hosts = new HashSet<>();
                hosts.add(oneHost);
                hosts.add(host);
            }
        }

        void addPort(int port) {
            if (ports != null) {
                ports.add(port);
            } else if (onePort < 0) {
                onePort = port;
            } else if (onePort != port) {
                ports = new HashSet<>();
                ports.add(onePort);
                ports.add(port);
            }
        }

        void addProbeTarget(Target t) {
            if (probeTargets.isEmpty()) {
                probeTargets = Set.of(t);
            } else if (!probeTargets.contains(t)) {
                if (probeTargets.size() == 1) {
                    probeTargets = new HashSet<>(probeTargets);
                }
                probeTargets.add(t);
            }
        }

        void countTcpProbe(String kind) {
            if (tcpProbeKinds != null) {
                tcpProbeKinds.merge(kind, 1, Integer::sum);
            } else if (oneKind == null || oneKind.equals(kind)) {
                oneKind = kind;
                oneKindCount++;
            } else {
                tcpProbeKinds = new java.util.TreeMap<>();
                tcpProbeKinds.put(oneKind, oneKindCount);
                tcpProbeKinds.put(kind, 1);
            }
        }

        /** Distinct responder addresses. */
        public int distinctHosts() {
            return hosts != null ? hosts.size() : oneHost == null ? 0 : 1;
        }

        /** Distinct responder ports. */
        public int distinctPorts() {
            return ports != null ? ports.size() : onePort < 0 ? 0 : 1;
        }

        /** Probed targets: (host, port); ICMP requests are port 0; another IP protocol p is port 65 536 + p. Read-only use. */
        public Set<Target> probeTargets() {
            return probeTargets;
        }

        /** TCP probes by kind ({@link FlowFacts#probeKind}: SYN, FIN, NULL, Xmas, Maimon, ACK), for the reasons. */
        public Map<String, Integer> tcpProbeKinds() {
            return tcpProbeKinds != null ? tcpProbeKinds : oneKind == null ? Map.of() : Map.of(oneKind, oneKindCount);
        }
    }

    private final long startNanos;
    private final double windowSeconds;
    private final List<FlowRecord> flows;
    private final List<org.argus.flow.ArpRecord> arp;
    private final List<org.argus.flow.DhcpRecord> dhcp;
    private final Map<IpAddress, Source> sources;

    /**
     * @param startNanos    window start, ns since the epoch
     * @param windowSeconds window length, s
     * @param flows         the window's flow records
     */
    public WindowAnalysis(long startNanos, double windowSeconds, List<FlowRecord> flows) {
        this(startNanos, windowSeconds, flows, List.of(), List.of());
    }

    /**
     * @param startNanos    window start, ns since the epoch
     * @param windowSeconds window length, s
     * @param flows         the window's flow records
     * @param arp           the window's ARP packets
     * @param dhcp          the window's DHCP messages
     */
    public WindowAnalysis(long startNanos, double windowSeconds, List<FlowRecord> flows, List<org.argus.flow.ArpRecord> arp,
                          List<org.argus.flow.DhcpRecord> dhcp) {
        this.startNanos = startNanos;
        this.windowSeconds = windowSeconds;
        this.flows = flows;
        this.arp = arp;
        this.dhcp = dhcp;
        // sized for one source per flow up to 64 Ki (a flood's spoofed sources), so the map never rehashes there
        this.sources = HashMap.newHashMap(Math.min(flows.size(), 1 << 16));
        for (int i = 0; i < flows.size(); i++) {
            FlowRecord f = flows.get(i);
            Source s = sources.computeIfAbsent(f.originator(), k -> new Source());
            s.flows++;
            s.addHost(f.responder());
            s.addPort(f.responderPort());
            if (FlowFacts.silent(f)) {
                s.silent++;
            }
            if (FlowFacts.attempt(f)) {
                s.attempts++;
                if (!FlowFacts.completed(f)) {
                    s.failed++;
                }
            }
            s.unusualSegments += f.tcpFlags().unusual();
            if (FlowFacts.probe(f)) {
                s.probes++;
                if (FlowFacts.tcp(f)) {
                    s.countTcpProbe(FlowFacts.probeKind(f));
                } else if (FlowFacts.icmp(f)) {
                    s.icmpProbes++;
                } else if (FlowFacts.udp(f)) {
                    s.udpProbes++;
                }
                // another IP protocol is a target of its own (beyond the port range, so it never meets a port)
                s.addProbeTarget(new Target(f.responder(), FlowFacts.otherProtocol(f) ? 65_536 + f.protocol() : f.responderPort()));
                s.minProbePort = Math.min(s.minProbePort, f.responderPort());
                s.maxProbePort = Math.max(s.maxProbePort, f.responderPort());
                if (s.sampleProbe < 0) {
                    s.sampleProbe = i;
                }
            }
        }
    }

    /** Window start, ns since the epoch. */
    public long startNanos() {
        return startNanos;
    }

    /** Window length, s. */
    public double windowSeconds() {
        return windowSeconds;
    }

    /** The window's flows. */
    public List<FlowRecord> flows() {
        return flows;
    }

    /** The window's ARP packets. */
    public List<org.argus.flow.ArpRecord> arp() {
        return arp;
    }

    /** The window's DHCP messages, grouped. */
    public List<org.argus.flow.DhcpRecord> dhcp() {
        return dhcp;
    }

    /** Per-originator aggregates. */
    public Map<IpAddress, Source> sources() {
        return sources;
    }

    /** Every flow's row of {@code set}'s features (raw values, a new array each), in flow order. */
    public void rows(FeatureSet set, java.util.function.Consumer<double[]> sink) {
        double[] full = new double[Feature.values().length];
        for (FlowRecord f : flows) {
            features(f, full);
            sink.accept(set.select(full));
        }
    }

    /**
     * The full catalog vector of one flow, indexed by {@link Feature#ordinal()}. Detail a CSV row lacks is 0.
     *
     * @param f a flow of this window
     * @param out array of at least {@code Feature.values().length} doubles, overwritten
     */
    public void features(FlowRecord f, double[] out) {
        Source s = sources.get(f.originator());
        PacketShape shape = f.shape();
        TcpFlagCounts t = f.tcpFlags();
        long packets = f.packets();
        boolean detailed = shape.known();
        double duration = (f.lastSeenNanos() - f.firstSeenNanos()) / 1e9;
        out[Feature.DURATION.ordinal()] = duration;
        out[Feature.PACKETS_OUT.ordinal()] = f.originatorPackets();
        out[Feature.PACKETS_IN.ordinal()] = f.responderPackets();
        out[Feature.BYTES_OUT.ordinal()] = f.originatorBytes();
        out[Feature.BYTES_IN.ordinal()] = f.responderBytes();
        double mean = packets > 0 ? (double) f.bytes() / packets : 0;
        out[Feature.PKT_SIZE_MEAN.ordinal()] = mean;
        out[Feature.PKT_SIZE_MIN.ordinal()] = detailed ? shape.sizeMin() : 0;
        out[Feature.PKT_SIZE_MAX.ordinal()] = detailed ? shape.sizeMax() : 0;
        out[Feature.PKT_SIZE_STD.ordinal()] = detailed && packets > 0
                ? Math.sqrt(Math.max(0, shape.sizeSumSquares() / packets - mean * mean)) : 0;
        if (detailed && packets > 1) {
            double gapMean = duration / (packets - 1);
            out[Feature.IAT_MEAN.ordinal()] = gapMean;
            out[Feature.IAT_STD.ordinal()] = Math.sqrt(Math.max(0, shape.gapSumSquaresSeconds() / (packets - 1) - gapMean * gapMean));
        } else {
            out[Feature.IAT_MEAN.ordinal()] = 0;
            out[Feature.IAT_STD.ordinal()] = 0;
        }
        out[Feature.TCP_SYN.ordinal()] = t.syn();
        out[Feature.TCP_SYNACK.ordinal()] = t.synAck();
        out[Feature.TCP_FIN.ordinal()] = t.fin();
        out[Feature.TCP_RST.ordinal()] = t.rst();
        out[Feature.TCP_PSH.ordinal()] = t.psh();
        out[Feature.TCP_ACK.ordinal()] = t.ack();
        out[Feature.SYN_WITHOUT_ACK_RATIO.ordinal()] = packets > 0 && FlowFacts.tcp(f) ? (double) t.syn() / packets : 0;
        out[Feature.SRC_PORT.ordinal()] = FlowFacts.portClass(f.protocol(), f.originatorPort());
        out[Feature.DST_PORT.ordinal()] = FlowFacts.portClass(f.protocol(), f.responderPort());
        int proto = FlowFacts.tcp(f) ? 1 : FlowFacts.udp(f) ? 2 : FlowFacts.icmp(f) ? 3 : 4;
        out[Feature.PROTOCOL.ordinal()] = proto;
        out[Feature.PROTO_TCP.ordinal()] = proto == 1 ? 1 : 0;
        out[Feature.PROTO_UDP.ordinal()] = proto == 2 ? 1 : 0;
        out[Feature.PROTO_ICMP.ordinal()] = proto == 3 ? 1 : 0;
        out[Feature.RESPONDER_SILENT.ordinal()] = FlowFacts.silent(f) ? 1 : 0;
        out[Feature.SRC_FLOWS.ordinal()] = s.flows;
        out[Feature.SRC_DISTINCT_DST_HOSTS.ordinal()] = s.distinctHosts();
        out[Feature.SRC_DISTINCT_DST_PORTS.ordinal()] = s.distinctPorts();
        out[Feature.SRC_SILENT_RATIO.ordinal()] = (double) s.silent / s.flows;
        out[Feature.SRC_CONN_ATTEMPTS.ordinal()] = s.attempts;
        out[Feature.SRC_FAILED_HANDSHAKES.ordinal()] = s.failed;
    }
}
