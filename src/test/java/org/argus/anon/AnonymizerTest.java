package org.argus.anon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;

/** Fixed vectors computed independently (Python hmac/hashlib) for the documented format. */
class AnonymizerTest {
    @Test
    void matchesIndependentHmacSha256Vectors() {
        Anonymizer a = new Anonymizer("argus-test-salt");
        assertEquals("ip_88563b3cee22", a.anonymize(IpAddress.parse("192.0.2.1")));
        assertEquals("ip_ad37e174d079", a.anonymize(IpAddress.parse("2001:0db8:0:0:0:0:0:1")));
        assertEquals("ip_6b7a20faebaa", a.anonymize(IpAddress.parse("10.0.0.1")));
    }

    @Test
    void saltIsTakenAsUtf8() {
        assertEquals("ip_8c9316e2d410", new Anonymizer("sälz").anonymize(IpAddress.parse("192.0.2.1")));
    }

    @Test
    void cachedAnswerEqualsFreshOneAndSaltsDiffer() {
        Anonymizer a = new Anonymizer("x");
        IpAddress ip = IpAddress.parse("198.51.100.7");
        assertEquals(a.anonymize(ip), a.anonymize(ip));
        assertNotEquals(a.anonymize(ip), new Anonymizer("y").anonymize(ip));
    }

    @Test
    void emptySaltIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Anonymizer(""));
    }
}
