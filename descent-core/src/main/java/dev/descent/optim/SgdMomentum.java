package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stochastic gradient descent with the exact semantics of {@code torch.optim.SGD} (maximize=False),
 * fused into one pass over the flat parameter, gradient and momentum buffers. At step t (t = 1
 * first), for every element, with d = g + λθ (coupled decay):
 * <pre>
 *   b ← d  (t = 1),   b ← μ b + (1 − τ) d  (t &gt; 1)
 *   d ← d + μ b  (Nesterov)  or  d ← b
 *   θ ← θ − η d
 * </pre>
 * Without momentum (μ = 0) there is no buffer: θ ← θ − η (g + λθ). Defaults are PyTorch's: η = 1e-3,
 * μ = 0, dampening τ = 0, λ = 0, Nesterov off; Nesterov needs μ &gt; 0 and τ = 0. The term λθ + g is
 * one fused multiply-add. State: the momentum buffer (4 bytes per parameter) when μ &gt; 0.
 *
 * <p>This is a {@link FusedTransformation} of the composition {@link Classic#sgd} ({@code chain(
 * [addDecayedWeights if λ ≠ 0], [torchMomentum if μ ≠ 0], scaleByLearningRate)}), with its state: for
 * μ = 0.9, λ = 0 the buffer {@code 0.momentum_buffer} and scalars {@code 0.momentum}, {@code 0.dampening},
 * {@code 0.nesterov}, {@code 0.count}, {@code 1.lr}, {@code 1.count} (children numbered as in the chain).
 */
public final class SgdMomentum extends FusedTransformation {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final boolean hasDecay;
    private final boolean hasMomentum;

    public SgdMomentum(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        Hyper.nonNegative("lr", lr);
        Classic.checkSgd(momentum, dampening, nesterov);
        Hyper.nonNegative("weight_decay", weightDecay);
        super(Classic.sgd(lr, momentum, dampening, nesterov, weightDecay));
        this.hasDecay = weightDecay != 0;
        this.hasMomentum = momentum != 0;
    }

    /** The optimizer over a parameter set whose gradients are in {@code grads}. */
    public static TransformOptimizer optimizer(ParamSet params, float[] grads, double lr, double momentum, double dampening,
                                               boolean nesterov, double weightDecay) {
        return new TransformOptimizer("sgd", params, grads, new SgdMomentum(lr, momentum, dampening, nesterov, weightDecay));
    }

    /** The optimizer from a hyperparameter record (what the registry's {@code sgd} builds). */
    public static TransformOptimizer optimizer(ParamSet params, float[] grads, SgdHyper h) {
        return optimizer(params, grads, h.lr(), h.momentum(), h.dampening(), h.nesterov(), h.weightDecay());
    }

    /** The optimizer over a model's parameters. */
    public static TransformOptimizer optimizer(FlatParameters params, double lr, double momentum, double dampening, boolean nesterov,
                                               double weightDecay) {
        return optimizer(ParamSet.of(params), params.grads(), lr, momentum, dampening, nesterov, weightDecay);
    }

    /** Without momentum there was no buffer; the legacy format is then recognised by nothing and needs no upgrade. */
    @Override
    protected Map<String, String> legacyBuffers() {
        return hasMomentum ? Map.of("momentum_buffer", (hasDecay ? "1" : "0") + ".momentum_buffer") : Map.of();
    }

    @Override
    protected Kernel kernel(OptState state, ParamSet params) {
        // the chain's children are numbered in order: [decay], [momentum], learning rate
        int child = 0;
        OptState decayed = hasDecay ? decayState(state.child(Integer.toString(child++))) : null;
        OptState mom = hasMomentum ? state.child(Integer.toString(child++)) : null;
        OptState rate = state.child(Integer.toString(child));
        return new Kernel(params) {
            final float[] buf = mom == null ? null : mom.buffer("momentum_buffer");
            // This step's scalars, written by beforePass() before the pass reads them.
            boolean first;
            float wd;
            float eta;
            float mu;
            float keep;
            boolean nesterov;

            @Override
            void beforePass() {
                eta = (float) learningRateStep(rate);
                wd = decayed == null ? 0f : (float) decayed.get("weight_decay");
                if (mom != null) {
                    first = mom.increment("count") == 1;
                    mu = (float) mom.get("momentum");
                    keep = (float) (1 - mom.get("dampening"));
                    nesterov = mom.get("nesterov") != 0;
                }
            }

            @Override
            void piece(int slot, int off, int so, int n) {
                float[] p = params.values();
                if (buf == null) {
                    plain(p, grads, off, n, wd, eta);
                } else {
                    withMomentum(p, grads, off, buf, so, n, wd, eta, mu, keep, nesterov, first);
                }
            }
        };
    }

    static void plain(float[] p, float[] g, int off, int n, float wd, float lr) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, off + i);
            FloatVector d = FloatVector.fromArray(S, g, off + i);
            if (wd != 0) d = pv.fma(FloatVector.broadcast(S, wd), d);
            pv.sub(d.mul(lr)).intoArray(p, off + i);
        }
        for (; i < n; i++) {
            float d = g[off + i];
            if (wd != 0) d = Math.fma(p[off + i], wd, d);
            p[off + i] -= d * lr;
        }
    }

    static void withMomentum(float[] p, float[] g, int off, float[] b, int so, int n, float wd, float lr, float mu,
                             float keep, boolean nesterov, boolean first) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, off + i);
            FloatVector d = FloatVector.fromArray(S, g, off + i);
            if (wd != 0) d = pv.fma(FloatVector.broadcast(S, wd), d);
            FloatVector bv = first ? d : FloatVector.fromArray(S, b, so + i).mul(mu).add(d.mul(keep));
            bv.intoArray(b, so + i);
            FloatVector dir = nesterov ? d.add(bv.mul(mu)) : bv;
            pv.sub(dir.mul(lr)).intoArray(p, off + i);
        }
        for (; i < n; i++) {
            float d = g[off + i];
            if (wd != 0) d = Math.fma(p[off + i], wd, d);
            float bi = first ? d : mu * b[so + i] + keep * d;
            b[so + i] = bi;
            float dir = nesterov ? d + mu * bi : bi;
            p[off + i] -= dir * lr;
        }
    }

}
