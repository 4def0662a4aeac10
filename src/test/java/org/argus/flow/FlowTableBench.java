package org.argus.flow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.argus.capture.PacketBatch;
import org.argus.capture.PcapFileReader;
import org.argus.gen.CaptureGenerator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: the flow table and the window assembler, in packets per second, on decoded batches of a generated capture
 * (fixed seed; 60 s of traffic, so 12 windows and their flow records per operation). Run with
 * {@code scripts/bench-jmh.sh}; besides operations (whole captures) per second, JMH reports the secondary result
 * {@code packets}: packets per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlowTableBench {
    private final List<PacketBatch> batches = new ArrayList<>();
    private long packets;

    @Setup
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("argus-jmh");
        Path file = dir.resolve("flows.pcap");
        try {
            CaptureGenerator.write(file, 3000, 11, 1_795_000_000L, 60);
            new PcapFileReader(file, 1024).read(batches::add);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        packets = batches.stream().mapToLong(PacketBatch::size).sum();
    }

    /** Counts packets, so JMH reports packets per second next to operations per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Packets {
        public long packets;
    }

    /** Packets → flow table → closed windows with their flow records (the flow stage of the sensor and the replay). */
    @Benchmark
    public void assembleWindows(Blackhole bh, Packets counted) {
        counted.packets += packets;
        WindowAssembler a = new WindowAssembler(FlowSettings.defaults(), new FlowStats(), bh::consume);
        for (PacketBatch b : batches) {
            a.accept(b);
        }
        a.flush();
    }

    /** The flow table alone: every packet accounted, one emit at the end (no window logic). */
    @Benchmark
    public int accountOnly(Packets counted) {
        counted.packets += packets;
        FlowTable t = new FlowTable(262_144, 262_144);
        for (PacketBatch b : batches) {
            for (int k = 0; k < b.size(); k++) {
                if (b.kind[k] == PacketBatch.KIND_FLOW) {
                    int p = b.ports[k];
                    t.account(b.proto[k], (b.info[k] & PacketBatch.INFO_V6) != 0, b.srcHi[k], b.srcLo[k], b.dstHi[k],
                            b.dstLo[k], p >>> 16, p & 0xffff, b.tsNanos[k], b.wireLen[k], b.tcpFlags[k] & 0xff, b.icmpTypeCode[k]);
                }
            }
        }
        return t.emit().size();
    }
}
