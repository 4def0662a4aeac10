package org.argus.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.argus.blacklist.BanTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The XDP backend against the real kernel inside two network namespaces the test creates and deletes (sensor A,
 * attacker B on a veth pair; the host's interfaces are never touched), with the program built by the pom and its maps
 * pinned on a bpffs the test mounts in its own temporary directory: banned IPv4 and IPv6 sources are dropped and
 * each entry's counter equals the packets sent, 802.1Q and QinQ frames (written raw, since this kernel has no VLAN
 * devices) are parsed to the IP header, a restart keeps the program and maps, feed entries drop too, and removing
 * everything restores traffic and leaves no pin.
 */
class XdpBackendTest {
    private final String nsA = "argus-xdp-a-" + ProcessHandle.current().pid();
    private final String nsB = "argus-xdp-b-" + ProcessHandle.current().pid();
    private final Commands host = new Commands(List.of(), 20_000);
    private Commands inA;
    private Path pins;

    @TempDir
    Path dir;

    @BeforeEach
    void namespaces() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : new String[] {"ip", "bpftool", "hping3", "busybox", "python3"}) {
            assumeTrue(host.run(null, "sh", "-c", "command -v " + tool).exit() == 0, "needs " + tool);
        }
        assumeTrue(XdpBackend.class.getResource("/bpf/argus_xdp.o") != null, "the XDP object is built by the pom");
        host.must(null, "ip", "netns", "add", nsA);
        host.must(null, "ip", "netns", "add", nsB);
        host.must(null, "ip", "-n", nsA, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", nsB);
        host.must(null, "ip", "-n", nsA, "addr", "add", "10.78.1.1/24", "dev", "va");
        host.must(null, "ip", "-n", nsB, "addr", "add", "10.78.1.2/24", "dev", "vb");
        host.must(null, "ip", "-n", nsA, "-6", "addr", "add", "fd78::1/64", "dev", "va", "nodad");
        host.must(null, "ip", "-n", nsB, "-6", "addr", "add", "fd78::2/64", "dev", "vb", "nodad");
        for (String[] c : new String[][] {{nsA, "va"}, {nsA, "lo"}, {nsB, "vb"}, {nsB, "lo"}}) {
            host.must(null, "ip", "-n", c[0], "link", "set", c[1], "up");
        }
        inA = new Commands(List.of("ip", "netns", "exec", nsA), 20_000);
        host.must(null, "mount", "-t", "bpf", "bpf", dir.toString());
        pins = dir.resolve("argus");
    }

    @AfterEach
    void cleanup() throws Exception {
        host.run(null, "ip", "netns", "del", nsA); // the program goes with the interface
        host.run(null, "ip", "netns", "del", nsB);
        host.run(null, "umount", dir.toString());
    }

    private boolean answered() throws Exception {
        Commands.Result r = host.run(null, "ip", "netns", "exec", nsB, "hping3", "-S", "-p", "80", "-c", "3", "-i", "u100000", "10.78.1.1");
        return !(r.out() + r.err()).contains("100% packet loss"); // hping3 prints its statistics on stderr
    }

    private boolean answeredV6() throws Exception {
        return host.run(null, "ip", "netns", "exec", nsB, "busybox", "ping", "-6", "-c", "2", "-W", "1", "fd78::1").exit() == 0;
    }

    /** Sends {@code n} UDP frames from 10.78.1.2 on vb with the given VLAN tags (outer first: TPID, VLAN id). */
    private void sendTagged(int n, int... tags) throws Exception {
        StringBuilder t = new StringBuilder("[");
        for (int i = 0; i < tags.length; i += 2) {
            t.append("(").append(tags[i]).append(",").append(tags[i + 1]).append("),");
        }
        String script = """
                import socket, struct, sys
                tags, n = %s], %d
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                s.bind(("vb", 0))
                def checksum(b):
                    total = sum(struct.unpack("!10H", b))
                    total = (total & 0xffff) + (total >> 16)
                    return (~((total & 0xffff) + (total >> 16))) & 0xffff
                payload = struct.pack("!HHHH", 40000, 9, 12, 0) + b"argus"
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, 17, 0,
                                 socket.inet_aton("10.78.1.2"), socket.inet_aton("10.78.1.1"))
                ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
                frame = b"\\xff" * 6 + b"\\x02\\x00\\x00\\x00\\x00\\x02"
                for tpid, vid in tags:
                    frame += struct.pack("!HH", tpid, vid)
                frame += struct.pack("!H", 0x0800) + ip + payload
                for _ in range(n):
                    s.send(frame)
                """.formatted(t, n);
        host.must(script, "ip", "netns", "exec", nsB, "python3", "-");
    }

    private static BanTarget t(String s) {
        return BanTarget.parse(s);
    }

    @ParameterizedTest
    @EnumSource(value = XdpBackend.Mode.class, names = {"GENERIC", "NATIVE"})
    void bansDropInTheDriverAndCountWhatTheyDrop(XdpBackend.Mode mode) throws Exception {
        XdpBackend b = new XdpBackend(inA, "va", pins, mode);
        assertTrue(answered(), "before: A answers (RST)");
        assertTrue(answeredV6(), "before: A answers over IPv6");
        // an older version's program left attached and pinned under another digest: replaced, not kept
        Path object = Files.createTempFile("argus-old", ".o"); // not in dir: that is the bpffs
        try (var in = XdpBackend.class.getResourceAsStream("/bpf/argus_xdp.o")) {
            Files.copy(in, object, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        inA.must(null, "mkdir", "-p", pins.toString());
        inA.must(null, "bpftool", "prog", "load", object.toString(), pins.resolve("prog-000000000000").toString(), "type", "xdp",
                "pinmaps", pins.resolve("maps").toString());
        inA.must(null, "bpftool", "net", "attach", "xdpgeneric", "pinned", pins.resolve("prog-000000000000").toString(), "dev", "va");
        b.install();
        Files.delete(object);
        assertFalse(Files.exists(pins.resolve("prog-000000000000")), "the old program's pin is gone");
        assertEquals("xdp " + (mode == XdpBackend.Mode.NATIVE ? "native" : "generic") + " on va", b.hook());
        assertTrue(Files.exists(pins.resolve("maps").resolve("ban4")), "maps pinned under " + pins);
        assertTrue(inA.must(null, "ip", "-d", "link", "show", "dev", "va").out().contains("name " + XdpBackend.PROGRAM), "attached");
        b.apply(List.of(t("10.78.1.2"), t("fd78::2"), t("2001:db8::/32")), List.of());
        assertEquals(Set.of(t("10.78.1.2"), t("fd78::2"), t("2001:db8::/32")), b.members());
        assertFalse(answered(), "banned: no answer");
        assertEquals(3L, b.dropped().get(t("10.78.1.2")), "the entry counted hping3's three SYNs: " + b.dropped());
        assertFalse(answeredV6(), "banned over IPv6 too");
        assertTrue(b.dropped().get(t("fd78::2")) >= 2, b.dropped().toString());
        assertEquals(0L, b.dropped().get(t("2001:db8::/32")));

        // 802.1Q and QinQ (802.1ad outer tag) frames are parsed to the IP header
        long before = b.dropped().get(t("10.78.1.2"));
        long notIp = b.totals().get("not_ip");
        sendTagged(4, 0x8100, 7);
        sendTagged(4, 0x88a8, 100, 0x8100, 7);
        assertEquals(before + 8, b.dropped().get(t("10.78.1.2")), "tagged frames dropped by their IP source");
        assertTrue(b.totals().get("not_ip") - notIp < 8, "they did not pass as non-IP (ARP may): " + b.totals());
        assertTrue(b.totals().get("dropped_ban") >= before + 8, b.totals().toString());

        // a restart finds the program and its maps in place
        XdpBackend again = new XdpBackend(inA, "va", pins, mode);
        again.install();
        assertEquals(b.members(), again.members());
        assertEquals(b.hook(), again.hook());

        again.apply(List.of(), List.of(t("10.78.1.2"), t("10.78.1.99")));
        assertEquals(Set.of(t("fd78::2"), t("2001:db8::/32")), again.members(), "removing a non-member is harmless");
        assertTrue(answered(), "unbanned: answers again");

        // feed entries: their own maps, replaced as a whole
        again.replaceListed(List.of(t("10.78.1.0/24"), t("198.51.100.0/24")));
        assertFalse(answered(), "a listed network drops");
        assertTrue(again.totals().get("dropped_feed") >= 3, again.totals().toString());
        assertEquals(again.members(), Set.of(t("fd78::2"), t("2001:db8::/32")), "feed entries are not bans");
        again.replaceListed(List.of(t("198.51.100.0/24")));
        assertTrue(answered(), "the replaced list no longer holds 10.78.1.0/24");

        again.removeAll();
        again.removeAll(); // twice is harmless
        assertTrue(again.members().isEmpty());
        assertFalse(Files.exists(pins), "nothing left pinned");
        assertFalse(inA.must(null, "ip", "-d", "link", "show", "dev", "va").out().contains("name " + XdpBackend.PROGRAM), "detached");
        assertTrue(answered(), "after the emergency removal traffic flows");
        assertTrue(answeredV6());
    }
}
