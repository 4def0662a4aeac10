package org.argus.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vendors from Wireshark's real {@code manuf} file (Debian's libwireshark-data, installed by CI), and MAC text. */
class OuiTest {
    static final Path MANUF = Path.of("/usr/share/wireshark/manuf");

    @TempDir
    Path dir;

    @Test
    void theRegistryNamesVendorsByTheLongestPrefix() throws Exception {
        assertTrue(Files.isReadable(MANUF), MANUF + " (apt-get install libwireshark-data)");
        Oui oui = Oui.load(MANUF);
        assertTrue(oui.entries() > 40_000, "entries: " + oui.entries());
        assertEquals("Raspberry Pi Foundation", oui.vendor(Mac.parse("b8:27:eb:12:34:56")));
        assertEquals("Raspberry Pi Trading Ltd", oui.vendor(Mac.parse("DC-A6-32-00-00-01")));
        assertEquals("PCS Computer Systems GmbH", oui.vendor(Mac.parse("08:00:27:e6:e5:59")));
        // MA-S (/36) blocks inside one MA-L: the block, not the /24 owner, names the device
        assertEquals("Converging Systems Inc.", oui.vendor(Mac.parse("00:1b:c5:00:00:42")));
        assertEquals("OpenRB.com, Direct SIA", oui.vendor(Mac.parse("00:1b:c5:00:10:42")));
        // a locally administered (randomized) address has no vendor, even where a prefix matches
        assertNull(oui.vendor(Mac.parse("52:54:00:12:35:02")));
    }

    @Test
    void badLinesAreCountedAndSkipped() throws Exception {
        Path f = dir.resolve("manuf");
        Files.writeString(f, """
                # a comment
                00:11:22\tShort\tLong Name Inc.
                00-AA-BB\tOnlyShort
                00:11:22:30:00:00/28\tBlock\tBlock Ltd  # trailing comment
                not-a-prefix\tX\tY
                00:11\t
                00:11:22:33:44:55:66\tTooLong\tZ
                """);
        Oui oui = Oui.load(f);
        assertEquals(3, oui.entries());
        assertEquals(3, oui.badLines());
        assertEquals("Long Name Inc.", oui.vendor(Mac.parse("00:11:22:00:00:01")));
        assertEquals("Block Ltd", oui.vendor(Mac.parse("00:11:22:3f:ff:ff")));
        assertEquals("Long Name Inc.", oui.vendor(Mac.parse("00:11:22:40:00:00")));
        assertEquals("OnlyShort", oui.vendor(Mac.parse("00:aa:bb:00:00:00")));
        assertNull(oui.vendor(Mac.parse("00:aa:bc:00:00:00")));
    }

    @Test
    void macTextAndBits() {
        long m = Mac.parse("B8:27:EB:01:02:0A");
        assertEquals(0xb827eb01020aL, m);
        assertEquals("b8:27:eb:01:02:0a", Mac.text(m));
        assertTrue(Mac.unicast(m));
        assertFalse(Mac.locallyAdministered(m));
        assertTrue(Mac.locallyAdministered(Mac.parse("02:00:00:00:00:01")));
        assertFalse(Mac.unicast(Mac.parse("ff:ff:ff:ff:ff:ff")));
        assertFalse(Mac.unicast(Mac.parse("01:00:5e:00:00:fb")));
        assertFalse(Mac.unicast(0));
        assertThrows(IllegalArgumentException.class, () -> Mac.parse("b8:27:eb:01:02"));
        assertThrows(IllegalArgumentException.class, () -> Mac.parse("10.0.0.1"));
    }
}
