package org.argus.blacklist;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Never block loopback, own addresses, the gateway, DNS servers, configured CIDRs, or a control client. */
class AllowlistTest {
    @TempDir
    Path dir;

    @Test
    void refusesEverythingThatWouldLockTheOperatorOut() throws Exception {
        Path net = Files.createDirectory(dir.resolve("net"));
        Files.writeString(net.resolve("route"), "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "eth0\t00000000\t010012C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "eth0\t000012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
        Files.writeString(net.resolve("ipv6_route"), "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n");
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "search lan\nnameserver 10.255.255.53\nnameserver fe80::1%eth0\n");
        Allowlist a = Allowlist.discover(List.of("203.0.113.0/24"), net, resolv);

        for (String blocked : new String[] {"198.18.0.1", "198.18.0.0/24", "fd00::1", "10.255.255.53", "fe80::1",
                "127.5.5.5", "::1", "203.0.113.77", "0.0.0.0/0"}) {
            assertTrue(a.refusal(BanTarget.parse(blocked)).isPresent(), blocked + " must be refused");
        }
        assertTrue(a.refusal(BanTarget.parse("198.18.0.1")).orElseThrow().contains("default gateway"));
        assertTrue(a.refusal(BanTarget.parse("198.18.0.0/24")).orElseThrow().contains("(198.18.0.1)"), "the CIDR names what it covers");
        IpAddress own = Allowlist.ownAddresses().get(0);
        assertTrue(a.refusal(BanTarget.of(own)).isPresent(), "own address " + own);

        assertFalse(a.refusal(BanTarget.parse("198.51.100.9")).isPresent());
        a.allow(IpAddress.parse("198.51.100.9"), "control client");
        assertTrue(a.refusal(BanTarget.parse("198.51.100.9")).orElseThrow().contains("control client"));
        assertFalse(a.refusal(BanTarget.parse("2001:db8::66")).isPresent());
    }
}
