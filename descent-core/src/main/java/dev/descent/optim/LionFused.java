package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import java.util.Map;
import java.util.function.Predicate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023, arXiv
 * 2302.06675) with the semantics of the authors' PyTorch port, google/automl
 * {@code lion/lion_pytorch.py}, fused into one pass over the flat parameter, gradient and momentum
 * buffers. For every element, with decay λ on the parameters in the decay set (all by default):
 * <pre>
 *   θ ← θ (1 − η λ)                          (decoupled, on the pre-update θ)
 *   θ ← θ − η · sign(β₁ m + (1 − β₁) g)      (the old m; sign(0) = 0)
 *   m ← β₂ m + (1 − β₂) g
 * </pre>
 * No step counter enters the update (no bias correction). Defaults: η = 1e-4, β = (0.9, 0.99),
 * λ = 0. State: the momentum m, 4 bytes per parameter.
 *
 * <p>This is a {@link FusedTransformation} of the composition {@code chain(scaleByLion, addDecayedWeights,
 * scaleByLearningRate)} ({@link Classic#lion} when every parameter decays), with its state: buffer
 * {@code 0.mu}; scalars {@code 0.b1}, {@code 0.b2}, {@code 1.masked.weight_decay}, {@code 2.lr},
 * {@code 2.count}. The interpolation and the momentum use the same float operations in both forms,
 * so m and the signs agree bit for bit.
 */
public final class LionFused extends FusedTransformation {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final Predicate<ParamSlot> decay;

    public LionFused(double lr, double beta1, double beta2, double weightDecay, Predicate<ParamSlot> decay) {
        Hyper.nonNegative("lr", lr);
        Hyper.unitInterval("beta1", beta1);
        Hyper.unitInterval("beta2", beta2);
        Hyper.nonNegative("weight_decay", weightDecay);
        super(Transforms.chain(Classic.scaleByLion(beta1, beta2), Transforms.addDecayedWeights(weightDecay, decay),
                Transforms.scaleByLearningRate(lr)));
        this.decay = decay;
    }

    /** The optimizer over a parameter set whose gradients are in {@code grads}; {@code decay} selects the parameters that decay. */
    public static TransformOptimizer optimizer(ParamSet params, float[] grads, double lr, double beta1, double beta2, double weightDecay,
                                               Predicate<ParamSlot> decay) {
        return new TransformOptimizer("lion", params, grads, new LionFused(lr, beta1, beta2, weightDecay, decay));
    }

    /** The optimizer from a hyperparameter record, decaying every parameter (what the registry's {@code lion} builds). */
    public static TransformOptimizer optimizer(ParamSet params, float[] grads, LionHyper h) {
        return optimizer(params, grads, h.lr(), h.beta1(), h.beta2(), h.weightDecay(), p -> true);
    }

    /** The optimizer over a model's parameters, every one of them decaying. */
    public static TransformOptimizer optimizer(FlatParameters params, double lr, double beta1, double beta2, double weightDecay) {
        return optimizer(ParamSet.of(params), params.grads(), lr, beta1, beta2, weightDecay, p -> true);
    }

    @Override
    protected Map<String, String> legacyBuffers() {
        return Map.of("exp_avg", "0.mu");
    }

    @Override
    protected Kernel kernel(OptState state, ParamSet params) {
        return new Kernel(params) {
            final OptState lion = state.child("0");
            final OptState decayed = decayState(state.child("1"));
            final OptState rate = state.child("2");
            final float[] m = lion.buffer("mu");
            final boolean[] decays = mask(decay);
            // This step's scalars, written by beforePass() before the pass reads them.
            float decayFactor;
            float lr;
            float b1;
            float c1;
            float b2;
            float c2;

            @Override
            void beforePass() {
                double eta = learningRateStep(rate);
                decayFactor = (float) (1 - eta * decayed.get("weight_decay"));
                lr = (float) eta;
                double beta1 = lion.get("b1");
                double beta2 = lion.get("b2");
                b1 = (float) beta1;
                c1 = (float) (1 - beta1);
                b2 = (float) beta2;
                c2 = (float) (1 - beta2);
            }

            @Override
            void piece(int slot, int off, int so, int n) {
                kernel(params.values(), grads, off, m, so, n, decays[slot] ? decayFactor : 1f, lr, b1, c1, b2, c2);
            }
        };
    }

    /** {@code c1} = 1 − β₁ and {@code c2} = 1 − β₂, rounded from double. */
    static void kernel(float[] p, float[] g, int off, float[] m, int so, int n, float decayFactor, float lr, float b1,
                       float c1, float b2, float c2) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, off + i);
            FloatVector mv = FloatVector.fromArray(S, m, so + i);
            FloatVector c = mv.mul(b1).add(gv.mul(c1));
            // sign(c) as Math.signum: ±1, 0 for ±0 (+0 here, which adds the same), NaN for NaN
            FloatVector sign = zero.blend(one, c.compare(VectorOperators.GT, 0f))
                    .blend(one.neg(), c.compare(VectorOperators.LT, 0f));
            VectorMask<Float> nan = c.test(VectorOperators.IS_NAN);
            sign = sign.blend(c, nan);
            FloatVector.fromArray(S, p, off + i).mul(decayFactor).sub(sign.mul(lr)).intoArray(p, off + i);
            mv.mul(b2).add(gv.mul(c2)).intoArray(m, so + i);
        }
        for (; i < n; i++) {
            float gi = g[off + i];
            float mi = m[so + i];
            p[off + i] = p[off + i] * decayFactor - Math.signum(b1 * mi + c1 * gi) * lr;
            m[so + i] = b2 * mi + c2 * gi;
        }
    }

}
