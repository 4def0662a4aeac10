package org.argus.app;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.argus.payload.PayloadModel;
import org.argus.payload.PayloadTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code train-payload} and {@code payload classify}: the payload classifier offline. */
final class PayloadCommands {
    private PayloadCommands() {
    }

    /**
     * {@code train-payload --attacks DIR --benign DIR|CAPTURE|FILE… --out DIR}: trains, prints the held-out metrics and
     * writes the model and its card. Exit 0, 1 bad input (named), 2 unreadable input.
     */
    @Command(name = "train-payload", mixinStandardHelpOptions = true,
            description = "Train the payload classifier: attack corpus + benign captures/text, a fifth held out for the metrics.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--attacks", required = true, paramLabel = "DIR", description = "Labelled attack strings: DIR/<class>/*.txt, one a line.")
        Path attacks;

        @Option(names = "--benign", required = true, arity = "1..*", paramLabel = "PATH",
                description = "Captures (.pcap/.pcapng: their TCP/UDP payloads), text files (.txt: a payload a line) or folders of them.")
        List<Path> benign;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the model and its card go.")
        Path out;

        @Option(names = "--generated", defaultValue = "6000", description = "Generated benign requests and values added (default ${DEFAULT-VALUE}).")
        int generated;

        @Option(names = "--lambda", defaultValue = "0.01", description = "L2 penalty (default ${DEFAULT-VALUE}).")
        double lambda;

        @Option(names = "--iterations", defaultValue = "100", description = "L-BFGS iterations at most (default ${DEFAULT-VALUE}).")
        int iterations;

        @Override
        public Integer call() throws Exception {
            List<PayloadTrainer.Sample> samples = new ArrayList<>(PayloadTrainer.attacks(attacks));
            samples.addAll(PayloadTrainer.benign(benign));
            samples.addAll(PayloadTrainer.benignGenerated(generated, 7));
            PayloadTrainer.Result r = PayloadTrainer.train(samples, lambda, iterations);
            Path card = PayloadTrainer.save(r, out, Instant.now());
            System.out.printf("%-18s %9s %9s %9s %8s%n", "CLASS (held out)", "PRECISION", "RECALL", "FPR", "SUPPORT");
            List<PayloadTrainer.ClassMetrics> rows = new ArrayList<>(r.perClass());
            rows.add(r.malicious());
            for (PayloadTrainer.ClassMetrics m : rows) {
                System.out.printf("%-18s %9.4f %9.4f %9.4f %8d%n", m.label(), m.precision(), m.recall(), m.falsePositiveRate(), m.support());
            }
            System.out.println("trained on " + r.trainCounts() + "; card " + card);
            return 0;
        }
    }

    /** {@code payload classify [--models DIR] FILE}: one JSON line per input line. */
    @Command(name = "payload", mixinStandardHelpOptions = true, description = "The payload classifier.", subcommands = Classify.class)
    static final class Payload {
    }

    /** {@code payload classify}. */
    @Command(name = "classify", mixinStandardHelpOptions = true,
            description = "Classify each line of FILE (text; \\xNN escapes allowed): one JSON line {\"class\",\"probability\",\"malicious\"} each.")
    static final class Classify implements Callable<Integer> {
        @Option(names = "--models", defaultValue = "/var/lib/argus/models", paramLabel = "DIR", description = "Folder with the model (default ${DEFAULT-VALUE}).")
        Path models;

        @Parameters(paramLabel = "FILE", description = "One payload a line; - for standard input.")
        String file;

        @Override
        public Integer call() throws Exception {
            PayloadModel model;
            try {
                model = PayloadModel.loadNewest(models);
            } catch (java.io.IOException e) {
                System.err.println("argus payload classify: " + e.getMessage());
                return 1;
            }
            List<String> lines = file.equals("-") ? new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList()
                    : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            for (String line : lines) {
                byte[] b = unescape(line);
                int n = Math.min(b.length, PayloadTrainer.MAX_BYTES);
                JsonObject v = model.classify(b, n).toJson();
                System.out.println(v.encode());
            }
            return 0;
        }
    }

    /** A line's bytes: UTF-8, with {@code \xNN} as the byte NN and {@code \\} as a backslash. */
    static byte[] unescape(String line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(line.length());
        byte[] raw = line.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 3 < raw.length && raw[i + 1] == 'x' && hex(raw[i + 2]) >= 0 && hex(raw[i + 3]) >= 0) {
                out.write(hex(raw[i + 2]) * 16 + hex(raw[i + 3]));
                i += 3;
            } else if (raw[i] == '\\' && i + 1 < raw.length && raw[i + 1] == '\\') {
                out.write('\\');
                i++;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
