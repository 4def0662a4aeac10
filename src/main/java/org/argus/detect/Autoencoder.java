package org.argus.detect;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Random;

/**
 * A small dense autoencoder over scaled feature rows: {@code d → h → b → h → d}, tanh on the three hidden layers, a
 * linear output, trained to reproduce its input under the mean squared error with Adam (Kingma &amp; Ba, "Adam: A
 * Method for Stochastic Optimization", ICLR 2015; β₁ 0.9, β₂ 0.999, ε 1e-8) on shuffled mini-batches, weights drawn
 * Glorot-uniform. A row unlike the training rows is reproduced badly: its reconstruction error is the anomaly measure
 * (Hawkins et al., "Outlier Detection Using Replicator Neural Networks", DaWaK 2002).
 *
 * <p>{@link #raw} squashes the error {@code e} into {@code e / (e + m)}, with {@code m} the median training error: 0.5
 * at the median, towards 1 for errors far beyond anything seen, so the model card's anchors calibrate it like the
 * forest's score. Immutable after {@link #fit}; safe to share between threads. Serializable (inside the model file).
 */
public final class Autoencoder implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int d, h, b;
    /** Layer weights, row-major {@code [out][in]}, and biases. */
    private final double[] w1, b1, w2, b2, w3, b3, w4, b4;
    private double medianError = 1;

    private Autoencoder(int d, int h, int b, Random rnd) {
        this.d = d;
        this.h = h;
        this.b = b;
        w1 = glorot(h, d, rnd);
        b1 = new double[h];
        w2 = glorot(b, h, rnd);
        b2 = new double[b];
        w3 = glorot(h, b, rnd);
        b3 = new double[h];
        w4 = glorot(d, h, rnd);
        b4 = new double[d];
    }

    private static double[] glorot(int out, int in, Random rnd) {
        double limit = Math.sqrt(6.0 / (in + out));
        double[] w = new double[out * in];
        for (int i = 0; i < w.length; i++) {
            w[i] = (rnd.nextDouble() * 2 - 1) * limit;
        }
        return w;
    }

    /** Layer sizes: hidden {@code max(4, ⌈d·0.75⌉)}, bottleneck {@code max(2, ⌈d/3⌉)}. */
    static int[] shape(int d) {
        return new int[] {Math.max(4, (int) Math.ceil(d * 0.75)), Math.max(2, (int) Math.ceil(d / 3.0))};
    }

    /**
     * Trains on scaled rows.
     *
     * @param x         scaled rows, all of the same width, at least 2
     * @param maxPasses rows × epochs to spend at most (epochs = clamp(maxPasses / rows, 3, 60))
     * @param seed      random seed: the same rows and seed give the same network
     * @throws IllegalArgumentException on fewer than 2 rows
     */
    public static Autoencoder fit(double[][] x, long maxPasses, long seed) {
        if (x.length < 2) {
            throw new IllegalArgumentException("need at least 2 training rows, got " + x.length);
        }
        int d = x[0].length;
        int[] s = shape(d);
        Random rnd = new Random(seed);
        Autoencoder ae = new Autoencoder(d, s[0], s[1], rnd);
        int epochs = (int) Math.max(3, Math.min(60, maxPasses / x.length));
        ae.train(x, epochs, 64, 0.005, rnd);
        double[] errors = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            errors[i] = ae.error(x[i]);
        }
        Arrays.sort(errors);
        ae.medianError = Math.max(errors[errors.length / 2], 1e-9);
        return ae;
    }

    /** Mean squared reconstruction error of one scaled row. */
    public double error(double[] x) {
        double[] a1 = new double[h], a2 = new double[b], a3 = new double[h];
        double sum = 0;
        forward(x, a1, a2, a3);
        for (int o = 0; o < d; o++) {
            double y = b4[o];
            for (int i = 0, k = o * h; i < h; i++, k++) {
                y += w4[k] * a3[i];
            }
            double e = y - x[o];
            sum += e * e;
        }
        return sum / d;
    }

    /** The anomaly score of one scaled row, in [0, 1): {@code e / (e + median training error)}. */
    public double raw(double[] x) {
        double e = error(x);
        return e / (e + medianError);
    }

    /** Median reconstruction error of the training rows. */
    public double medianError() {
        return medianError;
    }

    /** Layer widths, input to output. */
    public int[] layers() {
        return new int[] {d, h, b, h, d};
    }

    private void forward(double[] x, double[] a1, double[] a2, double[] a3) {
        dense(w1, b1, x, a1, d, h);
        dense(w2, b2, a1, a2, h, b);
        dense(w3, b3, a2, a3, b, h);
    }

    /** {@code out = tanh(w · in + bias)}. */
    private static void dense(double[] w, double[] bias, double[] in, double[] out, int nIn, int nOut) {
        for (int o = 0; o < nOut; o++) {
            double z = bias[o];
            for (int i = 0, k = o * nIn; i < nIn; i++, k++) {
                z += w[k] * in[i];
            }
            out[o] = Math.tanh(z);
        }
    }

    private void train(double[][] x, int epochs, int batch, double lr, Random rnd) {
        double[][] params = {w1, b1, w2, b2, w3, b3, w4, b4};
        double[][] grad = new double[params.length][], m = new double[params.length][], v = new double[params.length][];
        for (int p = 0; p < params.length; p++) {
            grad[p] = new double[params[p].length];
            m[p] = new double[params[p].length];
            v[p] = new double[params[p].length];
        }
        double[] a1 = new double[h], a2 = new double[b], a3 = new double[h], y = new double[d];
        double[] d4 = new double[d], d3 = new double[h], d2 = new double[b], d1 = new double[h];
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        long step = 0;
        double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < order.length; start += batch) {
                int end = Math.min(order.length, start + batch);
                for (double[] g : grad) {
                    Arrays.fill(g, 0);
                }
                for (int r = start; r < end; r++) {
                    double[] in = x[order[r]];
                    forward(in, a1, a2, a3);
                    for (int o = 0; o < d; o++) {
                        double z = b4[o];
                        for (int i = 0, k = o * h; i < h; i++, k++) {
                            z += w4[k] * a3[i];
                        }
                        y[o] = z;
                        d4[o] = 2 * (z - in[o]) / d; // d(MSE)/dy
                    }
                    backLinear(d4, a3, grad[6], grad[7], d, h);
                    propagate(w4, d4, a3, d3, d, h);
                    backLinear(d3, a2, grad[4], grad[5], h, b);
                    propagate(w3, d3, a2, d2, h, b);
                    backLinear(d2, a1, grad[2], grad[3], b, h);
                    propagate(w2, d2, a1, d1, b, h);
                    backLinear(d1, in, grad[0], grad[1], h, d);
                }
                step++;
                double scale = 1.0 / (end - start);
                double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
                for (int p = 0; p < params.length; p++) {
                    double[] w = params[p], g = grad[p], mp = m[p], vp = v[p];
                    for (int k = 0; k < w.length; k++) {
                        double gk = g[k] * scale;
                        mp[k] = beta1 * mp[k] + (1 - beta1) * gk;
                        vp[k] = beta2 * vp[k] + (1 - beta2) * gk * gk;
                        w[k] -= lr * (mp[k] / c1) / (Math.sqrt(vp[k] / c2) + eps);
                    }
                }
            }
        }
    }

    /** Accumulates the gradient of a layer {@code [nOut][nIn]} given the error at its pre-activation. */
    private static void backLinear(double[] delta, double[] in, double[] gw, double[] gb, int nOut, int nIn) {
        for (int o = 0; o < nOut; o++) {
            double dz = delta[o];
            gb[o] += dz;
            for (int i = 0, k = o * nIn; i < nIn; i++, k++) {
                gw[k] += dz * in[i];
            }
        }
    }

    /** The error at the previous tanh layer's pre-activation: {@code (wᵀ · delta) ⊙ (1 − a²)}. */
    private static void propagate(double[] w, double[] delta, double[] a, double[] out, int nOut, int nIn) {
        Arrays.fill(out, 0);
        for (int o = 0; o < nOut; o++) {
            double dz = delta[o];
            for (int i = 0, k = o * nIn; i < nIn; i++, k++) {
                out[i] += w[k] * dz;
            }
        }
        for (int i = 0; i < nIn; i++) {
            out[i] *= 1 - a[i] * a[i];
        }
    }
}
