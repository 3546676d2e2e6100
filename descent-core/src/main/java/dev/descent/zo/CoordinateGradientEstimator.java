package dev.descent.zo;

import dev.descent.optim.Objective;
import dev.descent.optim.Hyper;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coordinate-wise gradient estimation (CGE), DeepZero §4 (Chen et al., "DeepZero: Scaling up
 * Zeroth-Order Optimization for Deep Model Training", ICLR 2024, arXiv 2310.02025; reference
 * {@code algorithm/zoo/gradient_estimate.py::cge} in OPTML-Group/DeepZero):
 * <pre>
 *   forward (default, the reference):  ĝ_i = ( f(θ + h_i e_i) − f(θ) ) / h_i
 *   central (option):                  ĝ_i = ( f(θ + h⁺_i e_i) − f(θ − h⁻_i e_i) ) / (h⁺_i + h⁻_i)
 *   ĝ_j = 0 for every coordinate j that is not estimated this step
 * </pre>
 * for the coordinates i of the step's set S_t. S_t is every <em>eligible</em> coordinate (those the
 * sparsity mask keeps, {@link #setEligible}; all of them by default), or, with
 * {@code coordsPerStep = k} smaller than the eligible count m, a uniform random k-subset of them
 * drawn without replacement by a partial Fisher–Yates shuffle of the ascending eligible list driven
 * by the Philox stream (seed, "cge/coords") derived by the step — so the subset is a pure function of
 * (seed, step, mask). Coordinates outside S_t get 0, as the reference gives 0 to masked
 * coordinates; the estimate is <em>not</em> rescaled by m/k (a learning rate absorbs the constant).
 *
 * <p>Step size: h_i is the perturbation actually stored in float32, h_i = fl(θ_i + μ) − θ_i (exact
 * in double), which differs from μ by at most half an ulp of θ_i; the reference divides by μ. A
 * coordinate is perturbed in place and restored by writing back its saved old value, so the
 * parameter buffer is bit-identical after an estimate. On a quadratic f the forward difference is
 * exact up to the curvature term: ĝ_i − g_i = h_i·H_ii/2, so |ĝ_i − g_i| ≤ |h_i|·|H_ii|/2 (central:
 * exact up to rounding, the cubic term vanishing).
 *
 * <p>Cost: 1 + |S_t| evaluations (forward) or 1 + 2|S_t| (central); f(θ) is evaluated in both modes
 * and returned as the step's loss. With a {@link ReplicatedObjective} the coordinates of S_t are cut
 * into {@link Parallel#threads()} contiguous chunks, each evaluated on its own replica; every
 * coordinate's value depends only on θ and the coordinate, so the result is bit-identical for any
 * thread count. DeepZero's "feature reuse" (recomputing only the layers after the perturbed one) is
 * not implemented: every query is a full forward pass.
 */
public final class CoordinateGradientEstimator implements GradientEstimator {
    /** The finite-difference scheme. */
    public enum Difference { FORWARD, CENTRAL }

    /** {@code coordsPerStep} value meaning "every eligible coordinate". */
    public static final int ALL = Integer.MAX_VALUE;

    private final double mu;
    private final Difference difference;
    private final int coordsPerStep;
    private final long seed;
    private final int[] word = new int[4];
    private int[] eligible;
    private int eligibleCount = -1;
    private int[] chosen = new int[0];
    private int lastLength;
    private final List<ReplicatedObjective.Replica> replicas = new ArrayList<>();
    private ReplicatedObjective replicasOf;

    /**
     * @param mu            the finite-difference step μ &gt; 0 (key {@code mu})
     * @param coordsPerStep coordinates estimated per step, ≥ 1, or {@link #ALL} (key {@code coords_per_step})
     * @param seed          keys the per-step coordinate subsets
     */
    public CoordinateGradientEstimator(double mu, Difference difference, int coordsPerStep, long seed) {
        Hyper.positive("mu", mu);
        Hyper.positiveCount("coords_per_step", coordsPerStep);
        this.mu = mu;
        this.difference = difference;
        this.coordsPerStep = coordsPerStep;
        this.seed = seed;
    }

    /**
     * Restricts estimation to {@code indices[0, count)} (ascending, distinct buffer indices: the
     * coordinates a sparsity mask keeps). The array is used, not copied, until the next call.
     */
    public void setEligible(int[] indices, int count) {
        this.eligible = indices;
        this.eligibleCount = count;
    }

    public double mu() { return mu; }

    public Difference difference() { return difference; }

    /** Coordinates estimated per step when {@code n} are eligible. */
    public int coordinatesPerEstimate(int n) { return Math.min(coordsPerStep, n); }

    /**
     * Evaluations per estimate: 1 + k (forward) or 1 + 2k (central) for the k coordinates of a step;
     * without an eligible set, k counts the buffer of the latest estimate (0 before the first).
     */
    @Override
    public long queriesPerEstimate() {
        int k = coordinatesPerEstimate(eligibleCount < 0 ? lastLength : eligibleCount);
        return 1 + (long) k * (difference == Difference.CENTRAL ? 2 : 1);
    }

    /** Estimates coordinate by coordinate on the caller's thread, perturbing {@code params} in place. */
    @Override
    public double estimate(float[] params, Objective objective, float[] grad, long step) {
        int k = select(params.length, step);
        Arrays.fill(grad, 0f);
        double f0 = objective.loss();
        for (int c = 0; c < k; c++) {
            int i = chosen[c];
            grad[i] = coordinate(params, i, objective, f0);
        }
        return f0;
    }

    /**
     * Estimates with the coordinates spread over threads, each thread on its own replica of the
     * model (created on first use and kept); f(θ) is evaluated by {@code objective} itself on
     * {@code params}, which this method does not modify.
     */
    public double estimate(float[] params, ReplicatedObjective objective, float[] grad, long step) {
        int k = select(params.length, step);
        Arrays.fill(grad, 0f);
        double f0 = objective.loss();
        int chunks = Parallel.chunkCount(k, 1);
        if (replicasOf != objective) {
            replicas.clear();
            replicasOf = objective;
        }
        while (replicas.size() < chunks) {
            ReplicatedObjective.Replica r = objective.newReplica();
            if (r.params().length != params.length) {
                throw new IllegalArgumentException("replica buffer has " + r.params().length + " values, the model " + params.length);
            }
            replicas.add(r);
        }
        int[] idx = chosen;
        Parallel.forChunks(k, 1, (chunk, from, to) -> {
            ReplicatedObjective.Replica r = replicas.get(chunk);
            float[] local = r.params();
            System.arraycopy(params, 0, local, 0, params.length);
            for (int c = from; c < to; c++) grad[idx[c]] = coordinate(local, idx[c], r.objective(), f0);
        });
        return f0;
    }

    /** One coordinate's difference quotient; {@code p[i]} is restored to its exact old value. */
    private float coordinate(float[] p, int i, Objective f, double f0) {
        float old = p[i];
        float up = (float) (old + mu);
        try {
            p[i] = up;
            double fUp = f.loss();
            if (difference == Difference.FORWARD) return (float) ((fUp - f0) / ((double) up - old));
            float down = (float) (old - mu);
            p[i] = down;
            double fDown = f.loss();
            return (float) ((fUp - fDown) / ((double) up - down));
        } finally {
            p[i] = old;
        }
    }

    /**
     * Chooses this step's coordinates into {@code chosen[0, k)} and returns k: all eligible ones, or
     * the first k of a partial Fisher–Yates shuffle of the ascending eligible list.
     */
    int select(int length, long step) {
        lastLength = length;
        int m = eligibleCount < 0 ? length : eligibleCount;
        if (chosen.length < m) chosen = new int[m];
        if (eligibleCount < 0) {
            for (int i = 0; i < m; i++) chosen[i] = i;
        } else {
            System.arraycopy(eligible, 0, chosen, 0, m);
        }
        int k = coordinatesPerEstimate(m);
        if (k == m) return k;
        partialShuffle(chosen, m, k, Philox.stream(seed, "cge/coords").derive(step), word);
        return k;
    }

    /**
     * The first k steps of a Fisher–Yates shuffle of {@code items[0, n)}: position j (j = 0 … k − 1)
     * swaps with j + r, r uniform in [0, n − j) by Lemire's multiply-shift on word j of {@code rng}
     * ((word · (n − j)) ≫ 32, as {@link Philox#nextInt}), so {@code items[0, k)} is a uniform random
     * k-subset in random order. {@code word} is a four-word scratch; nothing is allocated.
     */
    static void partialShuffle(int[] items, int n, int k, Philox rng, int[] word) {
        for (int j = 0; j < k; j++) {
            if ((j & 3) == 0) rng.block(j >>> 2, word);
            int r = j + (int) (((word[j & 3] & 0xFFFFFFFFL) * (n - j)) >>> 32);
            int t = items[j];
            items[j] = items[r];
            items[r] = t;
        }
    }

    /** This step's coordinates (for tests): a copy of {@code chosen[0, k)}. */
    int[] coordinates(int length, long step) {
        int k = select(length, step);
        return Arrays.copyOf(chosen, k);
    }
}
