package org.argus.blacklist;

import org.argus.flow.IpAddress;

/**
 * What a ban is about: one address or a CIDR block, IPv4 or IPv6, in canonical text ({@code 192.0.2.7},
 * {@code 198.51.100.0/24}, {@code 2001:db8::/32}). Host bits of a CIDR are cleared; a full-length prefix is a plain
 * address.
 *
 * @param network the address, or the network address of the block
 * @param prefix  prefix length (32 or 128 for a single address)
 */
public record BanTarget(IpAddress network, int prefix) {
    /**
     * Parses an address or CIDR.
     *
     * @throws IllegalArgumentException with a message fit for an HTTP 400 answer
     */
    public static BanTarget parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("address is missing");
        }
        String t = text.strip();
        int slash = t.indexOf('/');
        IpAddress a;
        try {
            a = IpAddress.parse(slash < 0 ? t : t.substring(0, slash));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an IPv4/IPv6 address or CIDR: \"" + text + "\"");
        }
        int max = a.v6() ? 128 : 32;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in \"" + text + "\"");
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix length " + prefix + " out of range 0.." + max + " in \"" + text + "\"");
            }
        }
        return new BanTarget(mask(a, prefix), prefix);
    }

    /** A single address. */
    public static BanTarget of(IpAddress a) {
        return new BanTarget(a, a.v6() ? 128 : 32);
    }

    private static IpAddress mask(IpAddress a, int prefix) {
        if (!a.v6()) {
            long m = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
            return new IpAddress(0, a.lo() & m, false);
        }
        long hiMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        long loMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        return new IpAddress(a.hi() & hiMask, a.lo() & loMask, true);
    }

    /** IPv6. */
    public boolean v6() {
        return network.v6();
    }

    /** One address rather than a block. */
    public boolean single() {
        return prefix == (v6() ? 128 : 32);
    }

    /** Whether {@code a} lies in this target. */
    public boolean contains(IpAddress a) {
        return a.v6() == v6() && mask(a, prefix).equals(network);
    }

    /** Whether the two overlap (one contains the other's network). */
    public boolean overlaps(BanTarget o) {
        return o.v6() == v6() && (contains(o.network) || o.contains(network));
    }

    /** Canonical text: the address, or {@code network/prefix}. */
    @Override
    public String toString() {
        return single() ? network.toString() : network + "/" + prefix;
    }
}
