package org.argus.detect;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;

/**
 * A fitted scaler plus an Isolation Forest (or, trained with {@link #fitAutoencoder}, an {@link Autoencoder}) (Liu, Ting &amp; Zhou, "Isolation Forest", ICDM 2008) over one
 * {@link FeatureSet}. Scaler: {@code log1p} of heavy-tailed features (counts, bytes, seconds), then standardization
 * with the training mean and standard deviation. Forest: built here from Smile's {@link IsolationTree} with
 * extension level 0 (axis-parallel splits, the classic algorithm) on subsamples of ψ rows drawn without replacement,
 * depth limit ⌈log₂ ψ⌉, and path lengths normalized by c(ψ); {@link IsolationForest#fit} in Smile 4.4.2 grows every
 * tree on the whole data set and treats extension level ≤ 0 as fully extended, so it is not used.
 *
 * <p>{@link #rawScore} is Smile's anomaly score 2^(−E[h(x)]/c(ψ)) in (0, 1]: about 0.5 and below is ordinary,
 * near 1 is isolated quickly. Immutable and safe to share between threads once built. Serializable (the model file).
 */
public final class AnomalyModel implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final List<String> features;
    private final boolean[] log;
    private final double[] mean;
    private final double[] std;
    private final IsolationForest forest;
    private final int subsample;
    /** The second algorithm ({@code train --algorithm autoencoder}): set instead of the forest; null in forest models. */
    private final Autoencoder autoencoder;

    /** {@code isolation_forest}, the default algorithm. */
    public static final String ISOLATION_FOREST = "isolation_forest";
    /** {@code autoencoder}. */
    public static final String AUTOENCODER = "autoencoder";

    private AnomalyModel(List<String> features, boolean[] log, double[] mean, double[] std, IsolationForest forest, int subsample,
                         Autoencoder autoencoder) {
        this.features = List.copyOf(features);
        this.log = log;
        this.mean = mean;
        this.std = std;
        this.forest = forest;
        this.subsample = subsample;
        this.autoencoder = autoencoder;
    }

    /** The scaler's parts, fitted on raw rows, and the scaled rows. */
    private record Scaler(boolean[] log, double[] mean, double[] std, double[][] x) {
    }

    /**
     * Fits scaler and forest.
     *
     * @param set       the features, in row order
     * @param rows      raw feature rows ({@code rows[i].length == set.size()}), at least 2
     * @param trees     number of trees (100 in the paper)
     * @param subsample ψ, rows per tree (256 in the paper; capped at the row count)
     * @param seed      random seed: the same rows and seed give the same model
     * @throws IllegalArgumentException on too few rows or a row of the wrong width
     */
    public static AnomalyModel fit(FeatureSet set, double[][] rows, int trees, int subsample, long seed) {
        Scaler sc = scaler(set, rows);
        double[][] x = sc.x();
        int psi = Math.min(subsample, x.length);
        int depth = (int) Math.ceil(Math.log(psi) / Math.log(2));
        Random random = new Random(seed);
        MathEx.setSeed(seed);
        IsolationTree[] forestTrees = new IsolationTree[trees];
        int[] index = new int[x.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        for (int t = 0; t < trees; t++) {
            List<double[]> sample = new ArrayList<>(psi);
            for (int i = 0; i < psi; i++) { // partial Fisher-Yates: psi distinct rows
                int k = i + random.nextInt(index.length - i);
                int tmp = index[i];
                index[i] = index[k];
                index[k] = tmp;
                sample.add(x[index[i]]);
            }
            forestTrees[t] = new IsolationTree(sample, Math.max(1, depth), 0);
        }
        return new AnomalyModel(set.keys(), sc.log(), sc.mean(), sc.std(), new IsolationForest(psi, 0, forestTrees), psi, null);
    }

    /**
     * Fits the scaler and an {@link Autoencoder} (the second algorithm) on the scaled rows.
     *
     * @param maxPasses rows × epochs to spend at most
     * @throws IllegalArgumentException on too few rows or a row of the wrong width
     */
    public static AnomalyModel fitAutoencoder(FeatureSet set, double[][] rows, long maxPasses, long seed) {
        Scaler sc = scaler(set, rows);
        return new AnomalyModel(set.keys(), sc.log(), sc.mean(), sc.std(), null, 0, Autoencoder.fit(sc.x(), maxPasses, seed));
    }

    private static Scaler scaler(FeatureSet set, double[][] rows) {
        int d = set.size();
        if (rows.length < 2) {
            throw new IllegalArgumentException("need at least 2 training rows, got " + rows.length);
        }
        boolean[] log = new boolean[d];
        for (int j = 0; j < d; j++) {
            log[j] = set.features().get(j).heavyTailed();
        }
        double[][] x = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, expected " + d);
            }
            x[i] = logged(rows[i], log);
        }
        double[] mean = new double[d], std = new double[d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= x.length;
        }
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                std[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j] / x.length);
            if (std[j] < 1e-12) {
                std[j] = 1; // constant in training: keep the offset, do not blow it up
            }
        }
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                r[j] = (r[j] - mean[j]) / std[j];
            }
        }
        return new Scaler(log, mean, std, x);
    }


    private static double[] logged(double[] row, boolean[] log) {
        double[] out = row.clone();
        for (int j = 0; j < out.length; j++) {
            if (log[j]) {
                out[j] = Math.log1p(Math.max(0, out[j]));
            }
        }
        return out;
    }

    /** Feature names, in row order. */
    public List<String> features() {
        return features;
    }

    /** Trees in the forest (0 for an autoencoder). */
    public int trees() {
        return forest == null ? 0 : forest.size();
    }

    /** {@link #ISOLATION_FOREST} or {@link #AUTOENCODER}. */
    public String algorithm() {
        return autoencoder != null ? AUTOENCODER : ISOLATION_FOREST;
    }

    /** The autoencoder of an autoencoder model, or null. */
    public Autoencoder autoencoder() {
        return autoencoder;
    }

    /** ψ, rows per tree. */
    public int subsample() {
        return subsample;
    }

    /** A raw row after the scaler (a new array). */
    public double[] scale(double[] row) {
        double[] x = logged(row, log);
        for (int j = 0; j < x.length; j++) {
            x[j] = (x[j] - mean[j]) / std[j];
        }
        return x;
    }

    /** Anomaly score of one raw feature row, in (0, 1]. */
    public double rawScore(double[] row) {
        return autoencoder != null ? autoencoder.raw(scale(row)) : forest.score(scale(row));
    }

    /** Anomaly scores of raw feature rows (Smile scores them in parallel). */
    public double[] rawScores(double[][] rows) {
        double[][] x = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            x[i] = scale(rows[i]);
        }
        if (autoencoder != null) {
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = autoencoder.raw(x[i]);
            }
            return out;
        }
        return forest.score(x);
    }
}
