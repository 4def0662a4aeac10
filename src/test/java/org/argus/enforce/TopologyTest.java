package org.argus.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topology from a sysfs/procfs laid out as the kernel lays it out (a bridge, a port with its master link, neither). */
class TopologyTest {
    @TempDir
    Path dir;

    @Test
    void bridgePortAndPlainInterfaceAreTold() throws Exception {
        Path net = dir.resolve("sys/class/net"), proc = dir.resolve("proc/sys");
        Files.createDirectories(net.resolve("br0/bridge"));
        Files.createDirectories(net.resolve("eth1/brport"));
        Files.createSymbolicLink(net.resolve("eth1/master"), Path.of("../br0"));
        Files.createDirectories(net.resolve("eth0"));

        Topology bridge = Topology.detect(net, proc, "br0");
        assertEquals("bridge", bridge.role());
        assertEquals("br0", bridge.bridge());
        assertFalse(bridge.brNetfilter(), "no br_netfilter file: off");
        assertEquals("br0 is a bridge (inline); br_netfilter off", bridge.describe());

        Files.createDirectories(proc.resolve("net/bridge"));
        Files.writeString(proc.resolve("net/bridge/bridge-nf-call-iptables"), "1\n");
        Topology port = Topology.detect(net, proc, "eth1");
        assertEquals("port", port.role());
        assertEquals("br0", port.bridge());
        assertTrue(port.brNetfilter());

        Topology plain = Topology.detect(net, proc, "eth0");
        assertFalse(plain.bridged());
        assertEquals("eth0 is not on a bridge", plain.describe());
        assertFalse(Topology.detect(net, proc, "wlan9").bridged(), "a missing interface is not a bridge");
        assertEquals(Topology.NONE, Topology.detect(net, proc, ""));
    }

    @Test
    void ipsetSaysWhenBridgedTrafficIsNotEnforced() {
        Commands none = new Commands(java.util.List.of(), 1000);
        String off = new IpsetBackend(none, "AEGIS-DROP", new Topology("br0", "br0", "bridge", false), EnforcementSettings.RateLimit.DEFAULT, java.util.List.of()).hook();
        assertTrue(off.contains("bridged traffic on br0 is NOT enforced") && off.contains("modprobe br_netfilter"), off);
        String on = new IpsetBackend(none, "AEGIS-DROP", new Topology("br0", "br0", "bridge", true), EnforcementSettings.RateLimit.DEFAULT, java.util.List.of()).hook();
        assertTrue(on.contains("through br_netfilter"), on);
        assertEquals("nftables inet aegis_drop input+forward, bridge aegis_drop input+forward on br0",
                new NftBackend(none, "AEGIS-DROP", new Topology("eth1", "br0", "port", false), EnforcementSettings.RateLimit.DEFAULT, java.util.List.of()).hook());
    }
}
