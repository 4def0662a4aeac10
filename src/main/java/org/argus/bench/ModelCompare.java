package org.argus.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.argus.detect.AnomalyModel;
import org.argus.detect.FeatureSet;
import org.argus.detect.ModelStore;
import org.argus.detect.Reservoir;
import org.argus.detect.WindowAnalysis;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowAssembler;

/**
 * Compares the two flow models on the same data (run by {@code scripts/bench-models.sh}, never as a test): both are
 * trained with the default features on the flows of benign captures, then score the windows of attack captures and
 * of other, held-out benign captures. A window's score is its worst flow's calibrated score; the ROC AUC (the
 * probability that a random attack window outscores a random benign one, ties counting half: the Mann–Whitney U
 * statistic over the two groups) is printed per model, with the flow-level AUC and the scoring rate (rows/s, batch and
 * one at a time). Prints one JSON line per model.
 *
 * <p>Arguments: {@code [--generated SESSIONS] --train FILE… --attack FILE… --benign FILE…} ({@code --generated}: also
 * train on that many sessions of the project's generated office traffic).
 */
public final class ModelCompare {
    private ModelCompare() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> train = new ArrayList<>(), attack = new ArrayList<>(), benign = new ArrayList<>();
        List<Path> into = null;
        int generated = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--generated" -> generated = Integer.parseInt(args[++i]);
                case "--train" -> into = train;
                case "--attack" -> into = attack;
                case "--benign" -> into = benign;
                default -> {
                    if (into == null) {
                        throw new IllegalArgumentException("usage: --train FILE… --attack FILE… --benign FILE…");
                    }
                    into.add(Path.of(a));
                }
            }
        }
        FeatureSet set = FeatureSet.of(List.of("packets_out", "packets_in", "bytes_out", "bytes_in", "pkt_size_mean",
                "src_port", "dst_port", "protocol", "responder_silent", "src_flows", "src_distinct_dst_hosts",
                "src_distinct_dst_ports", "src_silent_ratio"));
        Reservoir rows = new Reservoir(100_000, 1);
        if (generated > 0) { // the project's own office traffic, as a sensor's learning period would see it
            Path g = Files.createTempFile("argus-office", ".pcap");
            org.argus.gen.CaptureGenerator.write(g, generated, 2, Instant.now().getEpochSecond() - 7200, 600, false);
            train.add(g);
        }
        for (Path p : train) {
            for (FlowWindow w : windows(p)) {
                new WindowAnalysis(w.startNanos(), w.durationSeconds(), w.flows()).rows(set, rows::add);
            }
        }
        List<String> attackNames = new ArrayList<>(), benignNames = new ArrayList<>();
        List<double[][]> attackWindows = windowRows(attack, set, attackNames), benignWindows = windowRows(benign, set, benignNames);
        Path dir = Files.createTempDirectory("argus-models");
        for (String algorithm : List.of(AnomalyModel.ISOLATION_FOREST, AnomalyModel.AUTOENCODER)) {
            Path out = Files.createDirectories(dir.resolve(algorithm));
            long t0 = System.nanoTime();
            ModelStore.train(set, rows.toArray(), new ModelStore.TrainOptions(100, 256, 99.9, 1, algorithm), List.of("bench"), out,
                    Instant.now());
            double trainS = (System.nanoTime() - t0) / 1e9;
            ModelStore.Loaded m = ModelStore.load(ModelStore.cards(out).get(0), set, Instant.now(), Duration.ZERO, Duration.ofDays(1));
            double[] pos = worst(m, attackWindows), neg = worst(m, benignWindows);
            List<double[]> posFlows = new ArrayList<>(), negFlows = new ArrayList<>();
            attackWindows.forEach(w -> posFlows.add(m.model().rawScores(w)));
            benignWindows.forEach(w -> negFlows.add(m.model().rawScores(w)));
            double[][] x = benignWindows.stream().flatMap(Arrays::stream).toArray(double[][]::new);
            double batch = 0, single = 0;
            for (int r = 0; r < 5; r++) {
                long a = System.nanoTime();
                m.model().rawScores(x);
                batch = Math.max(batch, x.length / ((System.nanoTime() - a) / 1e9));
                a = System.nanoTime();
                double sink = 0;
                for (double[] row : x) {
                    sink += m.model().rawScore(row);
                }
                single = Math.max(single, x.length / ((System.nanoTime() - a) / 1e9));
                if (sink == 42) { // keeps the JIT from dropping the loop
                    System.out.print("");
                }
            }
            long above = Arrays.stream(neg).filter(s -> s >= 0.5).count();
            java.util.Map<String, double[]> perFile = new java.util.TreeMap<>();
            for (int i = 0; i < pos.length; i++) {
                double[] t = perFile.computeIfAbsent("attack " + attackNames.get(i), k -> new double[3]);
                t[0]++;
                t[1] += pos[i];
                t[2] = Math.max(t[2], pos[i]);
            }
            for (int i = 0; i < neg.length; i++) {
                double[] t = perFile.computeIfAbsent("benign " + benignNames.get(i), k -> new double[3]);
                t[0]++;
                t[1] += neg[i];
                t[2] = Math.max(t[2], neg[i]);
            }
            StringBuilder files = new StringBuilder();
            perFile.forEach((k, t) -> files.append(files.isEmpty() ? "" : ",").append(String.format(Locale.ROOT,
                    "\"%s\":{\"windows\":%d,\"mean\":%.3f,\"max\":%.3f}", k, (int) t[0], t[1] / t[0], t[2])));
            System.out.println(String.format(Locale.ROOT, "{\"model\":\"%s\",\"training_rows\":%d,\"train_s\":%.2f,"
                            + "\"attack_windows\":%d,\"benign_windows\":%d,\"window_auc\":%.3f,\"window_auc_per_capture\":%.3f,\"flow_auc\":%.3f,"
                            + "\"benign_windows_at_or_above_0.5\":%d,\"rows_per_s_batch\":%.0f,\"rows_per_s_single\":%.0f,\"windows_by_file\":{%s}}",
                    algorithm, rows.size(), trainS, pos.length, neg.length, auc(pos, neg), balancedAuc(pos, attackNames, neg, benignNames),
                    auc(posFlows.stream().flatMapToDouble(Arrays::stream).toArray(), negFlows.stream().flatMapToDouble(Arrays::stream).toArray()),
                    above, batch, single, files));
        }
    }

    /** Each window's worst flow, calibrated by the card. */
    private static double[] worst(ModelStore.Loaded m, List<double[][]> windows) {
        double[] out = new double[windows.size()];
        for (int i = 0; i < out.length; i++) {
            double best = 0;
            for (double r : m.model().rawScores(windows.get(i))) {
                best = Math.max(best, m.card().calibrate(r));
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * ROC AUC with every capture weighing the same: each window weighted by one over its capture's window count, so a
     * long capture (hydra's 234 windows, gnutella's 108) does not stand for its whole side.
     */
    static double balancedAuc(double[] pos, List<String> posFiles, double[] neg, List<String> negFiles) {
        java.util.Map<String, Long> pc = new java.util.HashMap<>(), nc = new java.util.HashMap<>();
        posFiles.forEach(f -> pc.merge(f, 1L, Long::sum));
        negFiles.forEach(f -> nc.merge(f, 1L, Long::sum));
        double sum = 0, total = 0;
        for (int i = 0; i < pos.length; i++) {
            for (int j = 0; j < neg.length; j++) {
                double w = 1.0 / pc.get(posFiles.get(i)) / nc.get(negFiles.get(j));
                total += w;
                sum += w * (pos[i] > neg[j] ? 1 : pos[i] == neg[j] ? 0.5 : 0);
            }
        }
        return sum / total;
    }

    /** ROC AUC as the Mann–Whitney U statistic over all pairs (ties count half), by sorting. */
    static double auc(double[] pos, double[] neg) {
        double[] n = neg.clone();
        Arrays.sort(n);
        double sum = 0;
        for (double p : pos) {
            int below = lowerBound(n, p), notAbove = upperBound(n, p);
            sum += below + 0.5 * (notAbove - below);
        }
        return sum / ((double) pos.length * neg.length);
    }

    private static int lowerBound(double[] a, double v) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] a, double v) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static List<double[][]> windowRows(List<Path> files, FeatureSet set, List<String> names) throws Exception {
        List<double[][]> out = new ArrayList<>();
        for (Path p : files) {
            for (FlowWindow w : windows(p)) {
                List<double[]> rows = new ArrayList<>();
                new WindowAnalysis(w.startNanos(), w.durationSeconds(), w.flows()).rows(set, rows::add);
                if (!rows.isEmpty()) {
                    out.add(rows.toArray(new double[0][]));
                    names.add(p.getFileName().toString());
                }
            }
        }
        return out;
    }

    private static List<FlowWindow> windows(Path capture) throws Exception {
        List<FlowWindow> out = new ArrayList<>();
        WindowAssembler.readFile(capture, FlowSettings.defaults(), 1024, new org.argus.flow.FlowStats(), out::add);
        return out;
    }
}
