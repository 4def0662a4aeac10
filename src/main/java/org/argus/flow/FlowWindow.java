package org.argus.flow;

import java.util.List;

/**
 * A closed window: what the flow stage publishes on {@code argus.window.closed}. Immutable.
 *
 * <p>Windows are aligned to the epoch: a packet with time t belongs to the window starting at
 * {@code floor(t / length) * length}. Only windows with at least one frame are published.
 *
 * @param startNanos window start, ns since the epoch (inclusive)
 * @param endNanos   window end, ns since the epoch (exclusive)
 * @param totals     totals over every frame in the window
 * @param flows      the flows with at least one packet in the window, in no particular order
 * @param arp        the window's ARP packets, grouped by their fields, in order of first appearance (at most
 *                   {@link #MAX_ARP} groups; the rest are counted as non-IP frames only)
 * @param dhcp       the window's DHCP messages, grouped by their fields, in order of first appearance (at most
 *                   {@link #MAX_ARP} groups; all of them count in their flows)
 * @param mdns       the host names senders announced over mDNS, the latest per MAC, in order of first announcement
 *                   (at most {@link #MAX_ARP}; the packets count in their flows)
 * @param payloads   the first payload bytes of flows, for payload inspection (empty unless payload capture is on);
 *                   local only: the window never leaves the process
 */
public record FlowWindow(long startNanos, long endNanos, WindowTotals totals, List<FlowRecord> flows, List<ArpRecord> arp,
                         List<DhcpRecord> dhcp, List<MdnsName> mdns, List<FlowPayload> payloads) {
    /** ARP groups, and DHCP groups, kept per window. */
    public static final int MAX_ARP = 16_384;

    public FlowWindow {
        flows = List.copyOf(flows);
        arp = List.copyOf(arp);
        dhcp = List.copyOf(dhcp);
        mdns = List.copyOf(mdns);
        payloads = List.copyOf(payloads);
    }

    /** A window without payloads. */
    public FlowWindow(long startNanos, long endNanos, WindowTotals totals, List<FlowRecord> flows, List<ArpRecord> arp,
                      List<DhcpRecord> dhcp, List<MdnsName> mdns) {
        this(startNanos, endNanos, totals, flows, arp, dhcp, mdns, List.of());
    }

    /** A window without mDNS names. */
    public FlowWindow(long startNanos, long endNanos, WindowTotals totals, List<FlowRecord> flows, List<ArpRecord> arp,
                      List<DhcpRecord> dhcp) {
        this(startNanos, endNanos, totals, flows, arp, dhcp, List.of());
    }

    /** A window without ARP, DHCP or mDNS. */
    public FlowWindow(long startNanos, long endNanos, WindowTotals totals, List<FlowRecord> flows) {
        this(startNanos, endNanos, totals, flows, List.of(), List.of(), List.of());
    }

    /** Window length in seconds. */
    public double durationSeconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
