package org.argus.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.argus.capture.CaptureException;
import org.argus.config.ArgusConfig;
import org.argus.detect.FeatureSet;
import org.argus.detect.ModelCard;
import org.argus.detect.ModelStore;
import org.argus.detect.Reservoir;
import org.argus.detect.RetinaCsv;
import org.argus.detect.WindowAnalysis;
import org.argus.flow.FlowSettings;
import org.argus.flow.WindowAssembler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train --from DIR|FILE... --out DIR}: fits an Isolation Forest on normal traffic (Retina CSV files and/or
 * captures; folders are searched for {@code *.csv}, {@code *.csv.gz}, {@code *.pcap}, {@code *.pcapng}) with the configured
 * {@code prediction.feature_columns}, and writes a model file plus its JSON card. Prints the card. Exit 0; 1 for a
 * bad configuration or unusable input (the message says which file and why).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train an Isolation Forest model from Retina CSV files or captures of normal traffic.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, arity = "1..*", paramLabel = "DIR|FILE", description = "Training input: CSV files, captures, or folders of them.")
    List<Path> from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Models folder (created if missing).")
    Path out;

    @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration (prediction.feature_columns, model.*, aggregation.*).")
    Path conf;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (same input and seed: same model). Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--max-rows", paramLabel = "N", description = "Rows kept (uniform sample); default model.learning_max_rows.")
    Integer maxRows;

    @Option(names = "--baseline", paramLabel = "DIR", description = "Flows operators called false positives (fp-*.csv), added to "
            + "the input; default: baseline/ in model.model_local_path, when it exists.")
    Path baseline;

    @Option(names = "--algorithm", paramLabel = "NAME", description = "isolation_forest or autoencoder; default: "
            + "prediction.algorithm (auto: isolation_forest).")
    String algorithm;

    @Option(names = "--no-baseline", description = "Leave the false positives' flows out.")
    boolean noBaseline;

    @Override
    public Integer call() throws Exception {
        ArgusConfig c = Main.loadOfflineOrExplain(conf);
        if (c == null) {
            return 1;
        }
        String fit = algorithm != null ? algorithm : c.detection().models().train().algorithm();
        if (!ModelStore.TrainOptions.ALGORITHMS.contains(fit)) {
            System.err.println("argus train: --algorithm must be isolation_forest or autoencoder, got " + fit);
            return 1;
        }
        FeatureSet set = c.detection().features();
        Reservoir rows = new Reservoir(maxRows != null ? maxRows : c.detection().models().learningMaxRows(), seed);
        List<String> sources = new ArrayList<>();
        try {
            for (Path p : inputs(from)) {
                collect(p, set, c.flow(), c.capture().batchPackets(), rows);
                sources.add(p.toString());
            }
        } catch (IOException e) {
            System.err.println("argus train: " + e.getMessage());
            return 1;
        }
        // the false positives' rows are all kept, beside the sample: the operator said they are normal
        List<double[]> extra = new ArrayList<>();
        if (!noBaseline) {
            Path dir = baseline != null ? baseline : c.detection().models().dir().resolve("baseline");
            List<Path> fp = org.argus.detect.Baseline.files(dir);
            if (!fp.isEmpty() && !set.notFromCsv().isEmpty()) {
                System.err.println("argus train: the baseline's " + fp.size() + " false-positive files left out: CSV rows cannot provide "
                        + set.notFromCsv());
            } else if (!fp.isEmpty()) {
                org.argus.detect.Baseline.rows(dir, set, extra::add, msg -> System.err.println("argus train: baseline: " + msg));
                sources.add(dir + " (" + fp.size() + " false positives, " + extra.size() + " rows)");
                System.err.printf(Locale.ROOT, "argus train: %d rows from %d false positives in %s, all kept%n", extra.size(), fp.size(), dir);
            }
        }
        if (rows.size() + extra.size() < 2) {
            System.err.println("argus train: only " + (rows.size() + extra.size()) + " flow rows in the input; need at least 2");
            return 1;
        }
        double[][] all = java.util.stream.Stream.concat(java.util.Arrays.stream(rows.toArray()), extra.stream()).toArray(double[][]::new);
        ModelStore.TrainOptions t = c.detection().models().train();
        ModelCard card = ModelStore.train(set, all, new ModelStore.TrainOptions(t.trees(), t.subsample(),
                t.percentile(), seed, fit), sources, out, Instant.now());
        System.out.println(card.toJson().encodePrettily());
        System.err.printf(Locale.ROOT, "argus train: model %s from %d rows (%d seen) written to %s%n", card.version(),
                all.length, rows.seen() + extra.size(), out.resolve(card.modelFile()));
        return 0;
    }

    /** Files named on the command line, folders expanded (sorted) to their CSV and capture files. */
    static List<Path> inputs(List<Path> from) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : from) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(f -> {
                        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                        return org.argus.csv.CsvFiles.isCsv(n) || n.endsWith(".pcap") || n.endsWith(".pcapng");
                    }).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IOException(p + ": no such file or folder");
            }
        }
        return out;
    }

    /**
     * Adds one input's feature rows to the sample: a {@code .csv} is read as a Retina CSV (then every selected
     * feature must be computable from CSV rows), anything else as a capture through the window pipeline.
     *
     * @throws IOException naming the file when it cannot be used
     */
    static void collect(Path file, FeatureSet set, FlowSettings flow, int batchPackets, Reservoir rows) throws IOException {
        if (org.argus.csv.CsvFiles.isCsv(file.getFileName().toString())) {
            if (!set.notFromCsv().isEmpty()) {
                throw new IOException(file + ": CSV rows cannot provide " + set.notFromCsv()
                        + " (from prediction.feature_columns); train from captures, or select CSV features only");
            }
            for (RetinaCsv.Window w : RetinaCsv.read(file)) {
                new WindowAnalysis(w.startNanos(), w.seconds(), w.flows()).rows(set, rows::add);
            }
            return;
        }
        try {
            WindowAssembler.readFile(file, flow, batchPackets, new org.argus.flow.FlowStats(),
                    w -> new WindowAnalysis(w.startNanos(), w.durationSeconds(), w.flows()).rows(set, rows::add));
        } catch (CaptureException e) {
            throw new IOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
