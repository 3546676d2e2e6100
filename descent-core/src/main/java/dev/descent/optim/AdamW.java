package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import java.util.Map;
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
 * Defaults are PyTorch's: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2; {@link #nanoGpt} decays
 * the parameters of rank ≥ 2 only (biases and gains do not), as nanoGPT does. State: m and v, 8 bytes
 * per parameter.
 *
 * <p>This is a {@link FusedTransformation} of the composition {@link Adam#adamw} ({@code chain(scaleByAdam,
 * addDecayedWeights, scaleByLearningRate)}, optax.adamw): the same state — buffers {@code 0.mu},
 * {@code 0.nu}; scalars {@code 0.b1}, {@code 0.b2}, {@code 0.eps}, {@code 0.count},
 * {@code 1.masked.weight_decay}, {@code 2.lr}, {@code 2.count} — so checkpoints are the same whichever
 * form ran, and the same mathematics with torch's rounding order in {@link #step}.
 */
public final class AdamW extends FusedTransformation {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final Predicate<ParamSlot> decay;

    /** AdamW with decay λ on the parameters where {@code decay} holds (torch.optim.AdamW: all of them). */
    public AdamW(double lr, double beta1, double beta2, double eps, double weightDecay, Predicate<ParamSlot> decay) {
        Hyper.nonNegative("lr", lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        Hyper.nonNegative("eps", eps);
        Hyper.nonNegative("weight_decay", weightDecay);
        super(Adam.adamw(lr, beta1, beta2, eps, weightDecay, decay));
        this.decay = decay;
    }

    /**
     * The optimizer over a parameter set whose gradients are in {@code grads} (same layout as the set's
     * value buffer). The moments are laid out densely over the set's slots (state offsets).
     */
    public static TransformOptimizer optimizer(ParamSet params, float[] grads, double lr, double beta1, double beta2, double eps,
                                               double weightDecay, Predicate<ParamSlot> decay) {
        return new TransformOptimizer("adamw", params, grads, new AdamW(lr, beta1, beta2, eps, weightDecay, decay));
    }

    /** The optimizer from a hyperparameter record, decaying every parameter (torch.optim.AdamW; what the registry's {@code adamw} builds). */
    public static TransformOptimizer optimizer(ParamSet params, float[] grads, AdamWHyper h) {
        return optimizer(params, grads, h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), p -> true);
    }

    /** The optimizer over a model's parameters; {@code decay} selects the parameters that decay. */
    public static TransformOptimizer optimizer(FlatParameters params, double lr, double beta1, double beta2, double eps,
                                               double weightDecay, Predicate<Parameter> decay) {
        return optimizer(ParamSet.of(params), params.grads(), lr, beta1, beta2, eps, weightDecay,
                slot -> decay.test(params.list().get(slot.index())));
    }

    /**
     * nanoGPT's decay rule, "every parameter of rank ≥ 2 decays": the matrix roles (hidden matrices,
     * embeddings, heads) decay, gains and biases do not.
     */
    public static TransformOptimizer nanoGpt(FlatParameters params, double lr, double beta1, double beta2, double weightDecay) {
        return optimizer(params, lr, beta1, beta2, 1e-8, weightDecay, p -> p.role().isMatrixRole());
    }

    @Override
    protected Map<String, String> legacyBuffers() {
        return Map.of("exp_avg", "0.mu", "exp_avg_sq", "0.nu");
    }

    @Override
    protected Kernel kernel(OptState state, ParamSet params) {
        return new Kernel(params) {
            final OptState adam = state.child("0");
            final OptState decayed = decayState(state.child("1"));
            final OptState rate = state.child("2");
            final float[] m = adam.buffer("mu");
            final float[] v = adam.buffer("nu");
            final boolean[] decays = mask(decay);
            // This step's scalars, written by beforePass() before the pass reads them.
            float stepSize;
            float bc2Sqrt;
            float decayFactor;
            float c1;
            float b2;
            float c2;
            float eps;

            @Override
            void beforePass() {
                long t = adam.increment("count");
                double lr = learningRateStep(rate);
                double beta1 = adam.get("b1");
                double beta2 = adam.get("b2");
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                stepSize = (float) (lr / bc1);
                bc2Sqrt = (float) Math.sqrt(bc2);
                decayFactor = (float) (1 - lr * decayed.get("weight_decay"));
                c1 = (float) (1 - beta1);
                b2 = (float) beta2;
                c2 = (float) (1 - beta2);
                eps = (float) adam.get("eps");
            }

            @Override
            void piece(int slot, int off, int so, int n) {
                kernel(params.values(), grads, off, m, v, so, n, decays[slot] ? decayFactor : 1f, c1, b2, c2, stepSize, bc2Sqrt, eps);
            }
        };
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
