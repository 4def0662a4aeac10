package org.argus.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.detect.DetectionSettings;
import org.argus.detect.Detector;
import org.argus.detect.FeatureSet;
import org.argus.detect.ModelManager;
import org.argus.detect.ModelStore;
import org.argus.detect.Reservoir;
import org.argus.detect.WindowAnalysis;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowAssembler;
import org.argus.gen.CaptureGenerator;

/**
 * Scoring-cost harness (run by {@code scripts/bench-scoring.sh}, never as a test): trains a model on the project's
 * generated baseline capture with the default features, then measures, on a second generated capture, (1) feature
 * extraction, (2) Isolation Forest scoring one row at a time and (3) in batches (Smile scores a batch in parallel),
 * and (4) the whole per-window detector (heuristics + features + model + merging), in flows per second. Prints one JSON line of rows/s.
 *
 * <p>Arguments: {@code [sessions] [repetitions]} (defaults 20000 and 5).
 */
public final class ScoringBench {
    private ScoringBench() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("argus-bench");
        long t0 = Instant.now().getEpochSecond() - 7200;
        Path base = dir.resolve("baseline.pcap"), test = dir.resolve("test.pcap");
        CaptureGenerator.write(base, sessions, 2, t0, 600, false);
        CaptureGenerator.write(test, sessions, 3, t0 + 3600, 600, true);
        FeatureSet set = FeatureSet.of(List.of("packets_out", "packets_in", "bytes_out", "bytes_in", "pkt_size_mean",
                "src_port", "dst_port", "protocol", "responder_silent", "src_flows", "src_distinct_dst_hosts",
                "src_distinct_dst_ports", "src_silent_ratio"));
        Reservoir train = new Reservoir(100_000, 1);
        for (FlowWindow w : windows(base)) {
            new WindowAnalysis(w.startNanos(), w.durationSeconds(), w.flows()).rows(set, train::add);
        }
        Path models = dir.resolve("models");
        ModelStore.train(set, train.toArray(), new ModelStore.TrainOptions(100, 256, 99.9, 1), List.of("bench"), models, Instant.now());
        ModelStore.Loaded loaded = ModelStore.load(ModelStore.cards(models).get(0), set, Instant.now(), Duration.ZERO, Duration.ofDays(1));
        List<FlowWindow> windows = windows(test);
        List<double[]> all = new ArrayList<>();
        long flows = 0;
        for (FlowWindow w : windows) {
            flows += w.flows().size();
        }
        double featureRate = 0, singleRate = 0, batchRate = 0, detectorRate = 0;
        for (int r = 0; r < reps; r++) {
            all.clear();
            long a = System.nanoTime();
            for (FlowWindow w : windows) {
                new WindowAnalysis(w.startNanos(), w.durationSeconds(), w.flows()).rows(set, all::add);
            }
            featureRate = Math.max(featureRate, all.size() / ((System.nanoTime() - a) / 1e9));
            double[][] x = all.toArray(new double[0][]);
            double sink = 0;
            a = System.nanoTime();
            for (double[] row : x) {
                sink += loaded.model().rawScore(row);
            }
            singleRate = Math.max(singleRate, x.length / ((System.nanoTime() - a) / 1e9));
            a = System.nanoTime();
            sink += loaded.model().rawScores(x)[0];
            batchRate = Math.max(batchRate, x.length / ((System.nanoTime() - a) / 1e9));
            DetectionSettings s = ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                    .put("anonymization", new JsonObject().put("generate_salt", true))
                    .put("model", new JsonObject().put("model_local_path", models.toString()).put("min_model_age_hours", 0))
                    .put("prediction", new JsonObject().put("feature_columns", new JsonArray(set.keys()))
                            .put("max_flows_per_batch", 1_000_000)), Map.of())).detection();
            ModelManager mm = new ModelManager(s.models(), set, Clock.systemUTC());
            mm.refresh();
            Detector d = new Detector(s, mm, Object::toString, false);
            a = System.nanoTime();
            for (FlowWindow w : windows) {
                d.process(w.startNanos(), w.durationSeconds(), w.flows());
            }
            detectorRate = Math.max(detectorRate, flows / ((System.nanoTime() - a) / 1e9));
            if (sink == 42) {
                System.out.print("");
            }
        }
        System.out.println(String.format(Locale.ROOT, "{\"windows\":%d,\"flows\":%d,\"training_rows\":%d,\"trees\":%d,"
                        + "\"features\":%d,\"feature_rows_per_s\":%.0f,\"model_rows_per_s_single\":%.0f,"
                        + "\"model_rows_per_s_batch\":%.0f,\"detector_flows_per_s\":%.0f,\"cores\":%d}",
                windows.size(), flows, train.size(), loaded.model().trees(), set.size(), featureRate, singleRate,
                batchRate, detectorRate, Runtime.getRuntime().availableProcessors()));
    }

    private static List<FlowWindow> windows(Path capture) throws Exception {
        List<FlowWindow> out = new ArrayList<>();
        WindowAssembler.readFile(capture, FlowSettings.defaults(), 1024, new org.argus.flow.FlowStats(), out::add);
        return out;
    }
}
