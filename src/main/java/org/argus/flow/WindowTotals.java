package org.argus.flow;

/**
 * Totals over every frame of one window, whatever it carried (non-IP, malformed and fragments included).
 * TCP/UDP/ICMP counts go by the outermost IP header's protocol (fragments included), as in the ground truth's
 * {@code *.windows.csv}.
 *
 * @param packets      frames in the window
 * @param bytes        wire bytes (pcap {@code orig_len}, link header included)
 * @param ipPackets    frames with an IPv4 or IPv6 header
 * @param tcpPackets   IP protocol 6
 * @param udpPackets   IP protocol 17
 * @param icmpPackets  IP protocol 1 or 58
 * @param tcpSyn       TCP segments with SYN and without ACK
 * @param fragments    non-first IP fragments
 * @param nonIp        frames that are not IP (ARP, STP, ...)
 * @param malformed    frames that could not be decoded (by reason in {@code /status})
 * @param latePackets  frames whose time was before the window (out-of-order input), counted here
 * @param flowsDropped packets not put in any flow because the flow table or the per-window flow cap was full
 */
public record WindowTotals(long packets, long bytes, long ipPackets, long tcpPackets, long udpPackets, long icmpPackets,
                           long tcpSyn, long fragments, long nonIp, long malformed, long latePackets, long flowsDropped) {
}
