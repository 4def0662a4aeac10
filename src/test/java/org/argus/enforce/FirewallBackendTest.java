package org.argus.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Set;
import org.argus.blacklist.BanTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both backends (iptables + ipset, nftables) against the real kernel, inside two network namespaces the test creates and deletes (the
 * host's firewall is never touched): a banned address's packets are dropped (rule counters, and hping3 gets no
 * answer); removing everything restores traffic; twice is harmless.
 */
class FirewallBackendTest {
    private final String nsA = "argus-ut-a-" + ProcessHandle.current().pid();
    private final String nsB = "argus-ut-b-" + ProcessHandle.current().pid();
    private final Commands host = new Commands(List.of(), 10_000);
    private Commands inA;

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : new String[] {"ip", "ipset", "iptables", "nft", "hping3"}) {
            assumeTrue(host.run(null, "sh", "-c", "command -v " + tool).exit() == 0, "needs " + tool);
        }
        host.must(null, "ip", "netns", "add", nsA);
        host.must(null, "ip", "netns", "add", nsB);
        host.must(null, "ip", "-n", nsA, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", nsB);
        host.must(null, "ip", "-n", nsA, "addr", "add", "10.78.0.1/24", "dev", "va");
        host.must(null, "ip", "-n", nsB, "addr", "add", "10.78.0.2/24", "dev", "vb");
        for (String[] c : new String[][] {{nsA, "va"}, {nsA, "lo"}, {nsB, "vb"}, {nsB, "lo"}}) {
            host.must(null, "ip", "-n", c[0], "link", "set", c[1], "up");
        }
        inA = new Commands(List.of("ip", "netns", "exec", nsA), 10_000);
    }

    @AfterEach
    void cleanup() throws Exception {
        host.run(null, "ip", "netns", "del", nsA);
        host.run(null, "ip", "netns", "del", nsB);
    }

    private boolean answered() throws Exception {
        Commands.Result r = host.run(null, "ip", "netns", "exec", nsB, "hping3", "-S", "-p", "80", "-c", "3", "-i", "u100000", "10.78.0.1");
        return !(r.out() + r.err()).contains("100% packet loss"); // hping3 prints its statistics on stderr
    }

    private Firewall backend(String name) {
        return name.equals("ipset") ? new IpsetBackend(inA, "AEGIS-DROP") : new NftBackend(inA, "AEGIS-DROP");
    }

    private String kernelState() throws Exception {
        return inA.must(null, "iptables-save").out() + inA.must(null, "ip6tables-save").out()
                + inA.must(null, "ipset", "list", "-n").out() + inA.must(null, "nft", "list", "ruleset").out();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipset", "nftables"})
    void bannedAddressIsDroppedAndEmergencyRemovalRestoresTraffic(String name) throws Exception {
        Firewall b = backend(name);
        assertTrue(answered(), "before: A answers (RST)");
        b.install();
        String once = kernelState();
        b.install(); // idempotent
        assertEquals(once, kernelState(), "installing twice changes nothing");
        b.apply(List.of(BanTarget.parse("10.78.0.2"), BanTarget.parse("2001:db8::/32")), List.of());
        assertEquals(Set.of(BanTarget.parse("10.78.0.2"), BanTarget.parse("2001:db8::/32")), b.members());
        assertFalse(answered(), "banned: no answer");
        String counters = name.equals("ipset") ? inA.must(null, "iptables", "-L", "AEGIS-DROP", "-v", "-x", "-n").out()
                : inA.must(null, "nft", "list", "chain", "inet", "aegis_drop", "input").out();
        assertTrue(counters.contains("DROP") || counters.contains("drop"), counters);

        b.apply(List.of(), List.of(BanTarget.parse("10.78.0.2"), BanTarget.parse("10.78.0.99")));
        assertEquals(Set.of(BanTarget.parse("2001:db8::/32")), b.members(), "removing a non-member is harmless");
        assertTrue(answered(), "unbanned: answers again");

        // One refused change does not hold back the rest of its batch (nftables refuses overlapping intervals).
        try {
            b.apply(List.of(BanTarget.parse("192.0.2.0/24"), BanTarget.parse("192.0.2.0/25"), BanTarget.parse("10.78.0.2")), List.of());
        } catch (EnforcementException e) {
            assertEquals("nftables", name, e.getMessage());
            assertTrue(e.getMessage().contains("192.0.2.0/25"), e.getMessage());
        }
        assertTrue(b.members().containsAll(Set.of(BanTarget.parse("192.0.2.0/24"), BanTarget.parse("10.78.0.2"))), b.members().toString());
        assertFalse(answered());

        b.removeAll();
        b.removeAll(); // twice is harmless
        assertTrue(b.members().isEmpty());
        String left = kernelState();
        assertFalse(left.contains("AEGIS") || left.contains("aegis"), "no rule, chain, table or set left: " + left);
        assertTrue(answered(), "after the emergency removal traffic flows");
    }
}
