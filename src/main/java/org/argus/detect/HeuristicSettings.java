package org.argus.detect;

import java.time.Duration;
import java.util.Set;

/**
 * Thresholds of the fast-path detectors ({@code heuristics.*}). Each count is per window unless it says otherwise;
 * reaching a threshold scores 0.9 (see {@link Finding#heuristicScore}).
 *
 * @param enabled                   run the heuristics at all
 * @param portScanMinTargets        distinct (host, port) targets one source probed without an answer
 * @param portScanMinProbeRatio     share of that source's flows that were probes (0..1)
 * @param synFloodMinHalfOpen       failed TCP handshakes to one (host, port)
 * @param synFloodSpoofedMinSources distinct sources from which a flood counts as spoofed: the decision is then
 *                                  about the destination (role victim), not thousands of sources
 * @param bruteForcePorts           authentication service ports watched for brute force
 * @param bruteForceMinAttempts     new connections from one source to one (host, service port) within the horizon
 * @param bruteForceHorizon         how far back brute-force attempts are counted
 * @param amplificationPorts        UDP source ports of well-known reflectors
 * @param amplificationMinBytes     wire bytes of unsolicited UDP responses from those ports to one destination
 * @param amplificationMinReflectors distinct reflectors needed to call it an amplification attack
 */
public record HeuristicSettings(boolean enabled, int portScanMinTargets, double portScanMinProbeRatio,
                                int synFloodMinHalfOpen, int synFloodSpoofedMinSources, Set<Integer> bruteForcePorts,
                                int bruteForceMinAttempts, Duration bruteForceHorizon, Set<Integer> amplificationPorts,
                                long amplificationMinBytes, int amplificationMinReflectors) {
    public HeuristicSettings {
        bruteForcePorts = Set.copyOf(bruteForcePorts);
        amplificationPorts = Set.copyOf(amplificationPorts);
    }
}
