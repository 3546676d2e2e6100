package dev.descent.optim;

import dev.descent.optim.problems.Problem;
import dev.descent.tensor.Philox;

/**
 * Hutchinson's estimator of the Hessian diagonal, ĥ = u ⊙ (H u), with a random probe u whose
 * entries are independent, mean 0 and variance 1 (Bekas, Kokiopoulou, Saad, "An estimator for the
 * diagonal of a matrix", 2007; the curvature estimate of SophiaH).
 *
 * <p>Unbiased: E[u_i (Hu)_i] = Σ_j H_ij E[u_i u_j] = H_ii. Its variance per element is
 * Σ_{j≠i} H_ij² with Rademacher probes (u_i = ±1, the default: exact for a diagonal H) and
 * 2 H_ii² + Σ_{j≠i} H_ij² with Gaussian probes (u ~ N(0, I), the form the Sophia paper states).
 * ĥ can be negative where H is not positive definite, or by noise.
 *
 * <p>Probe for step t: the Philox stream {@code stream(seed, "hutchinson").derive(t)}; Rademacher
 * entry i is the sign of 32-bit value i (its top bit set means −1), Gaussian entry i is
 * {@link Philox#gaussian}(i). Scratch: one probe vector of the model's size.
 */
public final class HutchinsonEstimator implements CurvatureEstimator {
    /** The distribution of the probe entries. */
    public enum Probe { RADEMACHER, GAUSSIAN }

    private final int size;
    private final HessianVectorProduct hvp;
    private final Philox stream;
    private final Probe probe;
    private final float[] u;
    private final int[] block = new int[4];

    /**
     * @param size  length of the model's flat parameter buffer
     * @param hvp   exact Hessian-vector products of the loss (double backprop, or analytic)
     * @param seed  keys the probe stream
     * @param probe probe distribution
     */
    public HutchinsonEstimator(int size, HessianVectorProduct hvp, long seed, Probe probe) {
        Hyper.positiveCount("size", size);
        this.size = size;
        this.hvp = java.util.Objects.requireNonNull(hvp, "hvp");
        this.stream = Philox.stream(seed, "hutchinson");
        this.probe = java.util.Objects.requireNonNull(probe, "probe");
        this.u = new float[size];
    }

    /** Rademacher probes over a {@link Problem}'s exact Hessian-vector products. */
    public static HutchinsonEstimator of(Problem problem, long seed) {
        return new HutchinsonEstimator(problem.start().length, problem::hessianVectorProduct, seed, Probe.RADEMACHER);
    }

    public Probe probe() { return probe; }

    @Override
    public void estimate(float[] params, float[] out, long step) {
        if (params.length != size || out.length != size) {
            throw new IllegalArgumentException("estimator built for " + size + " parameters, got params " + params.length + ", out " + out.length);
        }
        fillProbe(step, u);
        hvp.apply(params, u, out);
        for (int i = 0; i < size; i++) out[i] *= u[i];
    }

    /** Writes the probe of {@code step} into {@code v} (for tests and for regenerating it). */
    public void fillProbe(long step, float[] v) {
        Philox s = stream.derive(step);
        if (probe == Probe.GAUSSIAN) {
            s.fillGaussian(v, 0, v.length, 0);
            return;
        }
        for (int i = 0; i < v.length; i++) {
            if ((i & 3) == 0) s.block(i >>> 2, block);
            v[i] = block[i & 3] < 0 ? -1f : 1f;
        }
    }
}
