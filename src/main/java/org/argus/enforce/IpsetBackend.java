package org.argus.enforce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.argus.blacklist.Action;
import org.argus.blacklist.BanTarget;

/**
 * iptables + ipset: the banned addresses live in two {@code hash:net} sets ({@code <chain>-v4}, {@code <chain>-v6}),
 * threat-feed entries ({@code intel.block_listed}) in two more ({@code <chain>-i4}, {@code <chain>-i6}), one chain
 * per family ({@code AEGIS-DROP} by default) holds one DROP rule per set, and the chain is jumped to from
 * INPUT and FORWARD — so 100 000 bans cost two rules and a hash lookup. Set changes go in one {@code ipset restore}
 * batch (atomic per batch); every command is an argument list with its exit code checked. Blocking and not
 * thread-safe: the enforcement worker is its only caller.
 */
public final class IpsetBackend implements Firewall {
    private final Commands sh;
    private final String chain;
    private final String set4;
    private final String set6;
    private final String intel4;
    private final String intel6;
    private final Topology topology;
    private final EnforcementSettings.RateLimit rateLimit;
    private final List<BanTarget> reachable;

    /**
     * @param sh    command runner (a namespace prefix in tests)
     * @param chain chain name ({@code enforcement.iptables_chain_name}); sets are named after it
     */
    public IpsetBackend(Commands sh, String chain) {
        this(sh, chain, Topology.NONE, EnforcementSettings.RateLimit.DEFAULT, List.of());
    }

    /**
     * @param topology  where the sensor sits: on a bridge, bridged frames meet these rules only through
     *                  {@code br_netfilter}, and {@link #hook()} says when it is off
     * @param rateLimit what a rate-limited source may send ({@code hashlimit} per source address)
     * @param reachable what a quarantined device may still reach (gateways, DNS servers, the sensor's own addresses);
     *                  broadcast, multicast and IPv6 link-local destinations are added
     */
    public IpsetBackend(Commands sh, String chain, Topology topology, EnforcementSettings.RateLimit rateLimit, List<BanTarget> reachable) {
        this.rateLimit = rateLimit;
        this.reachable = List.copyOf(reachable);
        this.topology = topology;
        this.sh = sh;
        this.chain = chain;
        this.set4 = chain + "-v4";
        this.set6 = chain + "-v6";
        this.intel4 = chain + "-i4";
        this.intel6 = chain + "-i6";
    }

    @Override
    public String name() {
        return "ipset";
    }

    @Override
    public String hook() {
        String base = "iptables INPUT+FORWARD -> " + chain;
        if (!topology.bridged()) {
            return base;
        }
        return topology.brNetfilter() ? base + " (bridged traffic on " + topology.bridge() + " through br_netfilter)"
                : base + "; bridged traffic on " + topology.bridge() + " is NOT enforced: br_netfilter is off (modprobe br_netfilter; "
                        + "sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1), or use backend nftables";
    }

    private String setOf(BanTarget t, Action a) {
        return setName(a, t.v6());
    }

    /** {@code <chain>-v4/-v6} (bans), {@code -r4/-r6} (rate limits), {@code -q4/-q6} (quarantines). */
    private String setName(Action a, boolean v6) {
        return switch (a) {
            case BAN -> v6 ? set6 : set4;
            case RATE_LIMIT -> chain + (v6 ? "-r6" : "-r4");
            case QUARANTINE -> chain + (v6 ? "-q6" : "-q4");
        };
    }

    /** Ban, rate limit ({@code hashlimit} per source) and quarantine (only the reachable destinations pass). */
    @Override
    public Set<Action> actions() {
        return java.util.EnumSet.allOf(Action.class);
    }

