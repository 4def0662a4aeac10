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
     * Parses an address or CIDR in one form: {@link IpAddress#parse}'s strict literal, optionally followed by
     * {@code /} and a prefix length of ASCII digits without leading zeros; no white space anywhere. Refuses what can
     * never be a sender to ban: the unspecified address, the IPv4 limited broadcast, multicast (224.0.0.0/4,
     * ff00::/8) and blocks inside them.
     *
     * @throws IllegalArgumentException with a message fit for an HTTP 400 answer (the text is quoted escaped)
     */
    public static BanTarget parse(String text) {
        BanTarget t = parseCidr(text);
        String why = t.neverASender();
        if (why != null) {
            throw new IllegalArgumentException(quoted(text) + " is " + why + ": it can never be a sender to ban");
        }
        return t;
    }

    private static String quoted(String text) {
        return "\"" + org.argus.log.LogText.escape(text.length() > 64 ? text.substring(0, 64) + "…" : text) + "\"";
    }

    /**
     * Parses an address or CIDR in the same strict form as {@link #parse}, without refusing multicast or the
     * unspecified address (allowlist entries, kernel set listings, stored bans).
     *
     * @throws IllegalArgumentException with a message fit for an HTTP 400 answer
     */
    public static BanTarget parseCidr(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("address is missing");
        }
        String shown = quoted(text);
        int slash = text.indexOf('/');
        IpAddress a;
        try {
            a = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an IPv4/IPv6 address or CIDR: " + shown);
        }
        int max = a.v6() ? 128 : 32;
        int prefix = max;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("0|[1-9][0-9]{0,2}")) {
                throw new IllegalArgumentException("bad prefix length in " + shown);
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix length " + prefix + " out of range 0.." + max + " in " + shown);
            }
        }
        return new BanTarget(mask(a, prefix), prefix);
    }

    /**
     * Why no packet can come from this target, or null: the unspecified address, the IPv4 limited broadcast, or
     * multicast (a block inside 224.0.0.0/4 or ff00::/8).
     */
    public String neverASender() {
        if (!network.v6()) {
            long v = network.lo();
            if (prefix == 32 && v == 0) {
                return "the unspecified address";
            }
            if (prefix == 32 && v == 0xffffffffL) {
                return "the limited broadcast address";
            }
            if (prefix >= 4 && (v >>> 28) == 0xe) {
                return "multicast";
            }
            return null;
        }
        if (prefix == 128 && network.hi() == 0 && network.lo() == 0) {
            return "the unspecified address";
        }
        if (prefix >= 8 && (network.hi() >>> 56) == 0xff) {
            return "multicast";
        }
        return null;
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

    /** Whether {@code a} lies in any of the {@code networks}. */
    public static boolean anyContains(java.util.Collection<BanTarget> networks, IpAddress a) {
        for (BanTarget n : networks) {
            if (n.contains(a)) {
                return true;
            }
        }
        return false;
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
