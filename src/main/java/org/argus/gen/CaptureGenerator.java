package org.argus.gen;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a synthetic but well-formed Ethernet capture (classic pcap, microsecond timestamps, LINKTYPE_ETHERNET) for
 * the demo and for benchmarks: a small office LAN (192.168.1.0/24 and fd00::/64) talking to outside servers.
 *
 * <p>Mix, per "session" (deterministic for a seed): TCP connections with handshake, request/response data in
 * realistic sizes (mostly small ACKs and full 1514-byte segments) and FIN teardown; DNS queries and answers over UDP;
 * ICMP echo; ARP; now and then an IPv6 TCP connection; and one TCP SYN port scan (one source, 200 ports, RST
 * answers) in the middle, so the output shows what an attack looks like. Checksums are left zero (Argus does not
 * read them).
 */
public final class CaptureGenerator {
    private static final byte[] GW_MAC = {(byte) 0xf0, (byte) 0x9f, (byte) 0xc2, 0x00, 0x00, 0x01};
    /** Vendor prefixes the LAN hosts' MACs take turns with (Raspberry Pi, Intel, Apple, Philips Lighting, and one randomized). */
    private static final int[] LAN_OUIS = {0xb827eb, 0x001b21, 0x3c22fb, 0x001788, 0x020000};

