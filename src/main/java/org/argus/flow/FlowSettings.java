package org.argus.flow;

import java.time.Duration;

/**
 * What the flow stage needs from the configuration ({@code aggregation.*}).
 *
 * @param window            window length (5 s by default)
 * @param closeGrace        live only: how long after a window's end (wall clock) it is closed, for late packets
 * @param maxTrackedFlows   most flows remembered at once
 * @param maxFlowsPerWindow most distinct flows accounted in one window; packets of further flows are counted as dropped
 * @param tcpIdleTimeout    a TCP flow with no packet for this long is forgotten (its next packet starts a new flow)
 * @param udpIdleTimeout    the same for UDP
 * @param icmpIdleTimeout   the same for ICMP and ICMPv6
 * @param otherIdleTimeout  the same for other IP protocols
 * @param payloadBytes      payload bytes kept per flow and direction for payload inspection (the first ones the
 *                          flow sent that way, across its windows; 0: none)
 * @param payloadWindowBytes most payload bytes kept per window (beyond: not kept, counted)
 */
public record FlowSettings(Duration window, Duration closeGrace, int maxTrackedFlows, int maxFlowsPerWindow,
                           Duration tcpIdleTimeout, Duration udpIdleTimeout, Duration icmpIdleTimeout,
                           Duration otherIdleTimeout, int payloadBytes, long payloadWindowBytes) {

    /** Settings without payload capture. */
    public FlowSettings(Duration window, Duration closeGrace, int maxTrackedFlows, int maxFlowsPerWindow,
                        Duration tcpIdleTimeout, Duration udpIdleTimeout, Duration icmpIdleTimeout, Duration otherIdleTimeout) {
        this(window, closeGrace, maxTrackedFlows, maxFlowsPerWindow, tcpIdleTimeout, udpIdleTimeout, icmpIdleTimeout,
                otherIdleTimeout, 0, 0);
    }

    /** These settings keeping {@code bytes} payload bytes per flow and direction, at most {@code windowBytes} a window. */
    public FlowSettings withPayload(int bytes, long windowBytes) {
        return new FlowSettings(window, closeGrace, maxTrackedFlows, maxFlowsPerWindow, tcpIdleTimeout, udpIdleTimeout,
                icmpIdleTimeout, otherIdleTimeout, bytes, windowBytes);
    }

    /** Defaults: 5 s windows, 500 ms grace, 262 144 flows, 100 000 per window, idle 300/60/30/60 s. */
    public static FlowSettings defaults() {
        return new FlowSettings(Duration.ofSeconds(5), Duration.ofMillis(500), 262_144, 100_000,
                Duration.ofSeconds(300), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /** The smallest idle timeout, in ns. */
    long minIdleNanos() {
        return Math.min(Math.min(tcpIdleTimeout.toNanos(), udpIdleTimeout.toNanos()),
                Math.min(icmpIdleTimeout.toNanos(), otherIdleTimeout.toNanos()));
    }
}
