package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Traffic recorded with tcpdump inside a namespace, then replayed with the real jar: the ITs' record-and-replay. */
final class Recording {
    private Recording() {
    }

    /**
     * Runs a shell script while tcpdump records interface {@code dev} of namespace {@code ns} into {@code cap}
     * (its output beside it, {@code <cap>.log}).
     *
     * @return the script's exit code
     */
    static int record(String ns, String dev, Path cap, String script) throws Exception {
        Files.deleteIfExists(cap);
        Process dump = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-i", dev, "-n", "-B", "32768",
                "--immediate-mode", "-U", "-w", cap.toString()).redirectErrorStream(true).start();
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> Files.exists(cap)), "tcpdump started");
        Thread.sleep(500);
        Process run = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(cap.resolveSibling(cap.getFileName() + ".log").toFile()).start();
        assertTrue(run.waitFor(5, TimeUnit.MINUTES), "scenario finished: " + script);
        int code = run.exitValue();
        Thread.sleep(1000); // the last answers reach the capture
        dump.destroy();
        assertTrue(dump.waitFor(10, TimeUnit.SECONDS));
        return code;
    }

    /** Replays a capture with the jar into {@code out}: its decisions, one JSON object each. */
    static List<JsonObject> replay(Path cap, Path out, String salt) throws Exception {
        return replay(cap, out, Map.of("ARGUS_IP_SALT", salt));
    }

    /** Replays a capture with the jar, configured by {@code env} (ARGUS_* variables), into {@code out}: its decisions. */
    static List<JsonObject> replay(Path cap, Path out, Map<String, String> env) throws Exception {
        SensorProcess.Result replay = SensorProcess.run(env, "replay", cap.toString(), "--out", out.toString());
        assertEquals(0, replay.code(), replay.output());
        return decisions(out);
    }

    /**
     * The decisions in a folder's {@code decisions-*.jsonl} files, one JSON object each (none: empty). A running sensor may
     * be writing a line: a last line without its newline is left for the next read.
     */
    static List<JsonObject> decisions(Path out) throws java.io.IOException {
        List<JsonObject> decisions = new ArrayList<>();
        if (!Files.isDirectory(out)) {
            return decisions;
        }
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("decisions-")).sorted().toList()) {
                String text = Files.readString(f);
                int end = text.lastIndexOf('\n');
                text.substring(0, end + 1).lines().forEach(l -> decisions.add(new JsonObject(l)));
            }
        }
        return decisions;
    }

    /**
     * Spaces out the TCP connections to {@code port} of a capture tcpdump wrote (classic pcap, microseconds, host byte
     * order little-endian, Ethernet): the i-th connection (by its first packet) starts {@code i × gap} after the first,
     * each keeping its own packets' timing, so a tool's real connections arrive at another tool's pace. Other packets
     * are left out.
     *
     * @return the connections written
     */
    static int respace(Path in, Path out, int port, Duration gap) throws java.io.IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(in)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), in + ": a little-endian microsecond pcap");
        assertEquals(1, b.getInt(20), in + ": Ethernet");
        record Packet(long micros, int clientPort, byte[] record) {
        }
        List<Packet> packets = new ArrayList<>();
        for (int o = 24; o + 16 <= b.limit(); ) {
            int caplen = b.getInt(o + 8);
            int f = o + 16; // Ethernet, IPv4 without options, TCP
            if (caplen >= 54 && (b.getShort(f + 12) & 0xffff) == 0x0008 && b.get(f + 23) == 6) {
                java.nio.ByteBuffer be = b.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
                int src = be.getShort(f + 34) & 0xffff, dst = be.getShort(f + 36) & 0xffff;
                if (src == port || dst == port) {
                    byte[] rec = new byte[16 + caplen];
                    b.get(o, rec);
                    packets.add(new Packet(b.getInt(o) * 1_000_000L + b.getInt(o + 4), src == port ? dst : src, rec));
                }
            }
            o += 16 + caplen;
        }
        Map<Integer, Long> first = new java.util.LinkedHashMap<>();
        packets.forEach(p -> first.putIfAbsent(p.clientPort(), p.micros()));
        Map<Integer, Long> start = new java.util.HashMap<>();
        long t0 = packets.isEmpty() ? 0 : packets.get(0).micros();
        int i = 0;
        for (int client : first.keySet()) {
            start.put(client, t0 + i++ * gap.toNanos() / 1000);
        }
        List<long[]> order = new ArrayList<>(); // {new time, index}
        for (int k = 0; k < packets.size(); k++) {
            Packet p = packets.get(k);
            order.add(new long[] {start.get(p.clientPort()) + p.micros() - first.get(p.clientPort()), k});
        }
        order.sort(java.util.Comparator.comparingLong((long[] x) -> x[0]).thenComparingLong(x -> x[1]));
        try (var w = new java.io.BufferedOutputStream(Files.newOutputStream(out))) {
            byte[] header = new byte[24];
            b.get(0, header);
            w.write(header);
            for (long[] x : order) {
                byte[] rec = packets.get((int) x[1]).record().clone();
                java.nio.ByteBuffer.wrap(rec).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putInt(0, (int) (x[0] / 1_000_000)).putInt(4, (int) (x[0] % 1_000_000));
                w.write(rec);
            }
        }
        return first.size();
    }
}
