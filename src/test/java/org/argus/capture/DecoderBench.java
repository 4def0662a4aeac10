package org.argus.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.argus.gen.CaptureGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the capture-file parser and the packet decoder, in packets per second. Input: the first {@link #FRAMES} frames
 * of a capture made by the project's generator (fixed seed: TCP sessions with the realistic size mix, DNS, ICMP, ARP,
 * IPv6), rewritten as a pcap of exactly that many frames. Run with {@code scripts/bench-jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecoderBench {
    static final int FRAMES = 1 << 16;

    private Path dir;
    private Path file;
    private ByteBuffer frames;
    private final int[] offset = new int[FRAMES];
    private final int[] caplen = new int[FRAMES];
    private final int[] wireLen = new int[FRAMES];
    private final long[] ts = new long[FRAMES];
    private PacketDecoder decoder;
    private final PacketBatch batch = new PacketBatch(1024);

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("argus-jmh");
        Path generated = dir.resolve("generated.pcap");
        CaptureGenerator.write(generated, 4000, 7, 1_795_000_000L, 60);
        frames = ByteBuffer.allocateDirect(FRAMES * 1600);
        int n = 0;
        try (CaptureFileParser p = CaptureFileParser.open(generated)) {
            decoder = new PacketDecoder(p.linkType());
            while (n < FRAMES && p.next()) {
                offset[n] = frames.position();
                caplen[n] = p.caplen;
                wireLen[n] = p.wireLen;
                ts[n] = p.tsNanos;
                frames.put(p.frameBytes());
                n++;
            }
        }
        if (n < FRAMES) {
            throw new IllegalStateException("the generated capture has only " + n + " frames");
        }
        frames.flip();
        file = dir.resolve("frames.pcap");
        ByteBuffer out = ByteBuffer.allocate(24 + FRAMES * 16 + frames.limit()).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(decoder.linkType());
        for (int i = 0; i < FRAMES; i++) {
            out.putInt((int) (ts[i] / 1_000_000_000L)).putInt((int) (ts[i] % 1_000_000_000L)).putInt(caplen[i]).putInt(wireLen[i]);
            out.put(frames.slice(offset[i], caplen[i]));
        }
        out.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir.resolve("generated.pcap"));
        Files.deleteIfExists(dir);
    }

    /** Decoding frames already in memory into batch rows (link, IP, IPv6 extensions, ports, flags). */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int decode() {
        int sum = 0;
        for (int i = 0; i < FRAMES; i++) {
            if (batch.isFull()) {
                sum += batch.ports[7];
                batch.clear();
            }
            decoder.decode(frames, offset[i], caplen[i], ts[i], wireLen[i], batch);
        }
        return sum;
    }

    /** Reading the pcap file (page cache) and decoding every frame: what the replay's reader thread does. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long parseAndDecode() throws IOException {
        long sum = 0;
        try (CaptureFileParser p = CaptureFileParser.open(file)) {
            while (p.next()) {
                if (batch.isFull()) {
                    sum += batch.ports[7];
                    batch.clear();
                }
                decoder.decode(p.frames(), p.offset, p.caplen, p.tsNanos, p.wireLen, batch);
            }
        }
        return sum;
    }
}
