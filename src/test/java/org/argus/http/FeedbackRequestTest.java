package org.argus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The feedback body as {@code POST /decisions/<id>/feedback} and {@code POST /feedback} read it. */
class FeedbackRequestTest {
    static ControlRequests.Feedback read(String json) {
        return ControlRequests.feedback(Buffer.buffer(json));
    }

    @Test
    void verdictsDefaultsAndDurations() {
        ControlRequests.Feedback fp = read("{\"verdict\":\"false_positive\"}");
        assertTrue(fp.falsePositive());
        assertEquals(Duration.ofDays(7), fp.allowlistFor(), "a week by default");
        assertNull(fp.address());
        ControlRequests.Feedback tp = read("{\"verdict\":\"true_positive\",\"address\":\"203.0.113.9\",\"note\":\"yes\"}");
        assertEquals(Duration.ZERO, tp.allowlistFor());
        assertEquals("203.0.113.9", tp.address());
        assertEquals("yes", tp.note());
        assertEquals(Duration.ofHours(12), read("{\"verdict\":\"false_positive\",\"allowlist_for\":\"12h\"}").allowlistFor());
        assertEquals(Duration.ofDays(14), read("{\"verdict\":\"false_positive\",\"allowlist_for\":\"2w\"}").allowlistFor());
        assertEquals(Duration.ZERO, read("{\"verdict\":\"false_positive\",\"allowlist_for\":\"0\"}").allowlistFor());
    }

    @Test
    void badBodiesSayWhatIsWrong() {
        for (String bad : new String[] {"", "[]", "{}", "{\"verdict\":\"maybe\"}", "{\"verdict\":1}", "not json"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(bad), bad);
            assertTrue(e.getMessage().contains("verdict"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("{\"verdict\":\"false_positive\",\"allowlist_for\":\"7 days\"}"))
                .getMessage().contains("not a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("{\"verdict\":\"false_positive\",\"allowlist_for\":\"400d\"}"))
                .getMessage().contains("365"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("{\"verdict\":\"false_positive\",\"note\":5}"))
                .getMessage().contains("strings"));
    }
}
