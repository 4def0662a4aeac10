package org.argus.detect;

import java.time.Duration;
import java.util.Set;

/**
 * Thresholds of the fast-path detectors ({@code heuristics.*}). Counts are per window unless they say otherwise;
 * reaching a threshold scores 0.9 (see {@link Finding#heuristicScore}), which is {@code high} with the default
 * {@code prediction.high_risk_threshold}.
 *
 * @param enabled       run the heuristics at all
 * @param portScan      port scans, host sweeps and their slow variants
 * @param flood         floods of every kind and TCP reflection
 * @param bruteForce    login guessing, fast, slow and distributed
 * @param amplification UDP amplification (reflection with larger answers)
 * @param recon         service probing and OS fingerprinting against few ports
 * @param evidence      how findings accumulate per host across windows and detectors
 * @param lan           LAN threats: ARP spoofing and storms, DHCP starvation and rogue DHCP servers
 * @param maxTracked    addresses (or address pairs) each stateful detector keeps across windows; the least recently
 *                      active are forgotten first, so memory stays bounded under floods of spoofed sources
 */
public record HeuristicSettings(boolean enabled, PortScan portScan, Flood flood, BruteForce bruteForce,
                                Amplification amplification, Recon recon, Evidence evidence, Lan lan,
                                int maxTracked) {
    /**
     * @param minTargets    distinct targets one source probed without an answer: ports of one host (vertical), hosts
     *                      on one port (horizontal, sweeps) or IP protocols of one host ({@code port_scan_min_targets})
     * @param minProbeRatio share of that source's flows that were probes, 0..1 ({@code port_scan_min_probe_ratio})
     * @param slowHorizon   how far back probes count for slow scans ({@code slow_scan_horizon_seconds}); the same
     *                      target count over this span is a slow scan
     */
    public record PortScan(int minTargets, double minProbeRatio, Duration slowHorizon) {
    }

    /**
     * @param synMinHalfOpen     SYN segments of failed handshakes to one (host, port) ({@code syn_flood_min_half_open})
     * @param minPackets         unsolicited packets of any kind to one host — SYN, ACK, RST, FIN and other TCP
     *                           segments nobody answered but with a reset, one-way UDP, ICMP requests, other IP
     *                           protocols ({@code flood_min_packets})
     * @param baselineFactor     and at least this many times the host's own baseline of such packets per window
     *                           (an exponentially weighted mean of earlier windows) ({@code flood_baseline_factor})
     * @param spoofedMinSources  from this many distinct sources on, a flood counts as spoofed and the decision is
     *                           about the destination ({@code syn_flood_spoofed_min_sources})
     * @param reflectionMinPackets unsolicited SYN-ACK segments to one host from at least
     *                           {@link Amplification#minReflectors} hosts: its address was spoofed in SYNs sent to
     *                           them (TCP reflection, backscatter) ({@code reflection_min_packets})
     */
    public record Flood(int synMinHalfOpen, int minPackets, double baselineFactor, int spoofedMinSources,
                        int reflectionMinPackets) {
    }

    /**
     * @param ports                 authentication service ports watched ({@code brute_force_ports})
     * @param minAttempts           new connections from one source to one (host, port) within {@code horizon}
     *                              ({@code brute_force_min_attempts})
     * @param horizon               {@code brute_force_horizon_seconds}
     * @param slowMinAttempts       the same within {@code slowHorizon}: slow tools ({@code brute_force_slow_min_attempts})
     * @param slowHorizon           {@code brute_force_slow_horizon_seconds}
     * @param distributedMinSources distinct sources that together made at least 3 × {@code minAttempts} attempts on
     *                              one (host, port) within {@code horizon}, none of them enough alone: a distributed
     *                              brute force, reported about the target ({@code brute_force_distributed_min_sources})
     * @param webPorts              web ports where logins are HTTP(S) forms ({@code brute_force_web_ports})
     * @param webMinAttempts        look-alike small connections from one source to one (host, web port) within
     *                              {@code horizon} ({@code brute_force_web_min_attempts})
     */
    public record BruteForce(Set<Integer> ports, int minAttempts, Duration horizon, int slowMinAttempts,
                             Duration slowHorizon, int distributedMinSources, Set<Integer> webPorts, int webMinAttempts) {
        public BruteForce {
            ports = Set.copyOf(ports);
            webPorts = Set.copyOf(webPorts);
        }
    }

    /**
     * @param minBytes      wire bytes of unsolicited UDP sharing one source port to one destination
     *                      ({@code amplification_min_bytes})
     * @param minReflectors distinct reflectors needed ({@code amplification_min_reflectors})
     */
    public record Amplification(long minBytes, int minReflectors) {
    }

    /**
     * @param minEvidence probe marks from one source against one host that make a medium-risk recon finding: TCP
     *                    segments with flags no connection carries (OS fingerprinting), handshakes the originator
     *                    reset right after the SYN-ACK (half-open "stealth" probes of open ports)
     *                    ({@code recon_min_evidence})
     */
    public record Recon(int minEvidence) {
    }

    /**
     * @param arpSpoofMinChanges     changes of the hardware address claiming one IP address within 600 s that make
     *                               ARP spoofing ({@code arp_spoof_min_changes})
     * @param arpGratuitousMinPackets gratuitous ARP packets (sender address = target address) from one hardware
     *                               address in one window that make a storm ({@code arp_gratuitous_min_packets})
     * @param dhcpStarvationMinClients distinct client hardware addresses asking for a lease (DISCOVER, REQUEST) within
     *                               60 s that make DHCP starvation ({@code dhcp_starvation_min_clients})
     * @param dhcpServers            the LAN's own DHCP servers ({@code dhcp_servers}); an offer or ack from any other
     *                               address is a rogue server (high risk). Empty: the first server seen is taken as
     *                               the LAN's, and another one answering is reported at medium risk
     */
    public record Lan(int arpSpoofMinChanges, int arpGratuitousMinPackets, int dhcpStarvationMinClients,
                      Set<org.argus.flow.IpAddress> dhcpServers) {
        public Lan {
            dhcpServers = Set.copyOf(dhcpServers);
        }
    }

    /**
     * @param halfLife how fast earlier findings about a host fade ({@code evidence_half_life_seconds}); zero keeps
     *                 every window on its own
     */
    public record Evidence(Duration halfLife) {
    }
}
