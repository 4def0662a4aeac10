package org.argus.anon;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.argus.flow.IpAddress;
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

/**
 * JMH: pseudonyms of addresses never seen before (a spoofed flood: every lookup misses the cache), in pseudonyms per
 * second: {@link Anonymizer} (precomputed HMAC states) against the JDK's {@code Mac.doFinal} on the same text.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnonymizerBench {
    private Anonymizer anonymizer;
    private Mac mac;
    private int next = 0x0a000000;

    @Setup
    public void setup() throws Exception {
        anonymizer = new Anonymizer("bench-salt");
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("bench-salt".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    /** A new address each call, through the cache (a miss) and the HMAC. */
    @Benchmark
    public String freshAddress() {
        return anonymizer.anonymize(IpAddress.v4(next++));
    }

    /** The pseudonym of an address's text, no cache: precomputed HMAC states (what {@link Anonymizer} does). */
    @Benchmark
    public String hmacPrecomputed() {
        return anonymizer.anonymize(IpAddress.v4(next++).toString());
    }

    /** The same with the JDK's {@code Mac.doFinal} (what {@link Anonymizer} did before). */
    @Benchmark
    public String jdkMac() {
        byte[] h = mac.doFinal(IpAddress.v4(next++).toString().getBytes(StandardCharsets.UTF_8));
        return "ip_" + java.util.HexFormat.of().formatHex(h, 0, 6);
    }
}
