package org.argus.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.argus.flow.ArpRecord;
import org.argus.flow.IpAddress;

/**
 * LAN threats seen in ARP (RFC 826), which carries no IP flow:
 * <ul>
 *   <li><b>ARP sweep</b> ({@code port_scan}): one sender asking who-has for at least {@code port_scan_min_targets}
 *       addresses in a window — nmap {@code -sn} and every LAN scanner discover hosts this way. RFC 5227 probes
 *       (sender 0.0.0.0) are not judged, nor a DHCP server that answered lately (it checks addresses before
 *       offering them, and under starvation it checks many).</li>
 *   <li><b>ARP spoofing</b> ({@code arp_spoofing}): an address claimed (as ARP sender) by two hardware addresses
 *       that take turns, {@code arp_spoof_min_changes} changes of owner within {@value #HORIZON_SECONDS} s — a poisoner
 *       repeating its lie while the real owner keeps answering. A change counts only between hardware addresses
 *       that have each claimed the address at least twice: a corrupted frame claims once. One change is an address
 *       moving (DHCP, failover): not reported. The claimed address is the victim; when exactly one of the two
 *       hardware addresses also claims another address (its own: a poisoner speaks for itself too, the real owner
 *       only for itself), that address is the attacker.</li>
 *   <li><b>Gratuitous ARP storm</b> ({@code arp_storm}): at least {@code arp_gratuitous_min_packets} gratuitous ARP
 *       packets (sender address = target address: "I am here") from one hardware address in one window. A host
 *       sends a few when its address or link changes (RFC 5227 announcements, VRRP failover); a storm floods every
 *       cache on the LAN, usually to poison it. When an announced address belongs to another hardware address (seen
 *       first), it is the victim and the storming host's own address, if known, the attacker; otherwise the announced
 *       address itself is the attacker.</li>
 * </ul>
 * At most {@code max_tracked} claimed addresses and hardware addresses are remembered. One owner thread.
 */
final class ArpDetector {
    static final String SPOOFING = "arp_spoofing";
    static final String STORM = "arp_storm";
    static final int HORIZON_SECONDS = 600;

    private static final class Claim {
        final long firstMac;
        long mac;
        /** The last hardware address other than the first that claimed it. */
        long otherMac = -1;
        final java.util.ArrayDeque<Long> changes = new java.util.ArrayDeque<>();
        /** Claims (packets) per hardware address, for at most {@value #MAX_OWNERS} of them. */
        final Map<Long, Long> owners = new HashMap<>();

        Claim(long mac, long packets) {
            this.firstMac = mac;
            this.mac = mac;
            owners.put(mac, packets);
        }

        /** Counts a claim; the hardware address's claims so far (0 when too many addresses claimed this one). */
        long claim(long by, long packets) {
            if (!owners.containsKey(by) && owners.size() >= MAX_OWNERS) {
                return 0;
            }
            return owners.merge(by, packets, Long::sum);
        }
    }

    /** Hardware addresses remembered per claimed address: a poisoner and the owner are two. */
    private static final int MAX_OWNERS = 8;

    private final int minTargets;
    private final int minChanges;
    private final int minGratuitous;
    private final Map<IpAddress, Claim> claims;
    /** Per hardware address, the addresses it claimed as ARP sender (at most {@value #MAX_CLAIMS}). */
    private final Map<Long, Set<IpAddress>> claimedBy;
    private static final int MAX_CLAIMS = 16;
    private final DetectorReport.Tally tally = new DetectorReport.Tally(SPOOFING);
    private final DetectorReport.Tally stormTally = new DetectorReport.Tally(STORM);

    ArpDetector(int minTargets, HeuristicSettings.Lan lan, int maxTracked) {
        this.minTargets = minTargets;
        this.minChanges = lan.arpSpoofMinChanges();
        this.minGratuitous = lan.arpGratuitousMinPackets();
        this.claims = new Lru<>(maxTracked);
        this.claimedBy = new Lru<>(maxTracked);
    }

    /** Another address this hardware address claimed, or null. */
    private IpAddress elsewhere(long mac, IpAddress claimed) {
        Set<IpAddress> ips = claimedBy.get(mac);
        return ips == null ? null : ips.stream().filter(ip -> !ip.equals(claimed)).sorted().findFirst().orElse(null);
    }

    List<DetectorReport.Tally> tallies() {
        return List.of(tally, stormTally);
    }

