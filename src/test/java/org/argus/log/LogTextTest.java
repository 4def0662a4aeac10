package org.argus.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Outside text in a log line: one line, quotes closed only by us, no control bytes, bounded. */
class LogTextTest {
    @Test
    void forgedLinesQuotesAndControlBytesAreEscaped() {
        String forged = "scan\n2026-12-01T00:00:00Z [main] WARN X - event=emergency_stop origin=http\" a=\"b\u0007\u0085\u2028\\";
        String out = LogText.escape(forged);
        assertFalse(out.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028), out);
        assertEquals("scan\\n2026-12-01T00:00:00Z [main] WARN X - event=emergency_stop origin=http\\\" a=\\\"b\\u0007\\u0085\\u2028\\\\", out);
        assertEquals("plain text stays", LogText.escape("plain text stays"));
        assertEquals("null", LogText.escape(null));
    }

    @Test
    void longValuesAreCut() {
        String out = LogText.escape("\n".repeat(10_000));
        assertTrue(out.length() <= LogText.MAX + 1 && out.endsWith("…"), out.length() + "");
        assertEquals(LogText.MAX + 1, LogText.escape("x".repeat(60_000)).length());
    }

    @Test
    void theLimiterLetsOneLinePerKeyAndIntervalThroughAndCountsTheRest() {
        LogLimiter l = new LogLimiter(10_000, 2);
        long t = 1_000_000_000L;
        assertEquals(0, l.allow("a", t));
        assertEquals(-1, l.allow("a", t + 1));
        assertEquals(-1, l.allow("a", t + 2));
        assertEquals(0, l.allow("b", t + 3), "another key has its own budget");
        assertEquals(2, l.allow("a", t + 10_000_000_000L), "the next line says how many were held back");
        l.allow("c", t);
        assertEquals(0, l.allow("b", t + 4), "bounded: the least recent key was forgotten");
    }
}
