package org.argus.payload;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload classifier ("Mnemosyne" in the Ulti_Argus seed): multinomial logistic regression over
 * {@link PayloadFeatures}, trained with Smile ({@link PayloadTrainer}) and scored here without Smile: for each class
 * {@code c}, {@code z_c = w_c · x + b_c}; probabilities are {@code softmax(z)}. Class 0 is {@value #BENIGN}; the others
 * are attack classes (the corpus folder names). Immutable and thread-safe.
 *
 * <p>File format ({@code argus-payload-<version>.bin}, big-endian): the 8 bytes {@code ARGUSPAY}, int format version
 * ({@value #FORMAT}), int feature count, int class count {@code k}, then {@code k} UTF strings (class names), then
 * {@code k × (features + 1)} doubles (each class's weights, its intercept last). Beside it the card
 * {@code argus-payload-<version>.json}: format, version, classes, training counts, held-out metrics and the file's
 * SHA-256, checked at load.
 */
public final class PayloadModel {
    /** The benign class's name (always class 0). */
    public static final String BENIGN = "benign";
    /** File format version. */
    public static final int FORMAT = 1;
    /** A payload model card's file name; group 1 is the version. */
    public static final java.util.regex.Pattern CARD = java.util.regex.Pattern.compile("argus-payload-(\\d{8}T\\d{6}Z)\\.json");
    private static final byte[] MAGIC = "ARGUSPAY".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** One verdict: the most probable class and its probability; malicious when that class is not benign. */
    public record Verdict(String label, double probability, boolean malicious) {
        /** {@code {"class", "probability", "malicious"}}. */
        public JsonObject toJson() {
            return new JsonObject().put("class", label).put("probability", Math.round(probability * 10_000) / 10_000.0).put("malicious", malicious);
        }
    }

    private final List<String> classes;
    private final double[][] weights;

    /**
     * @param classes class names, {@value #BENIGN} first
     * @param weights one row per class: {@link PayloadFeatures#SIZE} weights then the intercept
     * @throws IllegalArgumentException when the shapes disagree or class 0 is not benign
     */
    public PayloadModel(List<String> classes, double[][] weights) {
        if (classes.isEmpty() || !classes.get(0).equals(BENIGN) || weights.length != classes.size()) {
            throw new IllegalArgumentException("classes must start with " + BENIGN + " and match the weight rows");
        }
        for (double[] w : weights) {
            if (w.length != PayloadFeatures.SIZE + 1) {
                throw new IllegalArgumentException("each class needs " + (PayloadFeatures.SIZE + 1) + " weights, got " + w.length);
            }
        }
        this.classes = List.copyOf(classes);
        this.weights = weights;
    }

    /** Class names, benign first. */
    public List<String> classes() {
        return classes;
    }

    /** Class probabilities of a feature vector, in {@link #classes()} order. */
    public double[] probabilities(double[] x) {
        double[] z = new double[weights.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < weights.length; c++) {
            double[] w = weights[c];
            double s = w[PayloadFeatures.SIZE];
            for (int i = 0; i < PayloadFeatures.SIZE; i++) {
                double xi = x[i];
                if (xi != 0) {
                    s += w[i] * xi;
                }
            }
            z[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) {
            z[c] /= sum;
        }
        return z;
    }

    /** The verdict on a payload's first {@code length} bytes. */
    public Verdict classify(byte[] payload, int length) {
        double[] p = probabilities(PayloadFeatures.of(payload, length));
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return new Verdict(classes.get(best), p[best], best != 0);
    }

    /**
     * Where in a payload a class shows most: the start of the {@code span}-byte stretch of {@code payload[0, length)}
     * whose trigrams (lower-cased, not decoded, so the offset is the payload's own) weigh most toward {@code label}
     * against {@value #BENIGN}. A linear model has no single matching position; this is the stretch that pushed
     * hardest. 0 for an unknown class or a payload shorter than three bytes.
     */
    public int evidenceOffset(byte[] payload, int length, String label, int span) {
        int c = classes.indexOf(label);
        if (c <= 0 || length < 3) {
            return 0;
        }
        double[] w = weights[c], benign = weights[0];
        int grams = length - 2;
        double[] g = new double[grams];
        for (int i = 0; i < grams; i++) {
            int a = lower(payload[i]), b = lower(payload[i + 1]), d = lower(payload[i + 2]);
            int bucket = PayloadFeatures.bucket(0x1000000 | (a << 16) | (b << 8) | d);
            g[i] = w[bucket] - benign[bucket];
        }
        int width = Math.max(1, Math.min(span, grams));
        double sum = 0;
        for (int i = 0; i < width; i++) {
            sum += g[i];
        }
        double best = sum;
        int at = 0;
        for (int i = width; i < grams; i++) {
            sum += g[i] - g[i - width];
            if (sum > best) {
                best = sum;
                at = i - width + 1;
            }
        }
        return at;
    }

    private static int lower(byte b) {
        int c = b & 0xFF;
        return c >= 'A' && c <= 'Z' ? c + 32 : c == '+' ? ' ' : c;
    }

    /** Writes the model file (to {@code .part}, then renamed). */
    public void save(Path file) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(part)))) {
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(PayloadFeatures.SIZE);
            out.writeInt(classes.size());
            for (String c : classes) {
                out.writeUTF(c);
            }
            for (double[] w : weights) {
                for (double d : w) {
                    out.writeDouble(d);
                }
            }
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a model file.
     *
     * @throws IOException naming the file when it is not one (magic, format, feature count, truncation)
     */
    public static PayloadModel read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + ": not an Argus payload model");
            }
            int format = in.readInt(), features = in.readInt(), k = in.readInt();
            if (format != FORMAT || features != PayloadFeatures.SIZE || k < 2 || k > 64) {
                throw new IOException(file + ": format " + format + ", " + features + " features, " + k + " classes; this build reads format "
                        + FORMAT + " with " + PayloadFeatures.SIZE + " features");
            }
            List<String> classes = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                classes.add(in.readUTF());
            }
            double[][] w = new double[k][features + 1];
            for (double[] row : w) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = in.readDouble();
                }
            }
            return new PayloadModel(classes, w);
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": cut short", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The newest payload model card in {@code dir} (by version), or null when there is none. */
    public static Path newestCard(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> CARD.matcher(p.getFileName().toString()).matches()).max(java.util.Comparator.naturalOrder()).orElse(null);
        }
    }

    /**
     * The newest model in {@code dir} whose card's SHA-256 matches its file.
     *
     * @throws IOException when there is none, or the newest one's file does not match its card (named)
     */
    public static PayloadModel loadNewest(Path dir) throws IOException {
        Path card = newestCard(dir);
        if (card == null) {
            throw new IOException(dir + ": no payload model (argus-payload-<version>.json); train one with argus train-payload");
        }
        JsonObject c = new JsonObject(Files.readString(card));
        Path file = card.resolveSibling(c.getString("file", ""));
        String sha = org.argus.detect.ModelStore.sha256(file);
        if (!sha.equals(c.getString("sha256"))) {
            throw new IOException(file + ": SHA-256 " + sha + " differs from its card " + card.getFileName());
        }
        return read(file);
    }
}
