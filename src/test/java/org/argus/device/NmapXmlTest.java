package org.argus.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * nmap's XML, recorded once from a real run ({@code nmap -n -Pn -sT -T4 --top-ports 100 -oX F} against listeners on
 * 23 and 80 in a namespace, nmap 7.93), and the scanner's command line.
 */
class NmapXmlTest {
    private static byte[] recorded() throws Exception {
        return NmapXmlTest.class.getResourceAsStream("nmap-telnet-http.xml").readAllBytes();
    }

    @Test
    void openPortsOfARealRun() throws Exception {
        NmapXml.Result r = NmapXml.parse(recorded());
        assertTrue(r.hostUp());
        assertTrue(r.finished());
        assertEquals(List.of(new NmapXml.OpenPort(23, "tcp", "telnet"), new NmapXml.OpenPort(80, "tcp", "http")), r.openPorts(),
                "the 98 closed ports are not findings");
        assertEquals("high", ServiceRisk.of(23).risk());
        assertEquals("medium", ServiceRisk.of(80).risk());
        assertEquals("low", ServiceRisk.of(12345).risk());
    }

    @Test
    void aCutRunIsNotFinishedAndJunkIsRefused() throws Exception {
        byte[] xml = recorded();
        String text = new String(xml, StandardCharsets.UTF_8);
        byte[] cut = text.substring(0, text.indexOf("<runstats>")).getBytes(StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> NmapXml.parse(cut), "unclosed elements are not well-formed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NmapXml.parse("Starting Nmap".getBytes()));
        assertTrue(e.getMessage().startsWith("not nmap XML"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NmapXml.parse("<html/>".getBytes()));
        NmapXml.Result noRunstats = NmapXml.parse(text.replaceAll("(?s)<runstats>.*</runstats>", "").getBytes(StandardCharsets.UTF_8));
        assertFalse(noRunstats.finished());
    }

    @Test
    void externalEntitiesAreNeverRead() {
        String evil = "<?xml version=\"1.0\"?><!DOCTYPE nmaprun [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
                + "<nmaprun><host><ports><port protocol=\"tcp\" portid=\"1\"><state state=\"open\"/><service name=\"&x;\"/></port>"
                + "</ports></host><runstats><finished/></runstats></nmaprun>";
        try {
            NmapXml.Result r = NmapXml.parse(evil.getBytes(StandardCharsets.UTF_8));
            assertTrue(r.openPorts().stream().noneMatch(p -> p.service() != null && p.service().length() > 3), r.toString());
        } catch (IllegalArgumentException refused) {
            // refusing the document is as good
        }
    }

    @Test
    void theCommandIsAnArgumentListWithTheConfiguredPortsAndTimeout() {
        DeviceScanner top = new DeviceScanner(new DeviceScanner.Settings(true, Duration.ofHours(24), "top:100", 4,
                Duration.ofSeconds(300), 12, "nmap"), Clock.systemUTC());
        assertEquals(Arrays.asList("nmap", "-n", "-Pn", "-sT", "-T4", "--max-retries", "1", "--host-timeout", "300s",
                "--top-ports", "100", "-oX", "-", "192.168.1.20"), top.command(IpAddress.parse("192.168.1.20")));
        DeviceScanner list = new DeviceScanner(new DeviceScanner.Settings(true, Duration.ofHours(24), "21-23,80", 3,
                Duration.ofSeconds(60), 12, "/usr/bin/nmap"), Clock.systemUTC());
        assertEquals(Arrays.asList("/usr/bin/nmap", "-n", "-Pn", "-sT", "-T3", "--max-retries", "1", "--host-timeout", "60s", "-6",
                "-p", "21-23,80", "-oX", "-", "fd00::20"), list.command(IpAddress.parse("fd00::20")));
    }

    @Test
    void aMissingNmapIsAnOutcomeNotACrash() throws Exception {
        DeviceScanner s = new DeviceScanner(new DeviceScanner.Settings(true, Duration.ofHours(24), "top:10", 4,
                Duration.ofSeconds(30), 12, "/nonexistent/nmap"), Clock.systemUTC());
        assertFalse(s.available());
        DeviceScanner.Outcome o = s.scan(IpAddress.parse("127.0.0.1"));
        assertFalse(o.ok());
        assertTrue(o.error().startsWith("nmap did not start (/nonexistent/nmap; Debian: apt-get install nmap)"), o.error());
    }
}