    /** Creates sets, chains, rules and jumps when missing (idempotent). */
    @Override
    public void install() throws EnforcementException {
        sh.must(null, "ipset", "create", set4, "hash:net", "family", "inet", "maxelem", "1048576", "-exist");
        sh.must(null, "ipset", "create", set6, "hash:net", "family", "inet6", "maxelem", "1048576", "-exist");
        sh.must(null, "ipset", "create", intel4, "hash:net", "family", "inet", "maxelem", "65536", "-exist");
        sh.must(null, "ipset", "create", intel6, "hash:net", "family", "inet6", "maxelem", "65536", "-exist");
        StringBuilder reach = new StringBuilder();
        for (String v : new String[] {"4", "6"}) {
            for (String kind : new String[] {"-r", "-q", "-a"}) {
                sh.must(null, "ipset", "create", chain + kind + v, "hash:net", "family", v.equals("4") ? "inet" : "inet6", "maxelem", "65536", "-exist");
            }
        }
        for (BanTarget t : Firewall.quarantineReachable(reachable)) {
            reach.append("add ").append(chain).append(t.v6() ? "-a6 " : "-a4 ").append(t).append(" -exist\n");
        }
        sh.must(reach.toString(), "ipset", "restore", "-exist");
        for (String[] fam : new String[][] {{"iptables", set4, intel4, "4"}, {"ip6tables", set6, intel6, "6"}}) {
            String tool = fam[0], v = fam[3];
            if (sh.run(null, tool, "-w", "-n", "-L", chain).exit() != 0) {
                sh.must(null, tool, "-w", "-N", chain);
            }
            List<List<String>> rules = new ArrayList<>();
            for (String set : new String[] {fam[1], fam[2]}) {
                rules.add(List.of("-m", "set", "--match-set", set, "src", "-j", "DROP"));
            }
            rules.add(List.of("-m", "set", "--match-set", chain + "-r" + v, "src", "-m", "hashlimit", "--hashlimit-above",
                    rateLimit.pps() + "/sec", "--hashlimit-burst", Integer.toString(rateLimit.burst()), "--hashlimit-mode", "srcip",
                    "--hashlimit-name", "argus-rl" + v, "-j", "DROP"));
            rules.add(List.of("-m", "set", "--match-set", chain + "-q" + v, "src", "-m", "set", "!", "--match-set", chain + "-a" + v, "dst", "-j", "DROP"));
            // a rate-limit rule with other numbers (rate_limit_pps or _burst changed): removed, the right one added below
            for (String line : sh.must(null, tool, "-w", "-S", chain).out().split("\n")) {
                if (line.startsWith("-A " + chain + " ") && line.contains("--hashlimit-name argus-rl" + v)
                        && !(line.contains("--hashlimit-above " + rateLimit.pps() + "/sec") && line.contains("--hashlimit-burst " + rateLimit.burst() + " "))) {
                    List<String> delete = new ArrayList<>(List.of(tool, "-w", "-D"));
                    delete.addAll(List.of(line.substring(3).trim().split("\\s+")));
                    sh.must(null, delete.toArray(String[]::new));
                }
            }
            for (List<String> rule : rules) {
                List<String> check = new ArrayList<>(List.of(tool, "-w", "-C", chain));
                check.addAll(rule);
                if (sh.run(null, check.toArray(String[]::new)).exit() != 0) {
                    check.set(2, "-A");
                    sh.must(null, check.toArray(String[]::new));
                }
            }
            for (String hook : new String[] {"INPUT", "FORWARD"}) {
                if (sh.run(null, tool, "-w", "-C", hook, "-j", chain).exit() != 0) {
                    sh.must(null, tool, "-w", "-I", hook, "1", "-j", chain);
                }
            }
        }
    }

    /** Adds and removes ban set members in one {@code ipset restore} batch (one by one if the batch is refused). */
    @Override
    public void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException {
        List<String> lines = new ArrayList<>();
        for (BanTarget t : remove) {
            lines.add("del " + setOf(t, Action.BAN) + " " + t + " -exist\n");
        }
        for (BanTarget t : add) {
            lines.add("add " + setOf(t, Action.BAN) + " " + t + " -exist\n");
        }
        restore(lines);
    }

    /**
     * Each target into its action's set and out of the other two, withdrawn ones out of all three, as one
     * {@code ipset restore} ({@code del … -exist} needs no look at what is there).
     */
    @Override
    public void change(java.util.Map<BanTarget, Action> put, Collection<BanTarget> remove) throws EnforcementException {
        List<String> lines = new ArrayList<>();
        for (BanTarget t : remove) {
            for (Action a : Action.values()) {
                lines.add("del " + setOf(t, a) + " " + t + " -exist\n");
            }
        }
        for (var e : put.entrySet()) {
            for (Action a : Action.values()) {
                if (a != e.getValue()) {
                    lines.add("del " + setOf(e.getKey(), a) + " " + e.getKey() + " -exist\n");
                }
            }
            lines.add("add " + setOf(e.getKey(), e.getValue()) + " " + e.getKey() + " -exist\n");
        }
        restore(lines);
    }

