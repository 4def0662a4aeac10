package org.argus.enforce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.argus.blacklist.Action;
import org.argus.blacklist.BanTarget;

/**
 * nftables: one {@code inet} table (and on a bridge a {@code bridge} one, see {@link Topology}) named after the chain ({@code AEGIS-DROP} → {@code aegis_drop}) with four ban sets —
 * {@code v4}/{@code v6} (hash sets of single addresses) and {@code v4net}/{@code v6net} (interval sets for CIDR bans,
 * which nftables requires for prefixes) — two threat-feed sets {@code intel4}/{@code intel6} (interval sets with
 * auto-merge, {@code intel.block_listed}), and two base chains, {@code input} and {@code forward}, hooked at priority
 * {@code filter - 10} so they see packets before the usual filter chains. Changes go through {@code nft -f -}, which
 * applies a whole script as one transaction. Deleting an element that is not there is an error in nftables 1.0.6
 * (Debian 12), so removals are limited to current members. Blocking; the enforcement worker is its caller.
 */
public final class NftBackend implements Firewall {
    private static final Pattern ELEMENTS = Pattern.compile("elements = \\{([^}]*)}", Pattern.DOTALL);

    private final Commands sh;
    private final String table;
    private final Topology topology;
    private final List<String> families;
    private final EnforcementSettings.RateLimit rateLimit;
    private final List<BanTarget> reachable;
    // a rate limit or quarantine was seen: changes must look where a target is before moving it
    private volatile boolean softSeen;

    /**
     * @param sh    command runner (a namespace prefix in tests)
     * @param chain {@code enforcement.iptables_chain_name}; the table is its lower-case form with '-' as '_'
     */
    public NftBackend(Commands sh, String chain) {
        this(sh, chain, Topology.NONE, EnforcementSettings.RateLimit.DEFAULT, List.of());
    }

    /**
     * @param topology  where the sensor sits: on a bridge (inline), a second table of the same name in the
     *                  {@code bridge} family holds the same sets, so bridged frames are dropped on the bridge itself
     *                  whether or not {@code br_netfilter} passes them to the IP hooks
     * @param rateLimit what a rate-limited source may send
     * @param reachable what a quarantined device may still reach (gateways, DNS servers, the sensor's own addresses);
     *                  broadcast, multicast and IPv6 link-local destinations are added (DHCP, neighbour discovery)
     */
    public NftBackend(Commands sh, String chain, Topology topology, EnforcementSettings.RateLimit rateLimit, List<BanTarget> reachable) {
        this.rateLimit = rateLimit;
        this.reachable = List.copyOf(reachable);
        this.sh = sh;
        this.table = chain.toLowerCase(Locale.ROOT).replace('-', '_');
        this.topology = topology;
        this.families = topology.bridged() ? List.of("inet", "bridge") : List.of("inet");
    }

    @Override
    public String name() {
        return "nftables";
    }


    @Override
    public String hook() {
        return "nftables inet " + table + " input+forward" + (topology.bridged() ? ", bridge " + table + " input+forward on " + topology.bridge() : "");
    }

    @Override
    public void install() throws EnforcementException {
        for (String family : families) {
            install(family);
        }
    }

