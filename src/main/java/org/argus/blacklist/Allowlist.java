package org.argus.blacklist;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.argus.flow.IpAddress;

/**
 * Addresses Argus must never block, each with why: loopback, the sensor's own addresses, its default gateways
 * (IPv4 {@code /proc/net/route}, IPv6 {@code /proc/net/ipv6_route}), its DNS servers ({@code /etc/resolv.conf}),
 * configured CIDRs, and — added at run time — the addresses of clients of the control endpoint. A ban is refused
 * when its target overlaps any of them (a CIDR that contains the gateway included). Thread-safe.
 */
public final class Allowlist {
    private final Map<BanTarget, String> fixed;
    private final Map<BanTarget, String> dynamic = new ConcurrentHashMap<>();
    /** Entries that end: an operator's false-positive feedback ({@link #allowUntil}). */
    private final Map<BanTarget, Expiring> expiring = new ConcurrentHashMap<>();
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();

    /** An entry with an end. */
    private record Expiring(String why, java.time.Instant until) {
    }

    private Allowlist(Map<BanTarget, String> fixed) {
        this.fixed = Collections.unmodifiableMap(fixed);
    }

    /** Exactly these CIDRs, with their reasons, and nothing discovered (tests and tools on another host's behalf). */
    public static Allowlist of(Map<String, String> entries) {
        Map<BanTarget, String> m = new LinkedHashMap<>();
        entries.forEach((cidr, why) -> m.put(BanTarget.parseCidr(cidr), why));
        return new Allowlist(m);
    }

    /**
     * Discovers the host's own addresses, gateways and resolvers, plus the configured CIDRs.
     *
     * @param configured CIDRs or addresses from the configuration
     * @param procNet    {@code /proc/net} (a test can point elsewhere)
     * @param resolvConf {@code /etc/resolv.conf}
     * @throws IllegalArgumentException naming a configured entry that does not parse
     */
    public static Allowlist discover(List<String> configured, Path procNet, Path resolvConf) {
        Map<BanTarget, String> m = new LinkedHashMap<>();
        m.put(BanTarget.parseCidr("127.0.0.0/8"), "loopback");
        m.put(BanTarget.parseCidr("::1"), "loopback");
        m.put(BanTarget.parseCidr("::/128"), "unspecified address");
        m.put(BanTarget.parseCidr("0.0.0.0/32"), "unspecified address");
        for (String c : configured) {
            m.put(BanTarget.parseCidr(c), "configured allowlist " + c);
        }
        ownAddresses().forEach(a -> m.putIfAbsent(BanTarget.of(a), OWN));
        gateways(procNet).forEach(a -> m.putIfAbsent(BanTarget.of(a), GATEWAY));
        resolvers(resolvConf).forEach(a -> m.putIfAbsent(BanTarget.of(a), DNS));
        return new Allowlist(m);
    }

    /**
     * {@link #discover} plus the cluster's members ({@code cluster.members}, {@code host} or {@code host:port}; only
     * address literals count, names are skipped): a sensor never blocks another sensor of its cluster.
     */
    public static Allowlist discover(List<String> configured, List<String> clusterMembers, Path procNet, Path resolvConf) {
        Allowlist base = discover(configured, procNet, resolvConf);
        Map<BanTarget, String> m = new LinkedHashMap<>(base.fixed);
        for (String member : clusterMembers) {
            String host = member.startsWith("[") ? member.substring(1, Math.max(1, member.indexOf(']')))
                    : member.indexOf(':') == member.lastIndexOf(':') && member.contains(":") ? member.substring(0, member.indexOf(':')) : member;
            try {
                m.putIfAbsent(BanTarget.parseCidr(host), "cluster member " + member);
            } catch (IllegalArgumentException notAnAddress) {
                // a host name: resolved by Hazelcast, not pinned here
            }
        }
        return new Allowlist(m);
    }

    /** Allows one more address for as long as the sensor runs (a control client). */
    public void allow(IpAddress a, String why) {
        dynamic.putIfAbsent(BanTarget.of(a), why);
    }

