package org.argus.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The explainable fast-path detectors, run on each window in turn: {@link PortScanDetector port scans and sweeps}
 * (fast and slow), {@link FloodDetector floods} (SYN floods, floods of every protocol, TCP reflection),
 * {@link BruteForceDetector brute force} (fast, slow, distributed), {@link AmplificationDetector UDP amplification},
 * {@link ReconDetector reconnaissance} and the LAN threats in {@link ArpDetector ARP} (sweeps, spoofing, gratuitous
 * storms) and {@link DhcpDetector DHCP} (starvation, rogue servers). Each finding's reasons quote its numbers and
 * thresholds. Keeps state
 * between windows (horizons and baselines, each bounded by {@code heuristics.max_tracked}); windows must come in time
 * order. Not thread-safe: one owner thread.
 */
public final class Heuristics {
    public static final String PORT_SCAN = PortScanDetector.NAME;
    public static final String SYN_FLOOD = FloodDetector.SYN_FLOOD;
    public static final String FLOOD = FloodDetector.FLOOD;
    public static final String TCP_REFLECTION = FloodDetector.REFLECTION;
    public static final String BRUTE_FORCE = BruteForceDetector.NAME;
    public static final String AMPLIFICATION = AmplificationDetector.NAME;
    public static final String RECON = ReconDetector.NAME;
    public static final String ARP_SPOOFING = ArpDetector.SPOOFING;
    public static final String ARP_STORM = ArpDetector.STORM;
    public static final String DHCP_STARVATION = DhcpDetector.STARVATION;
    public static final String ROGUE_DHCP = DhcpDetector.ROGUE;

    private final HeuristicSettings settings;
    private final PortScanDetector portScans;
    private final FloodDetector floods;
    private final BruteForceDetector bruteForce;
    private final AmplificationDetector amplification;
    private final ReconDetector recon;
    private final ArpDetector arp;
    private final DhcpDetector dhcp;
    private final List<DetectorReport.Tally> tallies = new ArrayList<>();

    public Heuristics(HeuristicSettings settings) {
        this.settings = settings;
        int max = settings.maxTracked();
        this.portScans = new PortScanDetector(settings.portScan(), max);
        this.floods = new FloodDetector(settings.flood(), settings.amplification().minReflectors(), max);
        this.bruteForce = new BruteForceDetector(settings.bruteForce(), max);
        this.amplification = new AmplificationDetector(settings.amplification());
        this.recon = new ReconDetector(settings.recon(), max);
        this.arp = new ArpDetector(settings.portScan().minTargets(), settings.lan(), max);
        this.dhcp = new DhcpDetector(settings.lan(), max);
        tallies.add(portScans.tally());
        tallies.addAll(floods.tallies());
        tallies.add(bruteForce.tally());
        tallies.add(amplification.tally());
        tallies.add(recon.tally());
        tallies.addAll(arp.tallies());
        tallies.addAll(dhcp.tallies());
    }

    /**
     * Evaluates one window. Windows must come in time order.
     *
     * @return findings at or above {@link Finding#REPORT_FLOOR}
     */
    public List<Finding> evaluate(WindowAnalysis a) {
        List<Finding> out = new ArrayList<>();
        if (!settings.enabled()) {
            return out;
        }
        java.util.Set<org.argus.flow.IpAddress> reflectors = amplification.evaluate(a, out);
        portScans.evaluate(a, reflectors, out);
        floods.evaluate(a, out);
        bruteForce.evaluate(a, out);
        recon.evaluate(a, out);
        dhcp.evaluate(a, out);
        arp.evaluate(a, portScans.tally(), dhcp.answering(a.startNanos()), out);
        return out;
    }

    /** Per detector, so far: windows evaluated, findings, and the candidate closest to its threshold. */
    public List<DetectorReport> reports() {
        return tallies.stream().map(DetectorReport.Tally::report).toList();
    }

    static List<String> sample(WindowAnalysis a, Integer index) {
        return index == null || index < 0 ? List.of() : List.of(CommunityId.of(a.flows().get(index)));
    }

    static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : String.format("%.1f", seconds);
    }
}
