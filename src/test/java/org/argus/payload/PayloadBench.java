package org.argus.payload;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * JMH: payloads classified per second (features of the first 256 bytes + ten-class scoring), on generated requests
 * cut to 256 bytes (the escalation path's worst case: every payload full length). The weights are random: the cost
 * does not depend on their values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PayloadBench {
    private PayloadModel model;
    private byte[][] payloads;
    private int next;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        List<String> classes = List.of("benign", "command_injection", "file_inclusion", "ldap_injection", "nosql_injection", "path_traversal",
                "sql_injection", "ssti", "xss", "xxe");
        double[][] w = new double[classes.size()][PayloadFeatures.SIZE + 1];
        for (double[] row : w) {
            for (int i = 0; i < row.length; i++) {
                row[i] = r.nextDouble() - 0.5;
            }
        }
        model = new PayloadModel(classes, w);
        List<PayloadTrainer.Sample> s = PayloadTrainer.benignGenerated(1024, 3);
        payloads = new byte[s.size()][];
        for (int i = 0; i < payloads.length; i++) {
            byte[] b = PayloadTrainer.wrap(new String(s.get(i).bytes(), java.nio.charset.StandardCharsets.UTF_8), i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            payloads[i] = java.util.Arrays.copyOf(b, 256);
        }
    }

    /** One 256-byte payload: features and verdict. */
    @Benchmark
    public PayloadModel.Verdict classify() {
        byte[] p = payloads[next++ & (payloads.length - 1)];
        return model.classify(p, p.length);
    }
}
