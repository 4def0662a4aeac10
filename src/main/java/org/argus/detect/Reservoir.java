package org.argus.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A uniform random sample of at most {@code capacity} rows from a stream of unknown length (Vitter's Algorithm R,
 * 1985): the training set of {@code train} and of the learning period, bounded in memory. Not thread-safe.
 */
public final class Reservoir {
    private final int capacity;
    private final Random random;
    private final List<double[]> rows = new ArrayList<>();
    private long seen;

    /**
     * @param capacity most rows kept
     * @param seed     random seed
     */
    public Reservoir(int capacity, long seed) {
        this.capacity = capacity;
        this.random = new Random(seed);
    }

    /** Offers one row (kept by reference). */
    public void add(double[] row) {
        seen++;
        if (rows.size() < capacity) {
            rows.add(row);
        } else {
            long k = (long) (random.nextDouble() * seen);
            if (k < capacity) {
                rows.set((int) k, row);
            }
        }
    }

    /** Rows offered so far. */
    public long seen() {
        return seen;
    }

    /** Rows kept. */
    public int size() {
        return rows.size();
    }

    /** The sample as an array (rows shared). */
    public double[][] toArray() {
        return rows.toArray(new double[0][]);
    }
}
