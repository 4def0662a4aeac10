package org.argus.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as two unsigned 64-bit halves in network byte order, so that addresses compare, hash and
 * travel without a byte array or an {@link InetAddress} per packet.
 *
 * <p>IPv4: {@code hi = 0}, {@code lo} holds the 32-bit address in its low bits. IPv6: {@code hi} holds bytes 0..7,
 * {@code lo} bytes 8..15. {@link #toString()} gives the canonical text: the dotted quad for IPv4 and the RFC 5952
 * form (lower case, leading zeros dropped, the longest run of two or more zero groups shortened to {@code ::}, the
 * first such run on a tie) for IPv6.
 *
 * @param hi high half (IPv6 bytes 0..7; 0 for IPv4)
 * @param lo low half (IPv6 bytes 8..15; the IPv4 address in the low 32 bits)
 * @param v6 true for IPv6
 */
public record IpAddress(long hi, long lo, boolean v6) implements Comparable<IpAddress> {

    /** An IPv4 address from its 32-bit value (network byte order read as a big-endian int). */
    public static IpAddress v4(int address) {
        return new IpAddress(0, address & 0xffffffffL, false);
    }

    /** An IPv6 address from its two big-endian halves. */
    public static IpAddress v6(long hi, long lo) {
        return new IpAddress(hi, lo, true);
    }

    /** An address from 4 or 16 network-order bytes; throws IllegalArgumentException for any other length. */
    public static IpAddress of(byte[] bytes) {
        if (bytes.length == 4) {
            return v4(((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
        }
        if (bytes.length == 16) {
            long hi = 0, lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (bytes[i] & 0xff);
                lo = (lo << 8) | (bytes[i + 8] & 0xff);
            }
            return v6(hi, lo);
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
    }

    /**
     * Parses a numeric IPv4 or IPv6 literal strictly (no host-name lookup): IPv4 as four dotted decimal octets of
     * ASCII digits without leading zeros ({@code 010.1.1.1} is refused, not read as 10.1.1.1 or as octal); IPv6 as
     * RFC 4291 text of ASCII hex digits (with {@code ::} and an embedded dotted IPv4 tail), no zone id. No surrounding
     * white space, no other character (a trailing NUL, a space, non-ASCII digits are all refused).
     *
     * @throws IllegalArgumentException if the text is not an IP address literal in that form
     */
    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        if (text.indexOf(':') < 0) {
            int v = parseV4(text);
            if (v == -1 && !text.equals("255.255.255.255")) {
                throw new IllegalArgumentException("not an IP address: " + text);
            }
            return v4(v);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                throw new IllegalArgumentException("not an IP address: " + text);
            }
        }
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.') >= 0 && (parseV4(text.substring(lastColon + 1)) == -1
                && !text.substring(lastColon + 1).equals("255.255.255.255"))) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            // A literal with ':' is parsed as IPv6 by the JDK without any name lookup.
            byte[] b = InetAddress.getByName("[" + text + "]").getAddress();
            if (b.length == 4) {
                // the JDK turns ::ffff:a.b.c.d into an IPv4 address: keep it as the IPv6 text said
                byte[] m = new byte[16];
                m[10] = m[11] = (byte) 0xff;
                System.arraycopy(b, 0, m, 12, 4);
                b = m;
            }
            return of(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }

    /** Dotted-quad IPv4 of ASCII digits without leading zeros, as an int; -1 when not one (or 255.255.255.255). */
    private static int parseV4(String t) {
        int v = 0, octets = 0, i = 0, n = t.length();
        while (i <= n) {
            int start = i, octet = 0;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                octet = octet * 10 + (t.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return -1;
                }
            }
            int len = i - start;
            if (len == 0 || octet > 255 || (len > 1 && t.charAt(start) == '0')) {
                return -1;
            }
            v = (v << 8) | octet;
            octets++;
            if (i == n) {
                break;
            }
            if (t.charAt(i) != '.' || octets == 4) {
                return -1;
            }
            i++;
        }
        return octets == 4 ? v : -1;
    }

    /**
     * True for an address no single host answers from: IPv4 multicast (224.0.0.0/4) and the limited broadcast
     * (255.255.255.255), IPv6 multicast (ff00::/8). Subnet broadcasts cannot be told without the netmask.
     */
    public boolean groupOrBroadcast() {
        if (v6) {
            return (hi >>> 56) == 0xff;
        }
        int a = (int) lo;
        return (a >>> 28) == 0xe || a == -1;
    }

    /** The address as 4 or 16 network-order bytes. */
    public byte[] toBytes() {
        if (!v6) {
            int a = (int) lo;
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    /** The address as an {@link InetAddress} (no lookup). */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: length is 4 or 16
        }
    }

    /** Orders IPv4 before IPv6, then by address bytes compared as unsigned, lexicographically. */
    @Override
    public int compareTo(IpAddress o) {
        if (v6 != o.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    /** Canonical text: dotted quad, or RFC 5952 for IPv6. */
    @Override
    public String toString() {
        if (!v6) {
            int a = (int) lo;
            return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
