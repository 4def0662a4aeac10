package org.argus.enforce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.argus.blacklist.BanTarget;

/**
 * iptables + ipset: the banned addresses live in two {@code hash:net} sets ({@code <chain>-v4}, {@code <chain>-v6}),
 * one chain per family ({@code AEGIS-DROP} by default) holds one DROP rule per set, and the chain is jumped to from
 * INPUT and FORWARD — so 100 000 bans cost two rules and a hash lookup. Set changes go in one {@code ipset restore}
 * batch (atomic per batch); every command is an argument list with its exit code checked. Blocking and not
 * thread-safe: the enforcement worker is its only caller.
 */
public final class IpsetBackend implements Firewall {
    private final Commands sh;
    private final String chain;
    private final String set4;
    private final String set6;

    /**
     * @param sh    command runner (a namespace prefix in tests)
     * @param chain chain name ({@code enforcement.iptables_chain_name}); sets are named after it
     */
    public IpsetBackend(Commands sh, String chain) {
        this.sh = sh;
        this.chain = chain;
        this.set4 = chain + "-v4";
        this.set6 = chain + "-v6";
    }

    @Override
    public String name() {
        return "ipset";
    }

    /** Creates sets, chains, rules and jumps when missing (idempotent). */
    @Override
    public void install() throws EnforcementException {
        sh.must(null, "ipset", "create", set4, "hash:net", "family", "inet", "maxelem", "1048576", "-exist");
        sh.must(null, "ipset", "create", set6, "hash:net", "family", "inet6", "maxelem", "1048576", "-exist");
        for (String[] fam : new String[][] {{"iptables", set4}, {"ip6tables", set6}}) {
            String tool = fam[0];
            if (sh.run(null, tool, "-w", "-n", "-L", chain).exit() != 0) {
                sh.must(null, tool, "-w", "-N", chain);
            }
            if (sh.run(null, tool, "-w", "-C", chain, "-m", "set", "--match-set", fam[1], "src", "-j", "DROP").exit() != 0) {
                sh.must(null, tool, "-w", "-A", chain, "-m", "set", "--match-set", fam[1], "src", "-j", "DROP");
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
        for (String set : List.of(set4, set6)) {
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
