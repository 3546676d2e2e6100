package dev.descent.bench.problems;

import dev.descent.optim.CurvatureEstimator;

/**
 * Hessian-vector products from central differences of gradients, for models without double
 * back-propagation (what {@link dev.descent.optim.HutchinsonEstimator}, and so SophiaH, needs):
 * <pre>
 *   H v ≈ (∇L(θ + h v) − ∇L(θ − h v)) / (2h),   h = ε · (1 + ‖θ‖₂) / ‖v‖₂
 * </pre>
 * The error is O(h²) from the third derivative plus O(u / h) from rounding the two float32
 * gradients (u = 2⁻²³). The default ε = u^{1/3} ≈ 4.9·10⁻³ balances the two, the usual choice for a
 * central difference; scaling by (1 + ‖θ‖)/‖v‖ makes the step a fixed fraction of the parameter
 * norm whatever the probe's length (Nocedal &amp; Wright, Numerical Optimization, §8.1, give this
 * scaling for forward differences with √u). A Rademacher probe over d parameters has ‖v‖ = √d, so
 * each coordinate moves by ε(1 + ‖θ‖)/√d, well above float32 resolution for the models here.
 *
 * <p>For a smooth loss (the GPT's GELU) this is the Hessian-vector product up to the errors above.
 * For a ReLU network the gradient jumps where a pre-activation changes sign; double back-propagation
 * would ignore those kinks (ReLU'' = 0 almost everywhere), while a difference over ±hv counts the
 * jumps it crosses, i.e. it measures the curvature of the loss averaged over that step. On the
 * digits MLP this makes vᵀ(Hw) and wᵀ(Hv) differ by 8 % for two Gaussian probes (see the tests); for a Hutchinson
 * estimate, whose own noise is larger, that is immaterial.
 *
 * <p>Two gradient evaluations per product, on whatever minibatch the gradient routine uses (the
 * benchmark instances use the current step's batch). The parameters are restored bit-exactly from
 * a copy and the gradient buffer is restored to what it held, as {@link CurvatureEstimator} requires
 * (Sophia calls its estimator while that buffer holds the step's gradient). Scratch: two buffers of
 * the model's size. Not thread-safe.
 */
public final class FiniteDifferenceHvp implements CurvatureEstimator.HessianVectorProduct {
    /** u^{1/3} for float32's unit roundoff u = 2⁻²³. */
    public static final double DEFAULT_EPSILON = Math.cbrt(0x1.0p-23);

    private final float[] values;
    private final float[] grads;
    private final Runnable gradient;
    private final double epsilon;
    private final float[] savedValues;
    private final float[] savedGrads;

    /**
     * @param values   the model's flat parameter buffer, perturbed in place and restored
     * @param grads    the model's flat gradient buffer, restored after use
     * @param gradient overwrites {@code grads} with ∇L at the current contents of {@code values}
     * @param epsilon  relative step ε (see the class comment), positive
     */
    public FiniteDifferenceHvp(float[] values, float[] grads, Runnable gradient, double epsilon) {
        if (values.length != grads.length) throw new IllegalArgumentException("values hold " + values.length + " entries, grads " + grads.length);
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
        this.values = values;
        this.grads = grads;
        this.gradient = java.util.Objects.requireNonNull(gradient, "gradient");
        this.epsilon = epsilon;
        this.savedValues = new float[values.length];
        this.savedGrads = new float[values.length];
    }

    public double epsilon() { return epsilon; }

    /** The step h used for probe {@code v} at the current parameters. */
    public double step(float[] v) {
        double vNorm = norm(v);
        return vNorm == 0 ? 0 : epsilon * (1 + norm(values)) / vNorm;
    }

    @Override
    public void apply(float[] params, float[] v, float[] out) {
        if (params != values) {
            throw new IllegalArgumentException("finite-difference products evaluate the model's own parameter buffer; build the optimizer over the problem's params()");
        }
        if (v.length != values.length || out.length != values.length) {
            throw new IllegalArgumentException("expected vectors of " + values.length + " entries, got v " + v.length + ", out " + out.length);
        }
        double h = step(v);
        if (h == 0) {
            java.util.Arrays.fill(out, 0f);
            return;
        }
        int n = values.length;
        System.arraycopy(values, 0, savedValues, 0, n);
        System.arraycopy(grads, 0, savedGrads, 0, n);
        try {
            for (int i = 0; i < n; i++) values[i] = (float) (savedValues[i] + h * v[i]);
            gradient.run();
            System.arraycopy(grads, 0, out, 0, n);
            for (int i = 0; i < n; i++) values[i] = (float) (savedValues[i] - h * v[i]);
            gradient.run();
            double inv = 1 / (2 * h);
            for (int i = 0; i < n; i++) out[i] = (float) (((double) out[i] - grads[i]) * inv);
        } finally {
            System.arraycopy(savedValues, 0, values, 0, n);
            System.arraycopy(savedGrads, 0, grads, 0, n);
        }
    }

    private static double norm(float[] x) {
        double s = 0;
        for (float f : x) s += (double) f * f;
        return Math.sqrt(s);
    }
}
