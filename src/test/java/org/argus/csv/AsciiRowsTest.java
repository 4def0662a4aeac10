package org.argus.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AsciiRowsTest {
    private static String text(AsciiRows r) {
        return new String(r.view().array(), 0, r.length(), StandardCharsets.US_ASCII);
    }

    private static String iso(long nanos) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L)));
    }

    @Test
    void instantsAreExactlyWhatIsoInstantWrites() {
        long base = Instant.parse("2026-11-22T12:00:00Z").getEpochSecond() * 1_000_000_000L;
        long[] fixed = {0, base, base + 1, base + 1_000, base + 1_000_000, base + 120_000_000, base + 123_456_000,
                base + 999_999_999, -1, -1_000_000_001L, Instant.parse("1969-12-31T23:59:59.5Z").toEpochMilli() * 1_000_000L,
                Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() * 1_000_000_000L / 4, Long.MAX_VALUE, Long.MIN_VALUE};
        AsciiRows r = new AsciiRows(8);
        for (long t : fixed) {
            r.reset();
            r.instant(t);
            assertEquals(iso(t), text(r), "nanos " + t);
        }
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            // runs of nearby times (the per-second cache) mixed with jumps, at ns, µs, ms and s resolution
            long t = base + rnd.nextLong(-86_400_000_000_000L, 86_400_000_000_000L);
            long unit = new long[]{1, 1000, 1_000_000, 1_000_000_000}[rnd.nextInt(4)];
            t = t / unit * unit;
            long u = t + rnd.nextInt(3) * unit;
            r.reset();
            r.instant(t).ch(',').instant(u);
            assertEquals(iso(t) + "," + iso(u), text(r), "nanos " + t + ", " + u);
        }
    }

    @Test
    void numbersAreWhatLongToStringWrites() {
        long[] values = {0, 1, 9, 10, 65_535, -1, -42, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        AsciiRows r = new AsciiRows(4);
        StringBuilder expected = new StringBuilder();
        for (long v : values) {
            r.num(v).ch(',');
            expected.append(v).append(',');
        }
        r.text("ip_0123456789ab").text("é");
        expected.append("ip_0123456789ab").append('?');
        assertEquals(expected.toString(), text(r), "grows past its first 4 bytes and keeps everything");
    }
}
