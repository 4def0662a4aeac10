package org.argus.enforce;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.argus.blacklist.Action;
import org.argus.blacklist.BanTarget;

/**
 * A kernel firewall that holds the bans: a chain (or table) with DROP rules matching two address sets (IPv4, IPv6),
 * so a ban is a set member, not a rule. Implementations run commands as argument lists with exit codes checked; they
 * are blocking and not thread-safe except {@link #removeAll()}, which an emergency stop may call from its own thread
 * while the enforcement worker is busy (every step is idempotent, so the two can overlap harmlessly).
 */
public interface Firewall {
    /** Short name for logs and {@code /status} ({@code ipset}, {@code nftables}). */
    String name();

    /**
     * Creates the sets, chains, rules and hooks when missing (idempotent).
     *
     * @throws EnforcementException naming the command that failed
     */
    void install() throws EnforcementException;

    /**
     * Adds and removes set members, as one atomic batch when possible; when the batch is refused, each change is
     * tried alone so one bad entry cannot hold back the others.
     *
     * @throws EnforcementException listing the changes that still failed
     */
    void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException;

    /**
     * Replaces the members of the threat-feed sets ({@code intel.block_listed}) with these blocks, atomically (a packet
     * meets the old list or the new one, never an empty one in between). Separate from the ban sets: hundreds of
     * thousands of feed entries are never rows of the blacklist. Requires {@link #install()}.
     *
     * @throws EnforcementException naming what the kernel refused
     */
    default void replaceListed(Collection<BanTarget> blocks) throws EnforcementException {
        throw new EnforcementException(name() + " cannot block feed entries");
    }

    /**
     * Where this backend enforces, for {@code /status} (e.g. {@code nftables inet input+forward},
     * {@code xdp native on eth0}).
     */
    default String hook() {
        return name();
    }

    /** Packets dropped per ban member since it entered the kernel, where the backend counts per entry (else empty). */
    default java.util.Map<BanTarget, Long> dropped() throws EnforcementException {
        return java.util.Map.of();
    }

    /** Whole-backend packet counters by name, where the backend keeps them (else empty). */
    default java.util.Map<String, Long> totals() throws EnforcementException {
        return java.util.Map.of();
    }

    /**
     * The destinations a quarantined device may still reach: {@code reachable} (gateways, DNS servers, the sensor's
     * own addresses) plus broadcast, multicast and IPv6 link-local ones (DHCP, IPv6 neighbour discovery).
     */
    static List<BanTarget> quarantineReachable(List<BanTarget> reachable) {
        List<BanTarget> out = new java.util.ArrayList<>();
        for (String always : List.of("255.255.255.255", "224.0.0.0/4", "fe80::/10", "ff00::/8")) {
            out.add(BanTarget.parseCidr(always));
        }
        out.addAll(reachable);
        return out;
    }

    /** The actions this backend can put in force ({@link Action#BAN} only unless it says more). */
    default Set<Action> actions() {
        return Set.of(Action.BAN);
    }

    /**
     * Puts each target under its action (moving it out of another action's set where it was) and withdraws the
     * others, as one batch when possible. The default serves backends that only ban.
     *
     * @throws EnforcementException listing the changes that failed
     */
    default void change(Map<BanTarget, Action> put, Collection<BanTarget> remove) throws EnforcementException {
        for (Action a : put.values()) {
            if (a != Action.BAN) {
                throw new EnforcementException(name() + " cannot " + a.text().replace('_', ' '));
            }
        }
        apply(put.keySet(), remove);
    }

    /** Every target in the kernel now with its action (empty when not installed). */
    default Map<BanTarget, Action> state() throws EnforcementException {
        Map<BanTarget, Action> out = new java.util.LinkedHashMap<>();
        members().forEach(t -> out.put(t, Action.BAN));
        return out;
    }

    /** Members of the sets now (empty when not installed). */
    Set<BanTarget> members() throws EnforcementException;

    /** Removes every rule, chain, table and set of ours; idempotent; tries every step before reporting failures. */
    void removeAll() throws EnforcementException;
}
