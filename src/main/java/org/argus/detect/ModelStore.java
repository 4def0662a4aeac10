package org.argus.detect;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Model files on disk: {@code argus-model-<version>.bin} (the serialized {@link AnomalyModel}) and
 * {@code argus-model-<version>.json} (its {@link ModelCard}, written last). Loading checks, in order: the card parses
 * and has our format; its feature list equals the configured one; its age is within limits; the model file's SHA-256
 * matches the card; the file deserializes under a class filter that admits only the model's own classes.
 */
public final class ModelStore {
    /** Card file names. */
    public static final Pattern CARD = Pattern.compile("argus-model-(\\d{8}T\\d{9}Z)\\.json");
    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;maxrefs=50000000;maxbytes=1073741824;"
                    + "org.argus.detect.AnomalyModel;org.argus.detect.Autoencoder;smile.anomaly.*;java.util.*;java.lang.*;!*");

    /** A model ready to score, with its card. */
    public record Loaded(ModelCard card, AnomalyModel model, Path cardFile) {
    }

    /**
     * Training knobs.
     *
     * @param trees      trees in the forest
     * @param subsample  ψ, rows per tree
     * @param percentile training-score percentile used as threshold (0..100)
     * @param seed       random seed
     * @param algorithm  {@code isolation_forest}, {@code autoencoder}, or {@code auto} ({@code prediction.algorithm}:
     *                   training then fits a forest; a sensor uses the newest usable model of either kind)
     */
    public record TrainOptions(int trees, int subsample, double percentile, long seed, String algorithm) {
        /** The values of {@code algorithm} ({@code prediction.algorithm}, {@code train --algorithm}). */
        public static final List<String> ALGORITHMS = List.of("auto", AnomalyModel.ISOLATION_FOREST, AnomalyModel.AUTOENCODER);

        public TrainOptions {
            if (!ALGORITHMS.contains(algorithm)) {
                throw new IllegalArgumentException("algorithm must be auto, isolation_forest or autoencoder, got " + algorithm);
            }
        }

        /** An Isolation Forest's options. */
        public TrainOptions(int trees, int subsample, double percentile, long seed) {
            this(trees, subsample, percentile, seed, "auto");
        }

        /** These options with another algorithm. */
        public TrainOptions withAlgorithm(String a) {
            return new TrainOptions(trees, subsample, percentile, seed, a);
        }

        /** The algorithm training fits: {@code auto} means the forest. */
        public String fitted() {
            return AnomalyModel.AUTOENCODER.equals(algorithm) ? AnomalyModel.AUTOENCODER : AnomalyModel.ISOLATION_FOREST;
        }
    }

    /** Rows × epochs an autoencoder's training may spend (a few seconds on a Pi 4 for 13 features). */
    static final long AUTOENCODER_PASSES = 2_000_000;

    private ModelStore() {
    }

    /**
     * Fits a model on raw rows and writes model file and card into {@code dir}.
     *
     * @param createdAt creation time, also the version
     * @return the card written
     * @throws IOException when the folder cannot be written
     * @throws IllegalArgumentException on too few rows
     */
    public static ModelCard train(FeatureSet set, double[][] rows, TrainOptions options, List<String> sources, Path dir,
                                  Instant createdAt) throws IOException {
        AnomalyModel model = options.fitted().equals(AnomalyModel.AUTOENCODER)
                ? AnomalyModel.fitAutoencoder(set, rows, AUTOENCODER_PASSES, options.seed())
                : AnomalyModel.fit(set, rows, options.trees(), options.subsample(), options.seed());
        double[] scores = model.rawScores(rows);
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        Map<String, double[]> stats = new LinkedHashMap<>();
        for (int j = 0; j < set.size(); j++) {
            double[] col = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                col[i] = rows[i][j];
            }
            Arrays.sort(col);
            stats.put(set.keys().get(j), new double[] {percentile(col, 1), percentile(col, 50), percentile(col, 99)});
        }
        String version = VERSION.format(createdAt);
        Files.createDirectories(dir);
        Path bin = dir.resolve("argus-model-" + version + ".bin");
        Path tmp = dir.resolve(bin.getFileName() + ".part");
        try (OutputStream os = Files.newOutputStream(tmp); ObjectOutputStream oos = new ObjectOutputStream(os)) {
            oos.writeObject(model);
        }
        Files.move(tmp, bin, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        ModelCard card = new ModelCard(version, createdAt, set.keys(), rows.length, percentile(sorted, 50),
                percentile(sorted, options.percentile()), sorted[sorted.length - 1], options.percentile(),
                model.trees(), model.subsample(), bin.getFileName().toString(), sha256(bin), sources, stats, model.algorithm());
        Path cardTmp = dir.resolve("argus-model-" + version + ".json.part");
        Files.writeString(cardTmp, card.toJson().encodePrettily(), StandardCharsets.UTF_8);
        Files.move(cardTmp, dir.resolve("argus-model-" + version + ".json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        return card;
    }

    /** Linear-interpolated percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        double pos = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** Card files in {@code dir}, newest version first; empty when the folder does not exist. */
    public static List<Path> cards(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> CARD.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
                    .toList();
        }
    }

    /**
     * Loads and checks one model.
     *
     * @param cardFile a card file
     * @param expected the configured features ({@code prediction.feature_columns})
     * @param now      current time, for the age limits
     * @param minAge   younger models are not used yet ({@code model.min_model_age_hours}); zero to skip
     * @param maxAge   older models are refused ({@code model.max_model_age_days})
     * @throws ModelException naming the file and the reason
     */
    public static Loaded load(Path cardFile, FeatureSet expected, Instant now, Duration minAge, Duration maxAge) throws ModelException {
        String name = cardFile.getFileName().toString();
        ModelCard card;
        try {
            card = ModelCard.fromJson(new JsonObject(Files.readString(cardFile, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new ModelException("model card " + name + ": cannot read: " + e.getMessage(), e);
        } catch (DecodeException | IllegalArgumentException e) {
            throw new ModelException("model card " + name + ": " + e.getMessage(), e);
        }
        if (!card.features().equals(expected.keys())) {
            throw new ModelException("model " + card.version() + ": its features " + card.features()
                    + " do not match prediction.feature_columns " + expected.keys());
        }
        Duration age = Duration.between(card.createdAt(), now);
        if (age.compareTo(minAge) < 0) {
            throw new ModelException("model " + card.version() + ": " + age.toMinutes() + " min old, younger than "
                    + "model.min_model_age_hours (" + minAge.toHours() + " h)");
        }
        if (age.compareTo(maxAge) > 0) {
            throw new ModelException("model " + card.version() + ": " + age.toDays() + " days old, older than "
                    + "model.max_model_age_days (" + maxAge.toDays() + ")");
        }
        Path bin = cardFile.resolveSibling(card.modelFile());
        if (!bin.getFileName().toString().equals(card.modelFile()) || card.modelFile().contains("/")) {
            throw new ModelException("model card " + name + ": model_file must be a plain file name");
        }
        String digest;
        try {
            digest = sha256(bin);
        } catch (IOException e) {
            throw new ModelException("model " + card.version() + ": cannot read " + card.modelFile() + ": " + e.getMessage(), e);
        }
        if (!digest.equalsIgnoreCase(card.sha256())) {
            throw new ModelException("model " + card.version() + ": " + card.modelFile() + " is corrupt or replaced "
                    + "(SHA-256 " + digest + ", card says " + card.sha256() + ")");
        }
        AnomalyModel model;
        try (InputStream in = Files.newInputStream(bin); ObjectInputStream ois = new ObjectInputStream(in)) {
            ois.setObjectInputFilter(FILTER);
            model = (AnomalyModel) ois.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new ModelException("model " + card.version() + ": " + card.modelFile() + " cannot be read as a model: " + e, e);
        }
        if (!model.algorithm().equals(card.algorithm())) {
            throw new ModelException("model " + card.version() + ": the file holds an " + model.algorithm() + ", its card says "
                    + card.algorithm());
        }
        if (!model.features().equals(card.features())) {
            throw new ModelException("model " + card.version() + ": file features " + model.features()
                    + " differ from its card " + card.features());
        }
        return new Loaded(card, model, cardFile);
    }

    /** SHA-256 of a text's UTF-8 bytes (ids, tags, key digests). */
    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