    /**
     * @param dhcpServers DHCP servers answering lately: their who-has for addresses they are about to offer is not a
     *                    sweep
     */
    void evaluate(WindowAnalysis a, DetectorReport.Tally scanTally, Set<IpAddress> dhcpServers, List<Finding> out) {
        tally.window();
        stormTally.window();
        if (a.arp().isEmpty()) {
            return;
        }
        IpAddress unspecified = IpAddress.v4(0);
        Map<IpAddress, Set<IpAddress>> asked = new HashMap<>();
        List<ArpRecord> byTime = new ArrayList<>(a.arp());
        byTime.sort(Comparator.comparingLong(ArpRecord::firstSeenNanos));
        Set<IpAddress> changed = new HashSet<>();
        Map<Long, long[]> gratuitous = new HashMap<>();
        Map<Long, Set<IpAddress>> announced = new HashMap<>();
        for (ArpRecord r : byTime) {
            if (r.senderIp().equals(unspecified)) {
                continue;
            }
            if (r.senderIp().equals(r.targetIp())) {
                gratuitous.computeIfAbsent(r.senderMac(), k -> new long[1])[0] += r.packets();
                announced.computeIfAbsent(r.senderMac(), k -> new HashSet<>()).add(r.senderIp());
            }
            if (r.op() == ArpRecord.REQUEST && !r.senderIp().equals(r.targetIp()) && !dhcpServers.contains(r.senderIp())) {
                asked.computeIfAbsent(r.senderIp(), k -> new HashSet<>()).add(r.targetIp());
            }
            Set<IpAddress> ips = claimedBy.computeIfAbsent(r.senderMac(), k -> new HashSet<>());
            if (ips.size() < MAX_CLAIMS) {
                ips.add(r.senderIp());
            }
            Claim c = claims.get(r.senderIp());
            if (c == null) {
                claims.put(r.senderIp(), new Claim(r.senderMac(), r.packets()));
                continue;
            }
            long before = c.owners.getOrDefault(c.mac, 0L);
            long now = c.claim(r.senderMac(), r.packets());
            if (c.mac != r.senderMac()) {
                // a change of owner counts between two hardware addresses that each claimed it repeatedly: a
                // poisoner repeats its lie, the owner keeps answering; a corrupted frame (a flipped bit) claims once
                if (before >= 2 && now >= 2) {
                    if (r.senderMac() != c.firstMac) {
                        c.otherMac = r.senderMac();
                    } else if (c.mac != c.firstMac) {
                        c.otherMac = c.mac;
                    }
                    c.changes.addLast(r.firstSeenNanos());
                    changed.add(r.senderIp());
                }
                c.mac = r.senderMac();
            }
        }
        for (var e : asked.entrySet()) {
            int n = e.getValue().size();
            scanTally.offer(e.getKey(), "addresses asked for by ARP in one window", n, minTargets);
            double score = Finding.heuristicScore(n, minTargets);
            if (score >= Finding.REPORT_FLOOR) {
                out.add(new Finding(e.getKey(), Role.ATTACKER, PortScanDetector.NAME, score, List.of(String.format(
                        "port scan: ARP sweep, who-has for %d addresses in %s s (threshold %d)", n,
                        Heuristics.fmt(a.windowSeconds()), minTargets)), List.of()));
                scanTally.found();
            }
        }
        storms(a, gratuitous, announced, out);
        long horizon = HORIZON_SECONDS * 1_000_000_000L;
        for (IpAddress claimed : changed) {
            Claim c = claims.get(claimed);
            if (c == null) {
                continue;
            }
            while (!c.changes.isEmpty() && c.changes.peekFirst() <= a.startNanos() - horizon) {
                c.changes.removeFirst();
            }
            int n = c.changes.size();
            tally.offer(claimed, "changes of the hardware address claiming one IP address within " + HORIZON_SECONDS + " s", n, minChanges);
            double score = Finding.heuristicScore(n, minChanges);
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            String reason = String.format("ARP spoofing: %s claimed by %s and %s in turn, %d changes of owner in the "
                            + "last %d s (threshold %d)", claimed, ArpRecord.mac(c.firstMac), ArpRecord.mac(c.otherMac), n,
                    HORIZON_SECONDS, minChanges);
            out.add(new Finding(claimed, Role.VICTIM, SPOOFING, score, List.of(reason), List.of()));
            // the poisoner also speaks for itself: of the two, the one that claims other addresses too
            IpAddress first = elsewhere(c.firstMac, claimed), other = elsewhere(c.otherMac, claimed);
            if ((first == null) != (other == null)) {
                long mac = first != null ? c.firstMac : c.otherMac;
                IpAddress attacker = first != null ? first : other;
                out.add(new Finding(attacker, Role.ATTACKER, SPOOFING, score, List.of(reason + "; " + ArpRecord.mac(mac)
                        + " is also " + attacker), List.of()));
            }
            tally.found();
        }
    }

    private void storms(WindowAnalysis a, Map<Long, long[]> gratuitous, Map<Long, Set<IpAddress>> announced,
                        List<Finding> out) {
        for (var e : gratuitous.entrySet()) {
            long mac = e.getKey();
            long n = e.getValue()[0];
            Set<IpAddress> ips = new java.util.TreeSet<>(announced.get(mac));
            IpAddress first = ips.iterator().next();
            stormTally.offer(first, "gratuitous ARP packets from one hardware address in one window", n, minGratuitous);
            double score = Finding.heuristicScore(n, minGratuitous);
            if (score < Finding.REPORT_FLOOR) {
                continue;
            }
            String reason = String.format("gratuitous ARP storm: %s announced %s %d times in %s s (threshold %d)",
                    ArpRecord.mac(mac), ips.size() == 1 ? first : ips, n, Heuristics.fmt(a.windowSeconds()), minGratuitous);
            // an announced address first claimed by another hardware address is someone else's: a victim
            List<IpAddress> foreign = ips.stream().filter(ip -> {
                Claim c = claims.get(ip);
                return c != null && c.firstMac != mac;
            }).toList();
            if (foreign.isEmpty()) {
                out.add(new Finding(first, Role.ATTACKER, STORM, score, List.of(reason), List.of()));
            } else {
                for (IpAddress victim : foreign) {
                    out.add(new Finding(victim, Role.VICTIM, STORM, score, List.of(reason + "; " + victim + " was "
                            + ArpRecord.mac(claims.get(victim).firstMac) + "'s"), List.of()));
                }
                Set<IpAddress> own = claimedBy.getOrDefault(mac, Set.of());
                own.stream().filter(ip -> !foreign.contains(ip)).sorted().findFirst().ifPresent(attacker ->
                        out.add(new Finding(attacker, Role.ATTACKER, STORM, score, List.of(reason + "; "
                                + ArpRecord.mac(mac) + " is also " + attacker), List.of())));
            }
            stormTally.found();
        }
    }
}