    private void install(String family) throws EnforcementException {
        String limit = "limit rate over " + rateLimit.pps() + "/second burst " + rateLimit.burst() + " packets";
        if (sh.run(null, "nft", "list", "table", family, table).exit() == 0) {
            Commands.Result input = sh.run(null, "nft", "list", "chain", family, table, "input");
            if (sh.run(null, "nft", "list", "set", family, table, "q4").exit() == 0 && input.out().contains(limit)) {
                return;
            }
            // a table from a version without the feed or action sets, or with another rate limit: made again (the
            // enforcer reconciles the sets next)
            sh.must(null, "nft", "delete", "table", family, table);
        }
        String match = "ip saddr @v4 drop; ip saddr @v4net drop; ip6 saddr @v6 drop; ip6 saddr @v6net drop; "
                + "ip saddr @intel4 drop; ip6 saddr @intel6 drop; "
                + "ip saddr @rl4 update @rlm4 { ip saddr " + limit + " } drop; "
                + "ip6 saddr @rl6 update @rlm6 { ip6 saddr " + limit + " } drop; "
                + "ip saddr @q4 ip daddr != @qa4 drop; ip6 saddr @q6 ip6 daddr != @qa6 drop;";
        List<String> qa4 = new ArrayList<>(), qa6 = new ArrayList<>();
        for (BanTarget t : Firewall.quarantineReachable(reachable)) {
            (t.v6() ? qa6 : qa4).add(t.toString());
        }
        // "filter" is priority 0 in the inet family and -200 (before the bridge decides) in the bridge family
        String script = "table " + family + " " + table + " {\n"
                + "  set v4 { type ipv4_addr; }\n"
                + "  set v4net { type ipv4_addr; flags interval; }\n"
                + "  set v6 { type ipv6_addr; }\n"
                + "  set v6net { type ipv6_addr; flags interval; }\n"
                + "  set intel4 { type ipv4_addr; flags interval; auto-merge; }\n"
                + "  set intel6 { type ipv6_addr; flags interval; auto-merge; }\n"
                + "  set rl4 { type ipv4_addr; flags interval; }\n"
                + "  set rl6 { type ipv6_addr; flags interval; }\n"
                + "  set rlm4 { type ipv4_addr; flags dynamic; timeout 60s; size 65536; }\n"
                + "  set rlm6 { type ipv6_addr; flags dynamic; timeout 60s; size 65536; }\n"
                + "  set q4 { type ipv4_addr; flags interval; }\n"
                + "  set q6 { type ipv6_addr; flags interval; }\n"
                + "  set qa4 { type ipv4_addr; flags interval; auto-merge; elements = { " + String.join(", ", qa4) + " } }\n"
                + "  set qa6 { type ipv6_addr; flags interval; auto-merge; elements = { " + String.join(", ", qa6) + " } }\n"
                + "  chain input { type filter hook input priority filter - 10; policy accept; " + match + " }\n"
                + "  chain forward { type filter hook forward priority filter - 10; policy accept; " + match + " }\n"
                + "}\n";
        sh.must(script, "nft", "-f", "-");
    }

    private static String setOf(BanTarget t, Action a) {
        return switch (a) {
            case BAN -> (t.v6() ? "v6" : "v4") + (t.single() ? "" : "net");
            case RATE_LIMIT -> t.v6() ? "rl6" : "rl4";
            case QUARANTINE -> t.v6() ? "q6" : "q4";
        };
    }

    /** Ban, rate limit (per-source meter in a dynamic set) and quarantine (only the reachable destinations pass). */
    @Override
    public Set<Action> actions() {
        return java.util.EnumSet.allOf(Action.class);
    }

    @Override
    public void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException {
        Map<BanTarget, Action> put = new LinkedHashMap<>();
        add.forEach(t -> put.put(t, Action.BAN));
        change(put, remove);
    }

