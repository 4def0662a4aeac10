package org.argus.intel;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: threat-feed lookups against a 500 000-entry snapshot (450 000 IPv4 blocks — 80 % single addresses, the rest
 * /16–/31, many nested — and 50 000 IPv6 /32–/128 blocks), in lookups per second, each batch of 262 144 addresses (more than the caches hold): random
 * IPv4 (mostly misses, as most traffic is), addresses inside listed blocks (hits), and IPv6. The setup prints the
 * heap the snapshot holds (used heap after a full GC, with and without it) against the 64 MiB budget.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class IntelBench {
    static final int ENTRIES_V4 = 450_000, ENTRIES_V6 = 50_000, BATCH = 262_144;

    private ThreatIntel intel;
    private IpAddress[] random4, hits4, random6;

    /** The feed: a fixed seed, so every run has the same blocks. */
    static List<FeedFormat.Indicator> feed() {
        Random rnd = new Random(7);
        Set<BanTarget> blocks = new LinkedHashSet<>();
        while (blocks.size() < ENTRIES_V4) {
            int a = rnd.nextInt();
            int prefix = rnd.nextInt(10) < 8 ? 32 : 16 + rnd.nextInt(16);
            blocks.add(BanTarget.parseCidr(IpAddress.v4(a) + "/" + prefix));
        }
        while (blocks.size() < ENTRIES_V4 + ENTRIES_V6) {
            int prefix = 32 + rnd.nextInt(97);
            blocks.add(BanTarget.parseCidr(IpAddress.v6(0x2000_0000_0000_0000L | (rnd.nextLong() >>> 4), rnd.nextLong()) + "/" + prefix));
        }
        List<FeedFormat.Indicator> out = new ArrayList<>();
        blocks.forEach(b -> out.add(new FeedFormat.Indicator(b, null)));
        return out;
    }

    static ThreatIntel build(List<FeedFormat.Indicator> feed) {
        return ThreatIntel.build(List.of(new ThreatIntel.Feed("bench", "bench.txt", FeedFormat.PLAIN, "malicious", 80, 60)),
                List.of(feed), List.of(), java.time.Instant.now());
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Setup(Level.Trial)
    public void setup() {
        List<FeedFormat.Indicator> feed = feed();
        long before = usedAfterGc();
        intel = build(feed);
        long after = usedAfterGc();
        System.out.printf("%nintel snapshot: %d entries, %d IPv4 + %d IPv6 ranges, heap held %.1f MiB (estimate %.1f MiB)%n",
                intel.size(), intel.prefixSet().ranges()[0], intel.prefixSet().ranges()[1], (after - before) / 1048576.0,
                (intel.prefixSet().bytes() + 25L * intel.size()) / 1048576.0);
        Random rnd = new Random(11);
        random4 = new IpAddress[BATCH];
        hits4 = new IpAddress[BATCH];
        random6 = new IpAddress[BATCH];
        for (int i = 0; i < BATCH; i++) {
            random4[i] = IpAddress.v4(rnd.nextInt());
            BanTarget b = feed.get(rnd.nextInt(ENTRIES_V4)).block();
            hits4[i] = IpAddress.v4((int) (b.network().lo() + (b.prefix() == 32 ? 0 : rnd.nextInt(1 << (32 - b.prefix())))));
            random6[i] = IpAddress.v6(0x2000_0000_0000_0000L | (rnd.nextLong() >>> 4), rnd.nextLong());
        }
    }

    /** Random IPv4 addresses (mostly not listed). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int randomV4() {
        int n = 0;
        for (IpAddress a : random4) {
            n += intel.listed(a) ? 1 : 0;
        }
        return n;
    }

    /** IPv4 addresses inside listed blocks. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int listedV4() {
        int n = 0;
        for (IpAddress a : hits4) {
            n += intel.listed(a) ? 1 : 0;
        }
        return n;
    }

    /** Random IPv6 addresses in 2000::/4. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int randomV6() {
        int n = 0;
        for (IpAddress a : random6) {
            n += intel.listed(a) ? 1 : 0;
        }
        return n;
    }
}
