package org.argus.detect;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.argus.bench.DetectorBench;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.flow.FlowWindow;
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
 * JMH: the heuristics (window analysis and every detector, state kept across windows) on a spoofed SYN flood — 12
 * windows of 10 000 one-flow sources each, every source new — in windows per second. The worst case for per-source
 * state: port-scan histories, flood and brute-force tables.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HeuristicsBench {
    private List<FlowWindow> windows;
    private Heuristics heuristics;
    private DetectionSettings settings;
    private int next;

    @Setup
    public void setup() throws Exception {
        settings = ArgusConfig.from(ConfigLoader.merge(new JsonObject().put("anonymization",
                new JsonObject().put("generate_salt", true)), Map.of())).detection();
        windows = DetectorBench.spoofedFlood(1_764_000_000L, 120_000, 12);
        heuristics = new Heuristics(settings.heuristics());
    }

    /** One window: analysis and every detector. */
    @Benchmark
    public int spoofedFloodWindow() {
        FlowWindow w = windows.get(next++ % windows.size());
        // windows must come in time order: shift each pass by the span of the list
        long shift = (long) (next / windows.size()) * windows.size() * 5_000_000_000L;
        return heuristics.evaluate(new WindowAnalysis(w.startNanos() + shift, w.durationSeconds(), w.flows())).size();
    }
}