    private final Random rnd;
    private final OutputStream out;
    private long tsMicros;
    private long packets;
    private final ByteBuffer frame = ByteBuffer.allocate(1600).order(ByteOrder.BIG_ENDIAN);
    private final ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);

    private CaptureGenerator(OutputStream out, long seed, long startEpochSeconds) {
        this.out = out;
        this.rnd = new Random(seed);
        this.tsMicros = startEpochSeconds * 1_000_000L;
    }

    /**
     * Writes the capture.
     *
     * @param file              output path (overwritten)
     * @param sessions          number of sessions (each ~2-40 packets; about 10 packets on average)
     * @param seed              random seed (same seed, same file)
     * @param startEpochSeconds time of the first packet
     * @param spanSeconds       the sessions are spread over about this many seconds
     * @return packets written
     * @throws IOException when the file cannot be written
     */
    public static long write(Path file, int sessions, long seed, long startEpochSeconds, int spanSeconds) throws IOException {
        return write(file, sessions, seed, startEpochSeconds, spanSeconds, true);
    }

    /**
     * Writes the capture, with or without its port scan (without: a baseline of normal traffic to train on).
     *
     * @param withScan include the one port scan halfway through
     * @return packets written
     * @throws IOException when the file cannot be written
     */
    public static long write(Path file, int sessions, long seed, long startEpochSeconds, int spanSeconds, boolean withScan)
            throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CaptureGenerator g = new CaptureGenerator(os, seed, startEpochSeconds);
            g.header();
            long stepMicros = Math.max(1, spanSeconds * 1_000_000L / Math.max(1, sessions));
            int scanAt = withScan ? sessions / 2 : -1;
            for (int s = 0; s < sessions; s++) {
                if (s == scanAt) {
                    g.portScan();
                }
                int kind = g.rnd.nextInt(100);
                if (kind < 55) {
                    g.tcpSession(false);
                } else if (kind < 60) {
                    g.tcpSession(true);
                } else if (kind < 85) {
                    g.dns();
                } else if (kind < 93) {
                    g.icmpEcho();
                } else {
                    g.arp();
                }
                g.tsMicros += stepMicros / 2 + g.rnd.nextInt((int) Math.min(Integer.MAX_VALUE, stepMicros));
            }
            return g.packets;
        }
    }

    /**
     * Writes a network sweep: one source (192.168.1.66) sends a single unanswered TCP SYN to {@code probes} distinct
     * (address, port) targets in 10.0.0.0/8, evenly over {@code spanSeconds} — one flow per probe, the worst case for
     * a flow table (the memory benchmark's input).
     *
     * @return packets written (= probes)
     * @throws IOException when the file cannot be written
     */
    public static long writeSweep(Path file, long probes, long seed, long startEpochSeconds, int spanSeconds) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            CaptureGenerator g = new CaptureGenerator(os, seed, startEpochSeconds);
            g.header();
            long stepNanos = Math.max(1, spanSeconds * 1_000_000_000L / Math.max(1, probes));
            long t0 = g.tsMicros;
            int attacker = 0xc0a80142, sport = 40000 + g.rnd.nextInt(20000);
            for (long i = 0; i < probes; i++) {
                int target = 0x0a000000 | (int) ((i / 4) & 0xffffff);
                int port = new int[] {22, 80, 443, 3389}[(int) (i % 4)];
                g.tsMicros = t0 + i * stepNanos / 1000;
                g.tcp4(attacker, target, sport, port, 0x02, 0);
            }
            return g.packets;
        }
    }

    private void header() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.write(h.array());
    }

    /**
     * The MAC a frame to or from an IPv4 address carries: a LAN host (192.168.1.2–254 but the gateway .1) has its own,
     * its vendor prefix chosen by its address; every other address is behind the gateway.
     */
    private static byte[] mac(int v4) {
        if ((v4 & 0xffffff00) != 0xc0a80100 || (v4 & 0xff) == 1) {
            return GW_MAC;
        }
        return hostMac(v4 & 0xff);
    }

    private static byte[] mac6(long hi, long lo) {
        return (hi >>> 56) == 0xfd ? hostMac((int) (lo & 0xff)) : GW_MAC;
    }

    private static byte[] hostMac(int host) {
        int oui = LAN_OUIS[host % LAN_OUIS.length];
        return new byte[] {(byte) (oui >>> 16), (byte) (oui >>> 8), (byte) oui, 0x00, 0x01, (byte) host};
    }

    private int lanV4() {
        return 0xc0a80100 | (10 + rnd.nextInt(40));
    }

    private int wanV4() {
        int[] servers = {0x5db8d822, 0x8efa4a2e, 0x68102a39, 0x0d20b3c4, 0x2d39a1c3, 0x97656141, 0x17d70c4e};
        return servers[rnd.nextInt(servers.length)];
    }

    private void tcpSession(boolean v6) throws IOException {
        int client = lanV4(), server = wanV4();
        long cHi = 0xfd00000000000000L, cLo = 0x10 + rnd.nextInt(40), sHi = 0x2001067c04e8f004L, sLo = 0x200e;
        int cport = 32768 + rnd.nextInt(28000);
        int sport = rnd.nextInt(10) < 8 ? 443 : 80;
        Tcp t = (from, flags, payload) -> {
            if (v6) {
                tcp6(from ? cHi : sHi, from ? cLo : sLo, from ? sHi : cHi, from ? sLo : cLo,
                        from ? cport : sport, from ? sport : cport, flags, payload);
            } else {
                tcp4(from ? client : server, from ? server : client, from ? cport : sport, from ? sport : cport, flags, payload);
            }
        };
        t.send(true, 0x02, 0);
        t.send(false, 0x12, 0);
        t.send(true, 0x10, 0);
        int exchanges = 1 + rnd.nextInt(4);
        for (int e = 0; e < exchanges; e++) {
            t.send(true, 0x18, 80 + rnd.nextInt(600));
            int segments = rnd.nextInt(10) < 7 ? 1 + rnd.nextInt(3) : 5 + rnd.nextInt(20);
            for (int k = 0; k < segments; k++) {
                t.send(false, 0x10 | (k == segments - 1 ? 0x08 : 0), k == segments - 1 ? 100 + rnd.nextInt(1300) : 1460 - (v6 ? 20 : 0));
                if (k % 2 == 1) {
                    t.send(true, 0x10, 0);
                }
            }
        }
        t.send(true, 0x11, 0);
        t.send(false, 0x11, 0);
        t.send(true, 0x10, 0);
    }

    @FunctionalInterface
    private interface Tcp {
        void send(boolean fromClient, int flags, int payload) throws IOException;
    }

    private void portScan() throws IOException {
        int attacker = 0xc0a80163; // 192.168.1.99
        int target = 0xc0a80105;   // 192.168.1.5
        int sport = 40000 + rnd.nextInt(20000);
        for (int p = 1; p <= 200; p++) {
            tcp4(attacker, target, sport, p, 0x02, 0);
            if (p == 22 || p == 80 || p == 443) {
                tcp4(target, attacker, p, sport, 0x12, 0);
                tcp4(attacker, target, sport, p, 0x04, 0);
            } else {
                tcp4(target, attacker, p, sport, 0x14, 0);
            }
        }
    }

    private void dns() throws IOException {
        int client = lanV4(), resolver = 0xc0a80101;
        int cport = 1024 + rnd.nextInt(60000);
        udp4(client, resolver, cport, 53, 30 + rnd.nextInt(30));
        udp4(resolver, client, 53, cport, 60 + rnd.nextInt(200));
    }

    private void icmpEcho() throws IOException {
        int client = lanV4(), server = wanV4();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            final int i = k;
            ipv4(client, server, 1, 64, b -> b.put((byte) 8).put((byte) 0).putShort((short) 0).putInt(i));
            ipv4(server, client, 1, 64, b -> b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(i));
        }
    }

    private void arp() throws IOException {
        frame.clear();
        int sender = lanV4();
        frame.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(mac(sender)).putShort((short) 0x0806);
        frame.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        frame.put(mac(sender)).putInt(sender).put(new byte[6]).putInt(0xc0a80101);
        while (frame.position() < 60) {
            frame.put((byte) 0);
        }
        emit(frame.position());
    }

    private interface Body {
        void fill(ByteBuffer b);
    }

    private void tcp4(int src, int dst, int sport, int dport, int flags, int payload) throws IOException {
        ipv4(src, dst, 6, 20 + payload, b -> tcpHeader(b, sport, dport, flags, payload));
    }

    private void udp4(int src, int dst, int sport, int dport, int payload) throws IOException {
        ipv4(src, dst, 17, 8 + payload, b -> {
            b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload)).putShort((short) 0);
            b.position(b.position() + payload);
        });
    }

    private static void tcpHeader(ByteBuffer b, int sport, int dport, int flags, int payload) {
        b.putShort((short) sport).putShort((short) dport).putInt(0).putInt(0);
        b.put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.position(b.position() + payload);
    }

    private void ipv4(int src, int dst, int proto, int l4len, Body body) throws IOException {
        frame.clear();
        Arrays0.zero(frame);
        frame.put(mac(dst)).put(mac(src)).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4len)).putShort((short) rnd.nextInt(65536))
                .putShort((short) 0x4000).put((byte) 64).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
        body.fill(frame);
        emit(Math.max(60, frame.position()));
    }

    private void tcp6(long sHi, long sLo, long dHi, long dLo, int sport, int dport, int flags, int payload)
            throws IOException {
        frame.clear();
        Arrays0.zero(frame);
        frame.put(mac6(dHi, dLo)).put(mac6(sHi, sLo)).putShort((short) 0x86dd);
        frame.putInt(0x60000000).putShort((short) (20 + payload)).put((byte) 6).put((byte) 64)
                .putLong(sHi).putLong(sLo).putLong(dHi).putLong(dLo);
        tcpHeader(frame, sport, dport, flags, payload);
        emit(frame.position());
    }

    private void emit(int len) throws IOException {
        tsMicros += 50 + rnd.nextInt(3000);
        rec.clear();
        rec.putInt((int) (tsMicros / 1_000_000L)).putInt((int) (tsMicros % 1_000_000L)).putInt(len).putInt(len);
        out.write(rec.array());
        out.write(frame.array(), 0, len);
        packets++;
    }

    /** Zeroing helper kept apart so the hot frame builder stays readable. */
    private static final class Arrays0 {
        private static final byte[] ZERO = new byte[1600];

        static void zero(ByteBuffer b) {
            System.arraycopy(ZERO, 0, b.array(), 0, ZERO.length);
        }
    }
}
