package org.argus.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Vendors by MAC prefix from Wireshark's {@code manuf} file (Debian: {@code libwireshark-data},
 * {@code /usr/share/wireshark/manuf}), itself made from the IEEE registries (MA-L /24, MA-M /28, MA-S /36). No
 * network lookups. Line format: a prefix ({@code 00:1B:C5} or {@code 00:1B:C5:00:10:00/36}; ':', '-' or '.'
 * separators), a tab, a short name, optionally a tab and the full name; {@code #} starts a comment. Lookup is by the
 * longest matching prefix. Immutable once loaded.
 */
public final class Oui {
    /** Prefix length in bits → (prefix bits left-aligned in 48) → vendor; longest first. */
    private final TreeMap<Integer, Map<Long, String>> byLength;
    private final int entries;
    private final int badLines;

    private Oui(TreeMap<Integer, Map<Long, String>> byLength, int entries, int badLines) {
        this.byLength = byLength;
        this.entries = entries;
        this.badLines = badLines;
    }

    /** No vendors (no file configured or found). */
    public static Oui empty() {
        return new Oui(new TreeMap<>(), 0, 0);
    }

    /**
     * Reads a manuf file. Lines that are not an entry are counted ({@link #badLines()}) and skipped.
     *
     * @throws IOException when the file cannot be read
     */
    public static Oui load(Path manuf) throws IOException {
        TreeMap<Integer, Map<Long, String>> byLength = new TreeMap<>((a, b) -> Integer.compare(b, a));
        int entries = 0, bad = 0;
        // Hand-parsed (no regular expressions): 52 000 lines at start-up on a Pi must not cost a second of CPU.
        try (BufferedReader r = Files.newBufferedReader(manuf, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                int hash = line.indexOf('#');
                String l = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (l.isEmpty()) {
                    continue;
                }
                int tab = l.indexOf('\t');
                if (tab <= 0) {
                    bad++;
                    continue;
                }
                long value = 0;
                int digits = 0, bits = -1;
                boolean ok = true;
                for (int i = 0; i < tab && ok; i++) {
                    char c = l.charAt(i);
                    int d = Character.digit(c, 16);
                    if (d >= 0 && digits < 12) {
                        value = value << 4 | d;
                        digits++;
                    } else if (c == '/') {
                        try {
                            bits = Integer.parseInt(l.substring(i + 1, tab).strip());
                        } catch (NumberFormatException e) {
                            ok = false;
                        }
                        break;
                    } else if (c != ':' && c != '-' && c != '.') {
                        ok = false;
                    }
                }
                if (!ok || digits == 0 || digits % 2 != 0) {
                    bad++;
                    continue;
                }
                if (bits < 0) {
                    bits = digits * 4;
                }
                String[] names = l.substring(tab + 1).strip().split("\t+", 2);
                if (bits < 8 || bits > 48 || names[0].isEmpty()) {
                    bad++;
                    continue;
                }
                long key = (value << (48 - digits * 4)) & mask(bits);
                String vendor = (names.length > 1 ? names[1] : names[0]).strip();
                byLength.computeIfAbsent(bits, k -> new HashMap<>()).put(key, vendor);
                entries++;
            }
        }
        return new Oui(byLength, entries, bad);
    }

    private static long mask(int bits) {
        return (0xffff_ffff_ffffL << (48 - bits)) & 0xffff_ffff_ffffL;
    }

    /** The vendor of a MAC (its longest registered prefix), or null when unknown or locally administered. */
    public String vendor(long mac) {
        if (Mac.locallyAdministered(mac)) {
            return null;
        }
        for (Map.Entry<Integer, Map<Long, String>> e : byLength.entrySet()) {
            String v = e.getValue().get(mac & mask(e.getKey()));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Prefixes loaded. */
    public int entries() {
        return entries;
    }

    /** Lines skipped as not an entry. */
    public int badLines() {
        return badLines;
    }
}
