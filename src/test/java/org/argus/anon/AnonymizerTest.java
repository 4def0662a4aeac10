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
    void equalsTheJdkMacForManySaltsAndAddresses() throws Exception {
        java.util.Random r = new java.util.Random(16);
        for (String salt : new String[] {"k", "x".repeat(63), "y".repeat(64), "z".repeat(65), "long salt ".repeat(40), "sälz"}) {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(salt.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            Anonymizer a = new Anonymizer(salt);
            for (int i = 0; i < 500; i++) {
                byte[] raw = new byte[i % 2 == 0 ? 4 : 16];
                r.nextBytes(raw);
                String text = java.net.InetAddress.getByAddress(raw).getHostAddress();
                String want = "ip_" + java.util.HexFormat.of().formatHex(
                        mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 6);
                assertEquals(want, a.anonymize(text), salt.length() + "-byte salt, " + text);
            }
        }
    }

    @Test
    void emptySaltIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Anonymizer(""));
    }
}
