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
import org.junit.jupiter.api.Test;

/**
 * The ipset backend against the real kernel, inside two network namespaces the test creates and deletes (the
 * host's firewall is never touched): a banned address's packets are dropped (rule counters, and hping3 gets no
 * answer); removing everything restores traffic; twice is harmless.
 */
class IpsetBackendTest {
    private final String nsA = "argus-ut-a-" + ProcessHandle.current().pid();
    private final String nsB = "argus-ut-b-" + ProcessHandle.current().pid();
    private final Commands host = new Commands(List.of(), 10_000);
    private Commands inA;

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : new String[] {"ip", "ipset", "iptables", "hping3"}) {
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

    @Test
    void bannedAddressIsDroppedAndEmergencyRemovalRestoresTraffic() throws Exception {
        IpsetBackend b = new IpsetBackend(inA, "AEGIS-DROP");
        assertTrue(answered(), "before: A answers (RST)");
        b.install();
        b.install(); // idempotent
        assertEquals(1, inA.must(null, "iptables", "-S", "INPUT").out().lines().filter(l -> l.contains("-j AEGIS-DROP")).count(),
                "one jump, however often installed");
        b.apply(List.of(BanTarget.parse("10.78.0.2"), BanTarget.parse("2001:db8::/32")), List.of());
        assertEquals(Set.of(BanTarget.parse("10.78.0.2"), BanTarget.parse("2001:db8::/32")), b.members());
        assertFalse(answered(), "banned: no answer");
        String counters = inA.must(null, "iptables", "-L", "AEGIS-DROP", "-v", "-x", "-n").out();
        long dropped = counters.lines().filter(l -> l.trim().matches("\\d+\\s.*DROP.*")).mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[0])).sum();
        assertTrue(dropped >= 3, "the DROP rule counted the SYNs: " + counters);

        b.apply(List.of(), List.of(BanTarget.parse("10.78.0.2")));
        assertEquals(Set.of(BanTarget.parse("2001:db8::/32")), b.members());
        assertTrue(answered(), "unbanned: answers again");

        b.apply(List.of(BanTarget.parse("10.78.0.2")), List.of());
        b.removeAll();
        b.removeAll(); // twice is harmless
        assertFalse(b.installed());
        assertTrue(b.members().isEmpty());
        assertFalse(inA.must(null, "iptables", "-S").out().contains("AEGIS"), "no rule left");
        assertTrue(answered(), "after the emergency removal traffic flows");
    }
}
