package org.argus.device;

import java.util.Locale;

/**
 * IEEE 802 MAC-48 addresses held in the low 48 bits of a long, first octet highest (as on the wire).
 */
public final class Mac {
    private Mac() {
    }

    /** Lower-case colon text, e.g. {@code b8:27:eb:01:02:03}. */
    public static String text(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xff;
            b.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (shift > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }

    /**
     * Parses six octets of two hex digits separated by ':' or '-' (either case).
     *
     * @throws IllegalArgumentException naming the text when it is not one
     */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!t.matches("[0-9a-f]{2}([:-][0-9a-f]{2}){5}")) {
            throw new IllegalArgumentException("not a MAC address: \"" + text + "\"");
        }
        return Long.parseLong(t.replaceAll("[:-]", ""), 16);
    }

    /** A unicast address that is not all zeros (the I/G bit, the lowest of the first octet, clear). */
    public static boolean unicast(long mac) {
        return mac != 0 && ((mac >>> 40) & 0x01) == 0;
    }

    /**
     * Locally administered (the U/L bit, 0x02 of the first octet, set): phones and laptops randomize their address
     * per network this way, so the vendor cannot be known from it.
     */
    public static boolean locallyAdministered(long mac) {
        return ((mac >>> 40) & 0x02) != 0;
    }
}
