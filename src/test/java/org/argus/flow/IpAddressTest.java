package org.argus.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IpAddressTest {
    @ParameterizedTest
    @CsvSource({
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",      // first of two equal runs
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",    // a single zero group is not shortened
            "0:0:0:0:0:0:0:0, ::",
            "0:0:0:0:0:0:0:1, ::1",
            "fe80:0:0:0:0:0:0:0, fe80::",
            "2001:DB8:A:B:C:D:E:F, 2001:db8:a:b:c:d:e:f",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",             // the longer run wins
            "192.0.2.1, 192.0.2.1",
            "255.255.255.255, 255.255.255.255",
            "0.0.0.0, 0.0.0.0"})
    void canonicalTextIsRfc5952(String in, String expected) {
        assertEquals(expected, IpAddress.parse(in).toString());
    }

    @Test
    void bytesRoundTripAndOrder() {
        IpAddress a = IpAddress.parse("2001:db8::ff00:42:8329");
        assertEquals(a, IpAddress.of(a.toBytes()));
        assertEquals(a.toInetAddress(), IpAddress.of(a.toInetAddress().getAddress()).toInetAddress());
        assertTrue(IpAddress.parse("10.0.0.1").compareTo(IpAddress.parse("200.0.0.1")) < 0, "unsigned compare");
        assertTrue(IpAddress.parse("8000::").compareTo(IpAddress.parse("7fff::")) > 0, "unsigned compare");
    }

    @Test
    void hostNamesAreNotLookedUp() {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("999.1.1.1"));
    }
}