    @Override
    public void change(Map<BanTarget, Action> put, Collection<BanTarget> remove) throws EnforcementException {
        if (put.isEmpty() && remove.isEmpty()) {
            return;
        }
        if (put.containsValue(Action.RATE_LIMIT) || put.containsValue(Action.QUARANTINE)) {
            softSeen = true;
        }
        Map<BanTarget, Action> present = remove.isEmpty() && !softSeen ? Map.of() : state();
        List<String> lines = new ArrayList<>();
        for (String family : families) {
            String in = family + " " + table + " ";
            for (BanTarget t : remove) {
                Action was = present.get(t);
                if (was != null) {
                    lines.add("delete element " + in + setOf(t, was) + " { " + t + " }\n");
                }
            }
            for (var e : put.entrySet()) {
                BanTarget t = e.getKey();
                Action was = present.get(t);
                if (was != null && was != e.getValue()) {
                    lines.add("delete element " + in + setOf(t, was) + " { " + t + " }\n");
                }
                if (was != e.getValue()) {
                    lines.add("add element " + in + setOf(t, e.getValue()) + " { " + t + " }\n");
                }
            }
        }
        if (lines.isEmpty() || sh.run(String.join("", lines), "nft", "-f", "-").exit() == 0) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            Commands.Result r = sh.run(line, "nft", "-f", "-");
            if (r.exit() != 0) {
                failures.add(line.strip() + ": " + r.err().strip().replace('\n', ' '));
            }
        }
        if (!failures.isEmpty()) {
            throw new EnforcementException("nft refused " + failures.size() + " change(s): " + String.join("; ", failures));
        }
    }

    /**
     * One {@code nft -f -} transaction: both feed sets flushed, then filled in chunks of {@value #CHUNK} elements
     * (interval sets with auto-merge, so nested and adjacent feed blocks merge instead of conflicting).
     */
    @Override
    public void replaceListed(Collection<BanTarget> blocks) throws EnforcementException {
        StringBuilder script = new StringBuilder();
        for (String family : families) {
            String set = family + " " + table;
            script.append("flush set ").append(set).append(" intel4\nflush set ").append(set).append(" intel6\n");
            for (boolean v6 : new boolean[] {false, true}) {
                List<String> chunk = new ArrayList<>();
                for (BanTarget b : blocks) {
                    if (b.v6() == v6) {
                        chunk.add(b.toString());
                        if (chunk.size() == CHUNK) {
                            element(script, set, v6, chunk);
                        }
                    }
                }
                element(script, set, v6, chunk);
            }
        }
        sh.must(script.toString(), "nft", "-f", "-");
    }

    private static final int CHUNK = 10_000;

    private static void element(StringBuilder script, String set, boolean v6, List<String> chunk) {
        if (!chunk.isEmpty()) {
            script.append("add element ").append(set).append(v6 ? " intel6 { " : " intel4 { ").append(String.join(", ", chunk)).append(" }\n");
            chunk.clear();
        }
    }

    /** The ban sets' members (rate-limited and quarantined sources are in {@link #state()}). */
    @Override
    public Set<BanTarget> members() throws EnforcementException {
        Set<BanTarget> out = new LinkedHashSet<>();
        state().forEach((t, a) -> {
            if (a == Action.BAN) {
                out.add(t);
            }
        });
        return out;
    }

    private static final Map<String, Action> SETS = Map.of("v4", Action.BAN, "v4net", Action.BAN, "v6", Action.BAN, "v6net", Action.BAN,
            "rl4", Action.RATE_LIMIT, "rl6", Action.RATE_LIMIT, "q4", Action.QUARANTINE, "q6", Action.QUARANTINE);

    @Override
    public Map<BanTarget, Action> state() throws EnforcementException {
        Map<BanTarget, Action> out = new LinkedHashMap<>();
        for (String set : List.of("v4", "v4net", "v6", "v6net", "rl4", "rl6", "q4", "q6")) {
            Commands.Result r = sh.run(null, "nft", "list", "set", "inet", table, set);
            if (r.exit() != 0) {
                continue;
            }
            Matcher m = ELEMENTS.matcher(r.out());
            if (m.find()) {
                for (String e : m.group(1).split(",")) {
                    if (!e.isBlank()) {
                        out.put(BanTarget.parseCidr(e.strip()), SETS.get(set));
                        if (SETS.get(set) != Action.BAN) {
                            softSeen = true;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Removes the {@code inet} table and, whatever the topology now, a {@code bridge} one of the same name. */
    @Override
    public void removeAll() throws EnforcementException {
        List<String> errors = new ArrayList<>();
        for (String family : List.of("inet", "bridge")) {
            if (sh.run(null, "nft", "list", "table", family, table).exit() != 0) {
                continue;
            }
            Commands.Result r = sh.run(null, "nft", "delete", "table", family, table);
            if (r.exit() != 0 && sh.run(null, "nft", "list", "table", family, table).exit() == 0) {
                errors.add("nft delete table " + family + " " + table + " exited " + r.exit() + ": " + r.err().strip());
            }
        }
        if (!errors.isEmpty()) {
            throw new EnforcementException(String.join("; ", errors));
        }
    }
}
