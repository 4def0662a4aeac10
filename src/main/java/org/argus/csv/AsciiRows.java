package org.argus.csv;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * A growable byte buffer that CSV rows are formatted into directly as ASCII: numbers, pseudonyms and ISO-8601
 * instants without a {@code String} or a charset encoder per field. The instant text is exactly
 * {@link DateTimeFormatter#ISO_INSTANT}'s (fraction in 0, 3, 6 or 9 digits as needed); the date-and-time part is
 * formatted once per second and reused, since the rows of a window share a handful of seconds. Not thread-safe.
 */
final class AsciiRows {
    private byte[] buf;
    private int len;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedPrefix;
    private final byte[] digits = new byte[20];

    /** An empty buffer with room for {@code capacity} bytes (it grows as needed). */
    AsciiRows(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    /** Empties the buffer. */
    void reset() {
        len = 0;
    }

    /** Bytes written so far. */
    int length() {
        return len;
    }

    /** The content as a buffer over the same array (valid until the next append). */
    ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
        }
    }

    /** Appends an ASCII character. */
    AsciiRows ch(char c) {
        room(1);
        buf[len++] = (byte) c;
        return this;
    }

    /** Appends text that is ASCII (pseudonyms, protocol names, numbers as text); other chars become '?'. */
    AsciiRows text(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            buf[len++] = c < 0x80 ? (byte) c : (byte) '?';
        }
        return this;
    }

    /** Appends bytes as they are. */
    AsciiRows bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    /** Appends a decimal integer, as {@link Long#toString(long)} writes it. */
    AsciiRows num(long v) {
        if (v == Long.MIN_VALUE) {
            return text(Long.toString(v));
        }
        room(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        while (n > 0) {
            buf[len++] = digits[--n];
        }
        return this;
    }

    /** Appends an instant (ns since the epoch) exactly as {@code DateTimeFormatter.ISO_INSTANT} formats it. */
    AsciiRows instant(long nanos) {
        long second = Math.floorDiv(nanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        if (second != cachedSecond) {
            String whole = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second)); // "...ssZ"
            cachedPrefix = whole.substring(0, whole.length() - 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            cachedSecond = second;
        }
        bytes(cachedPrefix);
        if (nano != 0) {
            int width;
            int value;
            if (nano % 1_000_000 == 0) {
                width = 3;
                value = nano / 1_000_000;
            } else if (nano % 1000 == 0) {
                width = 6;
                value = nano / 1000;
            } else {
                width = 9;
                value = nano;
            }
            room(1 + width);
            buf[len++] = '.';
            for (int i = width - 1; i >= 0; i--) {
                buf[len + i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            len += width;
        }
        return ch('Z');
    }
}
