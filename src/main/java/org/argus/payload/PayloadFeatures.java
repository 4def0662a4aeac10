package org.argus.payload;

/**
 * The payload classifier's input: a fixed-length vector from a payload's first bytes. The bytes are lower-cased
 * (ASCII) and percent-decoded up to twice ({@code %27} and {@code %2527} become {@code '}; {@code +} a space), as a web
 * server would see them; then byte 1-, 2- and 3-grams are counted into {@value #HASHED} buckets by a multiplicative
 * hash (the "hashing trick", Weinberger et al. 2009), scaled by {@code log(1 + count)} and L2-normalized; then
 * {@value #EXTRA} shape features in [0, 1] follow: length, and the shares of letters, digits, spaces, quotes, angle
 * brackets, shell separators ({@code ;|&`}), brackets and braces, {@code $}, slashes and dots, {@code =}, and bytes
 * outside printable ASCII. Pure and thread-safe.
 */
public final class PayloadFeatures {
    /** Hashed n-gram buckets. */
    public static final int HASHED = 1024;
    /** Shape features after them. */
    public static final int EXTRA = 12;
    /** Vector length. */
    public static final int SIZE = HASHED + EXTRA;

    private PayloadFeatures() {
    }

    /** The features of {@code payload[0, length)}. */
    public static double[] of(byte[] payload, int length) {
        byte[] t = normalize(payload, length);
        double[] v = new double[SIZE];
        int n = t.length;
        for (int i = 0; i < n; i++) {
            int a = t[i] & 0xFF;
            v[bucket(a)]++;
            if (i + 1 < n) {
                int b = (a << 8) | (t[i + 1] & 0xFF);
                v[bucket(0x10000 | b)]++;
                if (i + 2 < n) {
                    v[bucket(0x1000000 | (b << 8) | (t[i + 2] & 0xFF))]++;
                }
            }
        }
        double norm = 0;
        for (int i = 0; i < HASHED; i++) {
            if (v[i] > 0) {
                v[i] = Math.log1p(v[i]);
                norm += v[i] * v[i];
            }
        }
        if (norm > 0) {
            double inv = 1 / Math.sqrt(norm);
            for (int i = 0; i < HASHED; i++) {
                v[i] *= inv;
            }
        }
        int[] c = new int[EXTRA];
        for (byte x : t) {
            int ch = x & 0xFF;
            if (ch >= 'a' && ch <= 'z') {
                c[1]++;
            } else if (ch >= '0' && ch <= '9') {
                c[2]++;
            } else if (ch == ' ') {
                c[3]++;
            } else if (ch == '\'' || ch == '"') {
                c[4]++;
            } else if (ch == '<' || ch == '>') {
                c[5]++;
            } else if (ch == ';' || ch == '|' || ch == '&' || ch == '`') {
                c[6]++;
            } else if (ch == '(' || ch == ')' || ch == '{' || ch == '}' || ch == '[' || ch == ']') {
                c[7]++;
            } else if (ch == '$') {
                c[8]++;
            } else if (ch == '/' || ch == '\\' || ch == '.') {
                c[9]++;
            } else if (ch == '=') {
                c[10]++;
            } else if (ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t' || ch >= 0x7F) {
                c[11]++;
            }
        }
        double len = Math.max(1, n);
        v[HASHED] = Math.min(1, Math.log1p(n) / Math.log1p(4096));
        for (int i = 1; i < EXTRA; i++) {
            v[HASHED + i] = c[i] / len;
        }
        return v;
    }

    /** Lower-cased ASCII, percent-decoded twice, {@code +} as a space. */
    static byte[] normalize(byte[] payload, int length) {
        byte[] t = new byte[length];
        for (int i = 0; i < length; i++) {
            byte b = payload[i];
            t[i] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b == '+' ? (byte) ' ' : b;
        }
        return percentDecode(percentDecode(t));
    }

    private static byte[] percentDecode(byte[] t) {
        byte[] out = new byte[t.length];
        int o = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == '%' && i + 2 < t.length && hex(t[i + 1]) >= 0 && hex(t[i + 2]) >= 0) {
                int b = hex(t[i + 1]) * 16 + hex(t[i + 2]);
                out[o++] = (byte) (b >= 'A' && b <= 'Z' ? b + 32 : b);
                i += 2;
            } else {
                out[o++] = t[i];
            }
        }
        return o == out.length ? out : java.util.Arrays.copyOf(out, o);
    }

    private static int hex(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
    }

    /** The hashed bucket of a 1-gram ({@code a}), 2-gram ({@code 0x10000 | a<<8 | b}) or 3-gram ({@code 0x1000000 | …}). */
    static int bucket(int gram) {
        return (gram * 0x9E3779B1) >>> (32 - 10);
    }
}
