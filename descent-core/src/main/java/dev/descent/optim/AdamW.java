package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import java.util.function.Predicate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) with the exact
 * semantics of {@code torch.optim.AdamW} (amsgrad=False, maximize=False), fused into one pass over
 * the flat parameter, gradient and moment buffers.
 *
 * <p>At step t (t = 1 first), for every element, with decay λ only on parameters in the decay set:
 * <pre>
 *   θ ← θ (1 − η λ)
 *   m ← m + (1 − β₁)(g − m)        (torch's lerp form of β₁ m + (1 − β₁) g)
 *   v ← β₂ v + (1 − β₂) g²
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Defaults are PyTorch's: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2. The decay set defaults
 * to nanoGPT's rule: parameters of rank ≥ 2 decay, biases and gains do not. State: m and v, 8 bytes
 * per parameter.
 */
public final class AdamW extends FusedOptimizer {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final float[] m;
    private final float[] v;
    private final boolean[] decays;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    // This step's scalars, written by step() before the pass reads them.
    private float stepSize;
    private float bc2Sqrt;
    private float decayFactor;

    public AdamW(FlatParameters params, double lr, double beta1, double beta2, double eps, double weightDecay,
                 Predicate<Parameter> decay) {
        this(ParamSet.of(params), params.grads(), lr, beta1, beta2, eps, weightDecay, slot -> decay.test(params.list().get(slot.index())));
    }

    /**
     * AdamW over a parameter set whose gradients are in {@code grads} (same layout as the set's value
     * buffer); {@code decay} selects the parameters that decay (torch.optim.AdamW: all of them).
     * The moments are laid out densely over the set's slots (state offsets).
     */
    public AdamW(ParamSet params, float[] grads, double lr, double beta1, double beta2, double eps, double weightDecay,
                 Predicate<ParamSlot> decay) {
        Hyper.nonNegative("lr", lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        Hyper.nonNegative("eps", eps);
        Hyper.nonNegative("weight_decay", weightDecay);
        super("adamw", params, grads, lr);
        this.m = stateBuffer("exp_avg");
        this.v = stateBuffer("exp_avg_sq");
        this.decays = new boolean[slots.length];
        for (int i = 0; i < slots.length; i++) decays[i] = decay.test(slots[i]);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /**
     * nanoGPT's decay rule, "every parameter of rank ≥ 2 decays": the matrix roles (hidden matrices,
     * embeddings, heads) decay, gains and biases do not.
     */
    public static AdamW nanoGpt(FlatParameters params, double lr, double beta1, double beta2, double weightDecay) {
        return new AdamW(params, lr, beta1, beta2, 1e-8, weightDecay, p -> p.role().isMatrixRole());
    }

    @Override
    protected void beforePass() {
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        stepSize = (float) (lr / bc1);
        bc2Sqrt = (float) Math.sqrt(bc2);
        decayFactor = (float) (1 - lr * weightDecay);
    }

    @Override
    protected void piece(int slot, int off, int so, int n) {
        kernel(params.values(), grads, off, m, v, so, n, decays[slot] ? decayFactor : 1f, (float) (1 - beta1), (float) beta2,
                (float) (1 - beta2), stepSize, bc2Sqrt, (float) eps);
    }

    /**
     * One piece: {@code n} elements of θ and g at model offset {@code off}, of m and v at state
     * offset {@code so}. {@code c1} = 1 − β₁ and {@code c2} = 1 − β₂ come rounded from double (as
     * torch's Python-float scalars): 1 − (float) 0.999 would be off by 1.3e-5 relative.
     */
    static void kernel(float[] p, float[] g, int off, float[] m, float[] v, int so, int n, float decayFactor,
                       float c1, float b2, float c2, float stepSize, float bc2Sqrt, float eps) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, off + i);
            FloatVector m0 = FloatVector.fromArray(S, m, so + i);
            FloatVector mv = gv.sub(m0).mul(c1).add(m0);
            FloatVector vv = FloatVector.fromArray(S, v, so + i).mul(b2).add(gv.mul(gv).mul(c2));
            mv.intoArray(m, so + i);
            vv.intoArray(v, so + i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            FloatVector pv = FloatVector.fromArray(S, p, off + i).mul(decayFactor);
            pv.sub(mv.div(denom).mul(stepSize)).intoArray(p, off + i);
        }
        for (; i < n; i++) {
            float gi = g[off + i];
            float mi = m[so + i] + (gi - m[so + i]) * c1;
            float vi = v[so + i] * b2 + gi * gi * c2;
            m[so + i] = mi;
            v[so + i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[off + i] = p[off + i] * decayFactor - (mi / denom) * stepSize;
        }
    }

}
