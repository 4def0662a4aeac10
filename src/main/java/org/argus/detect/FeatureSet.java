package org.argus.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The features a model uses, in order ({@code prediction.feature_columns}).
 *
 * @param features selected catalog entries, no duplicates
 */
public record FeatureSet(List<Feature> features) {
    public FeatureSet {
        features = List.copyOf(features);
    }

    /**
     * Resolves names against the catalog.
     *
     * @throws IllegalArgumentException naming every unknown or repeated name and listing the known ones
     */
    public static FeatureSet of(List<String> names) {
        List<Feature> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String n : names) {
            Feature f = Feature.byKey(n).orElse(null);
            if (f == null) {
                problems.add("unknown feature \"" + n + "\"");
            } else if (out.contains(f)) {
                problems.add("feature \"" + n + "\" listed twice");
            } else {
                out.add(f);
            }
        }
        if (names.isEmpty()) {
            problems.add("no features selected");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems) + " (known: " + String.join(", ", Feature.keys()) + ")");
        }
        return new FeatureSet(out);
    }

    /** Feature names in order. */
    public List<String> keys() {
        return features.stream().map(f -> f.key).toList();
    }

    /** Number of features. */
    public int size() {
        return features.size();
    }

    /** Selected features a Retina CSV row cannot provide. */
    public List<String> notFromCsv() {
        return features.stream().filter(f -> !f.fromCsv).map(f -> f.key).toList();
    }

    /** This set's columns out of a full catalog vector. */
    public double[] select(double[] full) {
        double[] row = new double[features.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = full[features.get(i).ordinal()];
        }
        return row;
    }
}