    private void restore(List<String> lines) throws EnforcementException {
        if (lines.isEmpty()) {
            return;
        }
        if (sh.run(String.join("", lines), "ipset", "restore", "-exist").exit() == 0) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            Commands.Result r = sh.run(line, "ipset", "restore", "-exist");
            if (r.exit() != 0) {
                failures.add(line.strip() + ": " + r.err().strip());
            }
        }
        if (!failures.isEmpty()) {
            throw new EnforcementException("ipset refused " + failures.size() + " change(s): " + String.join("; ", failures));
        }
    }

    /**
     * Fills a new set per family ({@code <chain>-t4}/{@code -t6}, sized for the blocks) with one {@code ipset restore}
     * and swaps it with the live feed set ({@code ipset swap}: atomic), then destroys the old contents.
     */
    @Override
    public void replaceListed(Collection<BanTarget> blocks) throws EnforcementException {
        for (boolean v6 : new boolean[] {false, true}) {
            String live = v6 ? intel6 : intel4, fresh = chain + (v6 ? "-t6" : "-t4");
            StringBuilder restore = new StringBuilder();
            int n = 0;
            for (BanTarget b : blocks) {
                if (b.v6() == v6) {
                    restore.append("add ").append(fresh).append(' ').append(b).append(" -exist\n");
                    n++;
                }
            }
            sh.run(null, "ipset", "destroy", fresh); // a leftover of an interrupted swap
            sh.must(null, "ipset", "create", fresh, "hash:net", "family", v6 ? "inet6" : "inet", "maxelem",
                    Integer.toString(Math.max(65_536, Integer.highestOneBit(Math.max(1, n)) * 2)));
            try {
                if (n > 0) {
                    sh.must(restore.toString(), "ipset", "restore", "-exist");
                }
                sh.must(null, "ipset", "swap", fresh, live);
            } finally {
                sh.run(null, "ipset", "destroy", fresh);
            }
        }
    }

    /** The members of both ban sets now (empty when the sets do not exist). */
    @Override
    public Set<BanTarget> members() throws EnforcementException {
        return read(List.of(set4, set6)).keySet();
    }

    @Override
    public java.util.Map<BanTarget, Action> state() throws EnforcementException {
        java.util.Map<BanTarget, Action> out = new java.util.LinkedHashMap<>();
        for (Action a : Action.values()) {
            read(List.of(setName(a, false), setName(a, true))).keySet().forEach(t -> out.put(t, a));
        }
        return out;
    }

    private java.util.Map<BanTarget, Boolean> read(List<String> sets) throws EnforcementException {
        java.util.Map<BanTarget, Boolean> out = new java.util.LinkedHashMap<>();
        for (String set : sets) {
            Commands.Result r = sh.run(null, "ipset", "save", set);
            if (r.exit() != 0) {
                continue;
            }
            for (String line : r.out().split("\n")) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 3 && w[0].equals("add")) {
                    out.put(BanTarget.parseCidr(w[2]), true);
                }
            }
        }
        return out;
    }

    /** Whether the chain is installed (IPv4 side). */
    public boolean installed() throws EnforcementException {
        return sh.run(null, "iptables", "-w", "-n", "-L", chain).exit() == 0;
    }

    /**
     * Removes every Argus rule, chain and set (emergency stop, uninstall, clean stop with removal). Idempotent:
     * what is already gone is skipped; failures of individual steps are collected and reported at the end after
     * trying every step.
     */
    @Override
    public void removeAll() throws EnforcementException {
        List<String> failures = new ArrayList<>();
        for (String[] fam : new String[][] {{"iptables"}, {"ip6tables"}}) {
            String tool = fam[0];
            for (String hook : new String[] {"INPUT", "FORWARD"}) {
                while (sh.run(null, tool, "-w", "-C", hook, "-j", chain).exit() == 0) {
                    Commands.Result r = sh.run(null, tool, "-w", "-D", hook, "-j", chain);
                    if (r.exit() != 0) {
                        failures.add(tool + " -D " + hook + ": " + r.err().strip());
                        break;
                    }
                }
            }
            if (sh.run(null, tool, "-w", "-n", "-L", chain).exit() == 0) {
                note(failures, sh.run(null, tool, "-w", "-F", chain), tool + " -F " + chain);
                note(failures, sh.run(null, tool, "-w", "-X", chain), tool + " -X " + chain);
            }
        }
        for (String set : List.of(set4, set6, intel4, intel6, chain + "-t4", chain + "-t6", chain + "-r4", chain + "-r6",
                chain + "-q4", chain + "-q6", chain + "-a4", chain + "-a6")) {
            if (sh.run(null, "ipset", "list", "-n", set).exit() == 0) {
                note(failures, sh.run(null, "ipset", "destroy", set), "ipset destroy " + set);
            }
        }
        if (!failures.isEmpty()) {
            throw new EnforcementException("could not remove everything: " + String.join("; ", failures));
        }
    }

    private static void note(List<String> failures, Commands.Result r, String what) {
        if (r.exit() != 0) {
            failures.add(what + ": " + r.err().strip());
        }
    }
}
