package org.argus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Token guessing: five free failures a minute, then waits that double up to a minute; a good token clears them. */
class AuthThrottleTest {
    static final long S = 1_000_000_000L;

    @Test
    void failuresBeyondTheFreeOnesWaitLongerEachTime() {
        AuthThrottle t = new AuthThrottle(16);
        long now = 100 * S;
        for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
            assertEquals(0, t.failed("192.0.2.1", now));
            assertEquals(0, t.retryAfterSeconds("192.0.2.1", now));
        }
        assertEquals(1, t.failed("192.0.2.1", now));
        assertEquals(1, t.retryAfterSeconds("192.0.2.1", now));
        assertEquals(0, t.retryAfterSeconds("192.0.2.2", now), "another client is not held");
        assertEquals(2, t.failed("192.0.2.1", now + S));
        assertEquals(4, t.failed("192.0.2.1", now + 3 * S));
        long block = 0;
        for (int i = 0; i < 10; i++) {
            block = t.failed("192.0.2.1", now + 10 * S);
        }
        assertEquals(AuthThrottle.MAX_BLOCK_SECONDS, block, "capped");
        assertTrue(t.retryAfterSeconds("192.0.2.1", now + 11 * S) > 0);
        t.succeeded("192.0.2.1");
        assertEquals(0, t.retryAfterSeconds("192.0.2.1", now + 11 * S), "a good token clears the client");
    }

    @Test
    void oldFailuresAgeOut() {
        AuthThrottle t = new AuthThrottle(16);
        for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
            t.failed("192.0.2.1", i * S);
        }
        assertEquals(0, t.failed("192.0.2.1", (AuthThrottle.WINDOW_SECONDS + 10) * S), "a new window after a quiet minute");
    }
}
