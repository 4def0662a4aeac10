package org.argus.enforce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

    /**
     * @param sh    command runner (a namespace prefix in tests)
     * @param chain chain name ({@code enforcement.iptables_chain_name}); sets are named after it
     */
    public IpsetBackend(Commands sh, String chain) {
        this(sh, chain, Topology.NONE);
    }

    /**
     * @param topology where the sensor sits: on a bridge, bridged frames meet these rules only through
     *                 {@code br_netfilter}, and {@link #hook()} says when it is off
     */
    public IpsetBackend(Commands sh, String chain, Topology topology) {
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

    /** Creates sets, chains, rules and jumps when missing (idempotent). */
    @Override
    public void install() throws EnforcementException {
        sh.must(null, "ipset", "create", set4, "hash:net", "family", "inet", "maxelem", "1048576", "-exist");
        sh.must(null, "ipset", "create", set6, "hash:net", "family", "inet6", "maxelem", "1048576", "-exist");
        sh.must(null, "ipset", "create", intel4, "hash:net", "family", "inet", "maxelem", "65536", "-exist");
        sh.must(null, "ipset", "create", intel6, "hash:net", "family", "inet6", "maxelem", "65536", "-exist");
        for (String[] fam : new String[][] {{"iptables", set4, intel4}, {"ip6tables", set6, intel6}}) {
            String tool = fam[0];
            if (sh.run(null, tool, "-w", "-n", "-L", chain).exit() != 0) {
                sh.must(null, tool, "-w", "-N", chain);
            }
            for (String set : new String[] {fam[1], fam[2]}) {
                if (sh.run(null, tool, "-w", "-C", chain, "-m", "set", "--match-set", set, "src", "-j", "DROP").exit() != 0) {
                    sh.must(null, tool, "-w", "-A", chain, "-m", "set", "--match-set", set, "src", "-j", "DROP");
                }
            }
            for (String hook : new String[] {"INPUT", "FORWARD"}) {
                if (sh.run(null, tool, "-w", "-C", hook, "-j", chain).exit() != 0) {
                    sh.must(null, tool, "-w", "-I", hook, "1", "-j", chain);
                }
            }
        }
    }

    /** Adds and removes set members in one {@code ipset restore} batch (one by one if the batch is refused). */
    @Override
    public void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException {
        if (add.isEmpty() && remove.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        for (BanTarget t : remove) {
            lines.add("del " + (t.v6() ? set6 : set4) + " " + t + " -exist\n");
        }
        for (BanTarget t : add) {
            lines.add("add " + (t.v6() ? set6 : set4) + " " + t + " -exist\n");
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

    /** The members of both sets now (empty when the sets do not exist). */
    @Override
    public Set<BanTarget> members() throws EnforcementException {
        Set<BanTarget> out = new LinkedHashSet<>();
        for (String set : List.of(set4, set6)) {
            Commands.Result r = sh.run(null, "ipset", "save", set);
            if (r.exit() != 0) {
                continue;
            }
            for (String line : r.out().split("\n")) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 3 && w[0].equals("add")) {
                    out.add(BanTarget.parseCidr(w[2]));
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
        for (String set : List.of(set4, set6, intel4, intel6, chain + "-t4", chain + "-t6")) {
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
