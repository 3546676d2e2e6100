package dev.descent.continual;

import java.util.Arrays;

/**
 * The accuracy matrix of a continual run and the metrics read from it, as Avalanche reports them
 * ({@code avalanche.evaluation.metrics}): {@code R[i][j]} is the accuracy on task j's test rows after
 * training on task i (rows = training time, columns = evaluated task), T tasks.
 *
 * <ul>
 *   <li>average accuracy: (1/T) Σ_j R[T−1][j], the accuracy over all tasks at the end (Avalanche's
 *       stream accuracy with equal task weights; Lopez-Paz &amp; Ranzato's ACC).</li>
 *   <li>forgetting: (1/(T−1)) Σ_{j&lt;T−1} (R[j][j] − R[T−1][j]); Avalanche's {@code StreamForgetting}
 *       compares with the accuracy right after the task was learned (not with the best accuracy
 *       ever seen, Chaudhry et al.'s variant, which {@link #maxForgetting} gives).</li>
 *   <li>backward transfer: (1/(T−1)) Σ_{j&lt;T−1} (R[T−1][j] − R[j][j]) (Lopez-Paz &amp; Ranzato's BWT;
 *       Avalanche's {@code StreamBWT}), the negative of forgetting.</li>
 *   <li>plasticity: R[j][j], the accuracy on each task right after learning it, and their mean.</li>
 * </ul>
 * With one task there is nothing to forget: forgetting and backward transfer are 0.
 */
public record AccuracyMatrix(double[][] r) {
    public AccuracyMatrix {
        if (r.length == 0) throw new IllegalArgumentException("an accuracy matrix needs at least one task");
        for (double[] row : r) {
            if (row.length != r.length) throw new IllegalArgumentException("the accuracy matrix must be T×T, got a row of " + row.length + " for T = " + r.length);
        }
        double[][] copy = new double[r.length][];
        for (int i = 0; i < r.length; i++) copy[i] = r[i].clone();
        r = copy;
    }

    public int tasks() { return r.length; }

    /** R[i][j]. */
    public double get(int i, int j) { return r[i][j]; }

    /** (1/T) Σ_j R[T−1][j]. */
    public double averageAccuracy() {
        return Arrays.stream(r[r.length - 1]).average().orElseThrow();
    }

    /** (1/(T−1)) Σ_{j<T−1} (R[j][j] − R[T−1][j]); 0 for one task. */
    public double forgetting() {
        int last = r.length - 1;
        if (last == 0) return 0;
        double s = 0;
        for (int j = 0; j < last; j++) s += r[j][j] - r[last][j];
        return s / last;
    }

    /** (1/(T−1)) Σ_{j<T−1} (max_{j≤i<T−1} R[i][j] − R[T−1][j]) (Chaudhry et al. 2018); 0 for one task. */
    public double maxForgetting() {
        int last = r.length - 1;
        if (last == 0) return 0;
        double s = 0;
        for (int j = 0; j < last; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int i = j; i < last; i++) best = Math.max(best, r[i][j]);
            s += best - r[last][j];
        }
        return s / last;
    }

    /** (1/(T−1)) Σ_{j<T−1} (R[T−1][j] − R[j][j]); 0 for one task. */
    public double backwardTransfer() {
        int last = r.length - 1;
        if (last == 0) return 0;
        double s = 0;
        for (int j = 0; j < last; j++) s += r[last][j] - r[j][j];
        return s / last;
    }

    /** R[j][j] for every task j. */
    public double[] plasticity() {
        double[] p = new double[r.length];
        for (int j = 0; j < r.length; j++) p[j] = r[j][j];
        return p;
    }

    /** (1/T) Σ_j R[j][j]. */
    public double meanPlasticity() { return Arrays.stream(plasticity()).average().orElseThrow(); }

    /** A copy of the matrix. */
    public double[][] rows() {
        double[][] copy = new double[r.length][];
        for (int i = 0; i < r.length; i++) copy[i] = r[i].clone();
        return copy;
    }
}
