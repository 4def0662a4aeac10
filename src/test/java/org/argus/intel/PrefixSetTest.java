package org.argus.intel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;

/** The longest-prefix match against a brute-force answer, nested blocks and the edges of both address spaces. */
class PrefixSetTest {
    /** The most specific block holding the address, by trying every block. */
    private static int oracle(List<BanTarget> blocks, IpAddress a) {
        int best = -1, bestPrefix = -1;
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).contains(a) && blocks.get(i).prefix() > bestPrefix) {
                best = i;
                bestPrefix = blocks.get(i).prefix();
            }
        }
        return best;
    }

    private static int[] identity(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    private static PrefixSet of(List<BanTarget> blocks) {
        return PrefixSet.build(blocks, identity(blocks.size()));
    }

    @Test
    void nestedBlocksGiveTheMostSpecific() {
        List<BanTarget> b = List.of(BanTarget.parseCidr("10.0.0.0/8"), BanTarget.parseCidr("10.1.0.0/16"),
                BanTarget.parseCidr("10.1.2.3"), BanTarget.parseCidr("10.1.255.0/24"), BanTarget.parseCidr("2001:db8::/32"),
                BanTarget.parseCidr("2001:db8:1::/48"), BanTarget.parseCidr("2001:db8:1::7"));
        PrefixSet s = of(b);
        assertEquals(0, s.lookup(IpAddress.parse("10.0.0.0")));
        assertEquals(1, s.lookup(IpAddress.parse("10.1.0.0")));
        assertEquals(1, s.lookup(IpAddress.parse("10.1.2.2")));
        assertEquals(2, s.lookup(IpAddress.parse("10.1.2.3")));
        assertEquals(1, s.lookup(IpAddress.parse("10.1.2.4")));
        assertEquals(3, s.lookup(IpAddress.parse("10.1.255.255")));
        assertEquals(0, s.lookup(IpAddress.parse("10.2.0.0")));
        assertEquals(0, s.lookup(IpAddress.parse("10.255.255.255")));
        assertEquals(-1, s.lookup(IpAddress.parse("11.0.0.0")));
        assertEquals(-1, s.lookup(IpAddress.parse("9.255.255.255")));
        assertEquals(6, s.lookup(IpAddress.parse("2001:db8:1::7")));
        assertEquals(5, s.lookup(IpAddress.parse("2001:db8:1::8")));
        assertEquals(4, s.lookup(IpAddress.parse("2001:db8:2::")));
        assertEquals(-1, s.lookup(IpAddress.parse("2001:db9::")));
        assertEquals(-1, s.lookup(IpAddress.parse("::ffff:10.1.2.3")), "an IPv4-mapped IPv6 address is IPv6 here");
        assertEquals(-1, PrefixSet.empty().lookup(IpAddress.parse("10.1.2.3")));
    }

    @Test
    void theWholeSpaceAndItsLastAddress() {
        List<BanTarget> b = List.of(BanTarget.parseCidr("0.0.0.0/0"), BanTarget.parseCidr("255.255.255.255"),
                BanTarget.parseCidr("255.255.255.0/24"), BanTarget.parseCidr("::/0"),
                BanTarget.parseCidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), BanTarget.parseCidr("ffff::/16"));
        PrefixSet s = of(b);
        assertEquals(0, s.lookup(IpAddress.parse("0.0.0.0")));
        assertEquals(0, s.lookup(IpAddress.parse("128.0.0.0")));
        assertEquals(2, s.lookup(IpAddress.parse("255.255.255.254")));
        assertEquals(1, s.lookup(IpAddress.parse("255.255.255.255")));
        assertEquals(3, s.lookup(IpAddress.parse("::")));
        assertEquals(3, s.lookup(IpAddress.parse("8000::")));
        assertEquals(5, s.lookup(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")));
        assertEquals(4, s.lookup(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertEquals(3, s.lookup(IpAddress.parse("fffe:ffff::")));
        assertEquals(3, s.ranges()[0], "the /0 up to the /24, the /24 up to the /32, the /32: nothing after the last address");
        assertEquals(3, s.ranges()[1]);
    }

    @Test
    void aBlockTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> of(List.of(BanTarget.parseCidr("10.0.0.0/8"), BanTarget.parseCidr("10.0.0.0/8"))));
        assertThrows(IllegalArgumentException.class, () -> PrefixSet.build(List.of(BanTarget.parseCidr("10.0.0.0/8")), new int[2]));
    }

    @Test
    void randomNestedBlocksAgreeWithTryingEveryBlock() {
        Random rnd = new Random(42);
        for (int round = 0; round < 20; round++) {
            Set<BanTarget> set = new LinkedHashSet<>();
            // few /8s so blocks nest often; IPv6 inside 2001:db8::/32 for the same reason
            while (set.size() < 300) {
                int p = 8 + rnd.nextInt(25);
                int a = (10 + rnd.nextInt(3)) << 24 | rnd.nextInt(1 << 24);
                set.add(BanTarget.parseCidr(IpAddress.v4(a) + "/" + p));
                int p6 = 32 + rnd.nextInt(97);
                set.add(BanTarget.parseCidr(IpAddress.v6(0x20010db800000000L | (rnd.nextInt(4) & 0xffffL) << 16, rnd.nextLong()) + "/" + p6));
            }
            List<BanTarget> blocks = new ArrayList<>(set);
            PrefixSet s = of(blocks);
            for (int k = 0; k < 3000; k++) {
                IpAddress a;
                if (rnd.nextBoolean()) { // near a block's edges, or anywhere in 9.0.0.0–13.255.255.255
                    BanTarget t = blocks.get(rnd.nextInt(blocks.size()));
                    if (!t.v6()) {
                        long edge = t.network().lo() + (rnd.nextBoolean() ? -1 : 0) + (rnd.nextBoolean() ? (1L << (32 - t.prefix())) : 0);
                        a = IpAddress.v4((int) edge);
                    } else {
                        a = IpAddress.v6(t.network().hi(), t.network().lo() + rnd.nextInt(3) - 1);
                    }
                } else if (rnd.nextBoolean()) {
                    a = IpAddress.v4((9 + rnd.nextInt(5)) << 24 | rnd.nextInt(1 << 24));
                } else {
                    a = IpAddress.v6(0x20010db800000000L | (rnd.nextInt(5) & 0xffffL) << 16, rnd.nextLong());
                }
                assertEquals(oracle(blocks, a), s.lookup(a), a.toString());
            }
        }
    }
}
