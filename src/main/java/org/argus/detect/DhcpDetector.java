package org.argus.detect;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.argus.flow.DhcpRecord;
import org.argus.flow.IpAddress;

/**
 * LAN threats seen in DHCP (RFC 2131):
 * <ul>
 *   <li><b>DHCP starvation</b> ({@code dhcp_starvation}): at least {@code dhcp_starvation_min_clients} distinct
 *       client hardware addresses asking for a lease (DISCOVER or REQUEST) within {@value #HORIZON_SECONDS} s — a
 *       tool (yersinia, dhcpig) inventing clients until the pool is empty. The sender cannot be named (the clients
 *       are invented, their IP source is 0.0.0.0); the finding is about the victim, the LAN's DHCP server (the last
 *       one seen answering), or the requests' destination (255.255.255.255) when none answered.</li>
 *   <li><b>Rogue DHCP server</b> ({@code rogue_dhcp}): an offer or ack from a server that is not the LAN's. With
 *       {@code dhcp_servers} set, any other server is a rogue: attacker, score 0.95 (high). Without it, the first
 *       server seen is taken as the LAN's and another one is reported at medium risk (0.75): two servers may be a
 *       misconfiguration, and the first one seen might itself be the rogue.</li>
 * </ul>
 * At most {@code max_tracked} client addresses are remembered. One owner thread.
 */
final class DhcpDetector {
    static final String STARVATION = "dhcp_starvation";
    static final String ROGUE = "rogue_dhcp";
    static final int HORIZON_SECONDS = 60;
    private static final double ROGUE_CONFIGURED = 0.95;
    private static final double ROGUE_LEARNED = 0.75;

    private final int minClients;
    private final Set<IpAddress> servers;
    /** Client hardware address → when it last asked for a lease (ns). */
    private final Map<Long, Long> clients;
    private final int maxTracked;
    /** Servers seen answering (offer, ack) → when last (ns). */
    private final Map<IpAddress, Long> answering = new Lru<>(64);
    private IpAddress learned;
    private long learnedAt;
    private IpAddress lastServer;
    private final DetectorReport.Tally starvation = new DetectorReport.Tally(STARVATION);
    private final DetectorReport.Tally rogue = new DetectorReport.Tally(ROGUE);

    DhcpDetector(HeuristicSettings.Lan settings, int maxTracked) {
        this.minClients = settings.dhcpStarvationMinClients();
        this.servers = settings.dhcpServers();
        this.clients = new Lru<>(maxTracked);
        this.maxTracked = maxTracked;
    }

    /**
     * Servers that answered a DHCP client within the last {@value #HORIZON_SECONDS} s before {@code nowNanos}: they
     * check that an address is free before offering it (RFC 2131 section 2.2; dnsmasq asks by ARP and ICMP echo), so
     * under starvation they look like an ARP sweep.
     */
    Set<IpAddress> answering(long nowNanos) {
        Set<IpAddress> out = new HashSet<>();
        answering.forEach((server, seen) -> {
            if (seen > nowNanos - HORIZON_SECONDS * 1_000_000_000L) {
                out.add(server);
            }
        });
        return out;
    }

    List<DetectorReport.Tally> tallies() {
        return List.of(starvation, rogue);
    }

    void evaluate(WindowAnalysis a, List<Finding> out) {
        starvation.window();
        rogue.window();
        if (a.dhcp().isEmpty()) {
            return;
        }
        Map<IpAddress, Set<Long>> offered = new LinkedHashMap<>(); // servers in order of first answer
        Set<Long> asking = new HashSet<>();
        IpAddress requestedOf = null;
        for (DhcpRecord r : a.dhcp()) {
            if (r.type() == DhcpRecord.OFFER || r.type() == DhcpRecord.ACK) {
                offered.computeIfAbsent(r.source(), k -> new HashSet<>()).add(r.clientMac());
            } else if (r.type() == DhcpRecord.DISCOVER || r.type() == DhcpRecord.REQUEST) {
                asking.add(r.clientMac());
                requestedOf = r.destination();
                clients.put(r.clientMac(), r.firstSeenNanos());
            }
        }
        for (var e : offered.entrySet()) {
            IpAddress server = e.getKey();
            lastServer = server;
            answering.put(server, a.startNanos());
            rogue(a, server, e.getValue().size(), out);
        }
        if (!asking.isEmpty()) {
            starvation(a, asking.size(), requestedOf, out);
        }
    }

    private void rogue(WindowAnalysis a, IpAddress server, int answered, List<Finding> out) {
        if (server.equals(IpAddress.v4(0))) {
            return;
        }
        String reason;
        double score;
        if (!servers.isEmpty()) {
            if (servers.contains(server)) {
                return;
            }
            score = ROGUE_CONFIGURED;
            reason = String.format("rogue DHCP server: %s answered %d client(s) in %s s; the LAN's DHCP servers are %s "
                    + "(dhcp_servers)", server, answered, Heuristics.fmt(a.windowSeconds()), new TreeSet<>(servers));
        } else {
            if (learned == null) {
                learned = server;
                learnedAt = a.startNanos();
                return;
            }
            if (learned.equals(server)) {
                return;
            }
            score = ROGUE_LEARNED;
            reason = String.format("second DHCP server: %s answered %d client(s) in %s s, but %s has answered since %s; "
                            + "name the LAN's servers in heuristics.dhcp_servers to judge it", server, answered,
                    Heuristics.fmt(a.windowSeconds()), learned, java.time.Instant.ofEpochSecond(0, learnedAt));
        }
        rogue.offer(server, "offers or acks from a DHCP server that is not the LAN's", 1, 1);
        out.add(new Finding(server, Role.ATTACKER, ROGUE, score, List.of(reason), List.of()));
        rogue.found();
    }

    private void starvation(WindowAnalysis a, int askingNow, IpAddress requestedOf, List<Finding> out) {
        long since = a.startNanos() - HORIZON_SECONDS * 1_000_000_000L;
        int n = 0;
        for (long seen : clients.values()) {
            if (seen > since) {
                n++;
            }
        }
        IpAddress victim = lastServer != null ? lastServer : requestedOf;
        starvation.offer(victim, "client hardware addresses asking for a DHCP lease within " + HORIZON_SECONDS + " s",
                n, minClients);
        double score = Finding.heuristicScore(n, minClients);
        if (score < Finding.REPORT_FLOOR) {
            return;
        }
        String target = lastServer != null ? "the DHCP server " + lastServer : "the LAN's DHCP service (no server answered)";
        // both counts are capped (clients tracked, message groups per window): say so rather than understate
        out.add(new Finding(victim, Role.VICTIM, STARVATION, score, List.of(String.format(
                "DHCP starvation of %s: %s%d distinct clients asked for a lease in the last %d s, %s%d in this window "
                        + "(threshold %d)", target, n >= maxTracked ? "at least " : "", n, HORIZON_SECONDS,
                askingNow >= org.argus.flow.FlowWindow.MAX_ARP ? "at least " : "", askingNow, minClients)), List.of()));
        starvation.found();
    }
}
