package org.argus.enforce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /**
     * @param sh    command runner (a namespace prefix in tests)
     * @param chain {@code enforcement.iptables_chain_name}; the table is its lower-case form with '-' as '_'
     */
    public NftBackend(Commands sh, String chain) {
        this(sh, chain, Topology.NONE);
    }

    /**
     * @param topology where the sensor sits: on a bridge (inline), a second table of the same name in the
     *                 {@code bridge} family holds the same sets, so bridged frames are dropped on the bridge itself
     *                 whether or not {@code br_netfilter} passes them to the IP hooks
     */
    public NftBackend(Commands sh, String chain, Topology topology) {
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
        if (sh.run(null, "nft", "list", "table", family, table).exit() == 0) {
            if (sh.run(null, "nft", "list", "set", family, table, "intel4").exit() == 0) {
                return;
            }
            // a table from a version without the feed sets: made again (the enforcer reconciles the bans next)
            sh.must(null, "nft", "delete", "table", family, table);
        }
        String match = "ip saddr @v4 drop; ip saddr @v4net drop; ip6 saddr @v6 drop; ip6 saddr @v6net drop; "
                + "ip saddr @intel4 drop; ip6 saddr @intel6 drop;";
        // "filter" is priority 0 in the inet family and -200 (before the bridge decides) in the bridge family
        String script = "table " + family + " " + table + " {\n"
                + "  set v4 { type ipv4_addr; }\n"
                + "  set v4net { type ipv4_addr; flags interval; }\n"
                + "  set v6 { type ipv6_addr; }\n"
                + "  set v6net { type ipv6_addr; flags interval; }\n"
                + "  set intel4 { type ipv4_addr; flags interval; auto-merge; }\n"
                + "  set intel6 { type ipv6_addr; flags interval; auto-merge; }\n"
                + "  chain input { type filter hook input priority filter - 10; policy accept; " + match + " }\n"
                + "  chain forward { type filter hook forward priority filter - 10; policy accept; " + match + " }\n"
                + "}\n";
        sh.must(script, "nft", "-f", "-");
    }

    private static String setOf(BanTarget t) {
        return (t.v6() ? "v6" : "v4") + (t.single() ? "" : "net");
    }

    @Override
    public void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException {
        if (add.isEmpty() && remove.isEmpty()) {
            return;
        }
        Set<BanTarget> present = remove.isEmpty() ? Set.of() : members();
        List<String> lines = new ArrayList<>();
        for (String family : families) {
            for (BanTarget t : remove) {
                if (present.contains(t)) {
                    lines.add("delete element " + family + " " + table + " " + setOf(t) + " { " + t + " }\n");
                }
            }
            for (BanTarget t : add) {
                lines.add("add element " + family + " " + table + " " + setOf(t) + " { " + t + " }\n");
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

    @Override
    public Set<BanTarget> members() throws EnforcementException {
        Set<BanTarget> out = new LinkedHashSet<>();
        for (String set : List.of("v4", "v4net", "v6", "v6net")) {
            Commands.Result r = sh.run(null, "nft", "list", "set", "inet", table, set);
            if (r.exit() != 0) {
                continue;
            }
            Matcher m = ELEMENTS.matcher(r.out());
            if (m.find()) {
                for (String e : m.group(1).split(",")) {
                    if (!e.isBlank()) {
                        out.add(BanTarget.parseCidr(e.strip()));
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
