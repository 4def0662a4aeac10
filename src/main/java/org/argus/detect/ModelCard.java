package org.argus.detect;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON card written beside a model file ({@code argus-model-<version>.json}): what the model is, what it was
 * trained on, and the score anchors that turn its raw score into a decision score. The card is written last, so a
 * model without a card is incomplete and ignored.
 *
 * @param version            {@code yyyyMMdd'T'HHmmssSSS'Z'} of creation; newer versions sort later
 * @param createdAt          creation time
 * @param features           feature names in row order
 * @param trainingRows       rows the model was fitted on
 * @param scoreMedian        median raw score over the training rows
 * @param scoreThreshold     raw score at {@code thresholdPercentile} of the training rows: the anomaly threshold
 * @param scoreMax           highest raw training score
 * @param thresholdPercentile percentile of the training scores used as threshold (e.g. 99.5)
 * @param trees              trees in the forest
 * @param subsample          ψ, rows per tree
 * @param modelFile          model file name (same folder)
 * @param sha256             SHA-256 of the model file, hex
 * @param sources            what it was trained from (files, or "live learning")
 * @param featureStats       per feature: training p1, p50, p99 of the raw value (for reasons)
 * @param algorithm          {@code isolation_forest} or {@code autoencoder} ({@code model_type}; a card without it is a
 *                           forest's)
 */
public record ModelCard(String version, Instant createdAt, List<String> features, long trainingRows, double scoreMedian,
                        double scoreThreshold, double scoreMax, double thresholdPercentile, int trees, int subsample,
                        String modelFile, String sha256, List<String> sources, Map<String, double[]> featureStats,
                        String algorithm) {
    /** Format tag; a card with another format is refused. */
    public static final String FORMAT = "argus-iforest/1";
    /** Library that built the forest (the autoencoder is Argus's own, {@link Autoencoder}). */
    public static final String LIBRARY = "smile-core 4.4.2";

    /**
     * Decision score (0..1) of a raw model score, piecewise linear through the card's anchors: median → 0.25,
     * threshold → 0.5, training maximum → 0.7, 1.0 → 1.0. So anything above every training row is at least
     * medium, and only scores well beyond what training ever produced reach high.
     */
    public double calibrate(double raw) {
        double m = scoreMedian, t = Math.max(scoreThreshold, m + 1e-9), x = Math.max(scoreMax, t + 1e-9);
        if (raw <= m) {
            return Math.max(0, 0.25 * raw / Math.max(m, 1e-9));
        }
        if (raw <= t) {
            return 0.25 + 0.25 * (raw - m) / (t - m);
        }
        if (raw <= x) {
            return 0.5 + 0.2 * (raw - t) / (x - t);
        }
        return Math.min(1, 0.7 + 0.3 * (raw - x) / Math.max(1 - x, 1e-9));
    }

    /** The card as JSON. */
    public JsonObject toJson() {
        JsonObject stats = new JsonObject();
        featureStats.forEach((k, v) -> stats.put(k, new JsonObject().put("p1", v[0]).put("p50", v[1]).put("p99", v[2])));
        return new JsonObject()
                .put("format", FORMAT)
                .put("version", version)
                .put("created_at", createdAt.toString())
                .put("model_type", algorithm)
                .put("algorithm", AnomalyModel.AUTOENCODER.equals(algorithm)
                        ? "Autoencoder (replicator network, Hawkins et al. 2002): dense layers d-h-b-h-d, tanh, Adam, "
                        + "reconstruction MSE e scored e/(e+median training e)"
                        : "Isolation Forest (Liu, Ting & Zhou 2008), extension level 0 (axis-parallel splits), "
                        + "subsample without replacement, depth limit ceil(log2 subsample)")
                .put("library", LIBRARY)
                .put("scaler", "log1p on counts, bytes and seconds, then standardization (training mean and std)")
                .put("features", new JsonArray(features))
                .put("training_rows", trainingRows)
                .put("score_median", scoreMedian)
                .put("score_threshold", scoreThreshold)
                .put("score_max", scoreMax)
                .put("threshold_percentile", thresholdPercentile)
                .put("trees", trees)
                .put("subsample", subsample)
                .put("model_file", modelFile)
                .put("sha256", sha256)
                .put("sources", new JsonArray(sources))
                .put("feature_stats", stats);
    }

    /**
     * Reads a card.
     *
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    public static ModelCard fromJson(JsonObject o) {
        if (!FORMAT.equals(o.getString("format"))) {
            throw new IllegalArgumentException("format is \"" + o.getString("format") + "\", expected \"" + FORMAT + "\"");
        }
        try {
            List<String> features = new ArrayList<>();
            o.getJsonArray("features").forEach(f -> features.add((String) f));
            List<String> sources = new ArrayList<>();
            JsonArray src = o.getJsonArray("sources", new JsonArray());
            src.forEach(s -> sources.add(String.valueOf(s)));
            Map<String, double[]> stats = new java.util.LinkedHashMap<>();
            JsonObject fs = o.getJsonObject("feature_stats", new JsonObject());
            for (String k : fs.fieldNames()) {
                JsonObject v = fs.getJsonObject(k);
                stats.put(k, new double[] {v.getDouble("p1"), v.getDouble("p50"), v.getDouble("p99")});
            }
            return new ModelCard(req(o, "version"), Instant.parse(req(o, "created_at")), features,
                    o.getLong("training_rows"), o.getDouble("score_median"), o.getDouble("score_threshold"),
                    o.getDouble("score_max"), o.getDouble("threshold_percentile"), o.getInteger("trees"),
                    o.getInteger("subsample"), req(o, "model_file"), req(o, "sha256"), sources, stats,
                    o.getString("model_type", AnomalyModel.ISOLATION_FOREST));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("card is incomplete or mistyped: " + e.getMessage(), e);
        }
    }

    private static String req(JsonObject o, String key) {
        String v = o.getString(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing \"" + key + "\"");
        }
        return v;
    }
}