    /** The clock expiring entries are read against (a test's fake clock). */
    public Allowlist clock(java.time.Clock c) {
        this.clock = c;
        return this;
    }

    /**
     * Allows a target until {@code until} (an operator's false-positive feedback): a ban overlapping it is refused
     * until then, with {@code why} as the reason. A later call for the same target replaces the end.
     */
    public void allowUntil(BanTarget target, String why, java.time.Instant until) {
        expiring.put(target, new Expiring(why, until));
    }

    /** The expiring entries still in force, with their ends. */
    public Map<BanTarget, java.time.Instant> expiringEntries() {
        java.time.Instant now = clock.instant();
        Map<BanTarget, java.time.Instant> out = new LinkedHashMap<>();
        expiring.forEach((t, e) -> {
            if (e.until().isAfter(now)) {
                out.put(t, e.until());
            }
        });
        return out;
    }

    /** Why a ban on {@code target} must be refused, or empty when it may proceed. */
    public Optional<String> refusal(BanTarget target) {
        java.time.Instant now = clock.instant();
        for (var e : expiring.entrySet()) {
            if (!e.getValue().until().isAfter(now)) {
                expiring.remove(e.getKey(), e.getValue());
            } else if (e.getKey().overlaps(target)) {
                return Optional.of(target + " is allowlisted until " + e.getValue().until() + ": " + e.getValue().why());
            }
        }
        for (Map<BanTarget, String> m : List.of(fixed, dynamic)) {
            for (var e : m.entrySet()) {
                if (e.getKey().overlaps(target)) {
                    return Optional.of(target + " is allowlisted: " + e.getValue()
                            + (e.getKey().equals(target) ? "" : " (" + e.getKey() + ")"));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * What a quarantined device may still reach: the sensor's own addresses, its default gateways and its DNS
     * servers (the discovered entries; configured CIDRs and loopback are not destinations a device needs).
     */
    public List<BanTarget> infrastructure() {
        List<BanTarget> out = new ArrayList<>();
        fixed.forEach((t, why) -> {
            if (why.equals(OWN) || why.equals(GATEWAY) || why.equals(DNS)) {
                out.add(t);
            }
        });
        return out;
    }

    private static final String OWN = "this sensor's own address", GATEWAY = "default gateway", DNS = "DNS server";

    /** Every entry with its reason (for {@code /status}). */
    public Map<String, String> entries() {
        Map<String, String> out = new LinkedHashMap<>();
        fixed.forEach((k, v) -> out.put(k.toString(), v));
        dynamic.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    static List<IpAddress> ownAddresses() {
        List<IpAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    out.add(IpAddress.of(a.getAddress()));
                }
            }
        } catch (SocketException e) {
            // no interfaces readable: loopback and configured entries still hold
        }
        return out;
    }

    /** Default gateways from {@code route} (IPv4, little-endian hex) and {@code ipv6_route}. */
    static List<IpAddress> gateways(Path procNet) {
        List<IpAddress> out = new ArrayList<>();
        for (String line : lines(procNet.resolve("route"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 7 && f[1].equals("00000000") && f[7].equals("00000000") && !f[2].equals("00000000")) {
                long le = Long.parseLong(f[2], 16);
                int be = Integer.reverseBytes((int) le);
                out.add(IpAddress.v4(be));
            }
        }
        for (String line : lines(procNet.resolve("ipv6_route"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 4 && f[0].equals("0".repeat(32)) && f[1].equals("00") && !f[4].equals("0".repeat(32))) {
                out.add(IpAddress.v6(Long.parseUnsignedLong(f[4].substring(0, 16), 16), Long.parseUnsignedLong(f[4].substring(16), 16)));
            }
        }
        return out;
    }

    /** {@code nameserver} lines of a resolv.conf. */
    static List<IpAddress> resolvers(Path resolvConf) {
        List<IpAddress> out = new ArrayList<>();
        for (String line : lines(resolvConf)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                try {
                    out.add(IpAddress.parse(f[1].replaceAll("%.*$", "")));
                } catch (RuntimeException e) {
                    // not an address: skip
                }
            }
        }
        return out;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }
}
