package dev.descent.optim;

import dev.descent.tensor.Reductions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The classic first-order optimizers as compositions of gradient transformations (optax style), and
 * the element-wise transformations they are built from. Each named optimizer says whose semantics
 * it follows; "coupled" weight decay adds λθ to the gradient before anything else (torch's
 * {@code weight_decay} in SGD, Adam, Adagrad, RMSprop), "decoupled" adds it after the direction
 * (AdamW, Lion, LAMB), see {@link Transforms#addDecayedWeights}.
 *
 * <p>Fused single-pass versions of the fast paths are {@link SgdMomentum}, {@link AdamW} and
 * {@link LionFused}; {@code FusedEqualsComposedTest} proves they compute the same numbers.
 */
public final class Classic {
    private Classic() {}

    private static final Predicate<ParamSlot> ALL = p -> true;

    // ---------------------------------------------------------------- SGD

    /**
     * torch.optim.SGD: with d = g + λθ (coupled decay, λ = {@code weight_decay}),
     * <pre>
     *   b ← d                        at the first step (torch initialises the buffer to the gradient)
     *   b ← μ b + (1 − τ) d          afterwards (τ = dampening)
     *   d ← d + μ b  (Nesterov)  or  d ← b
     *   θ ← θ − η d
     * </pre>
     * Without momentum (μ = 0) there is no buffer and θ ← θ − η d. Torch's defaults: η = 1e-3,
     * μ = 0, τ = 0, λ = 0, Nesterov off; Nesterov needs μ &gt; 0 and τ = 0.
     */
    public static GradientTransformation sgd(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        Hyper.nonNegative("lr", lr);
        Hyper.nonNegative("weight_decay", weightDecay);
        checkSgd(momentum, dampening, nesterov);
        List<GradientTransformation> parts = new ArrayList<>();
        if (weightDecay != 0) parts.add(Transforms.addDecayedWeights(weightDecay, ALL));
        if (momentum != 0) parts.add(torchMomentum(momentum, dampening, nesterov));
        parts.add(Transforms.scaleByLearningRate(lr));
        return Transforms.chain(parts.toArray(new GradientTransformation[0]));
    }

    static void checkSgd(double momentum, double dampening, boolean nesterov) {
        Hyper.unitInterval("momentum", momentum);
        Hyper.closedUnitInterval("dampening", dampening);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov momentum requires momentum > 0 and dampening = 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
    }

    /**
     * torch.optim.SGD's momentum buffer: {@code b ← u} at the first step, then
     * {@code b ← μ b + (1 − τ) u}; the update is {@code b}, or {@code u + μ b} with Nesterov. (Unlike
     * {@link Transforms#trace}, which starts from zero and has no dampening; the two agree when τ = 0.)
     * State: buffer {@code momentum_buffer}, scalars {@code momentum}, {@code dampening},
     * {@code nesterov} (0/1), {@code count}.
     */
    public static GradientTransformation torchMomentum(double momentum, double dampening, boolean nesterov) {
        checkSgd(momentum, dampening, nesterov);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("momentum_buffer", params.elements());
                st.define("momentum", momentum);
                st.define("dampening", dampening);
                st.define("nesterov", nesterov ? 1 : 0);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                boolean first = state.increment("count") == 1;
                float mu = (float) state.get("momentum");
                float keep = (float) (1 - state.get("dampening"));
                boolean nest = state.get("nesterov") != 0;
                float[] b = state.buffer("momentum_buffer");
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float d = u[off + i];
                        float bi = first ? d : mu * b[so + i] + keep * d;
                        b[so + i] = bi;
                        u[off + i] = nest ? d + mu * bi : bi;
                    }
                });
            }
        };
    }

    // ---------------------------------------------------------------- Adam

    /**
     * torch.optim.Adam: coupled decay d = g + λθ, then Adam on d:
     * <pre>
     *   m ← β₁ m + (1 − β₁) d,  v ← β₂ v + (1 − β₂) d²   (AMSGrad: v̄ ← max(v̄, v), used for v below)
     *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
     * </pre>
     * composed as {@code chain(addDecayedWeights(λ), scaleByAdam(β₁, β₂, ε, amsgrad), scaleByLearningRate(η))}.
     * Torch's defaults: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0. Torch and optax place ε the same
     * way (after the bias-corrected square root: √v/√(1−β₂ᵗ) = √(v/(1−β₂ᵗ))); they differ only in the
     * float32 rounding order, by a few ulps.
     */
    public static GradientTransformation adam(AdamHyper h) {
        return adam(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), h.amsgrad());
    }

    /** {@link #adam(AdamHyper)} from the values. */
    public static GradientTransformation adam(double lr, double b1, double b2, double eps, double weightDecay, boolean amsgrad) {
        Hyper.nonNegative("lr", lr);
        Hyper.nonNegative("weight_decay", weightDecay);
        List<GradientTransformation> parts = new ArrayList<>();
        if (weightDecay != 0) parts.add(Transforms.addDecayedWeights(weightDecay, ALL));
        parts.add(Adam.scaleByAdam(b1, b2, eps, amsgrad));
        parts.add(Transforms.scaleByLearningRate(lr));
        return Transforms.chain(parts.toArray(new GradientTransformation[0]));
    }

    // ---------------------------------------------------------------- Adagrad

    /**
     * torch.optim.Adagrad (Duchi, Hazan &amp; Singer, JMLR 2011): coupled decay d = g + λθ, then at
     * step t (t = 1 first)
     * <pre>
     *   s ← s + d²                    (s starts at initial_accumulator_value)
     *   θ ← θ − η / (1 + (t − 1)·lr_decay) · d / (√s + ε)
     * </pre>
     * composed as {@code chain(addDecayedWeights(λ), scaleByAdagrad(lr_decay, s₀, ε), scaleByLearningRate(η))}.
     * Torch's defaults: η = 1e-2, lr_decay = 0, λ = 0, s₀ = 0, ε = 1e-10. (ε is added after the square
     * root as in torch; optax.scale_by_rss puts it inside.)
     */
    public static GradientTransformation adagrad(double lr, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
        Hyper.nonNegative("lr", lr);
        Hyper.nonNegative("weight_decay", weightDecay);
        List<GradientTransformation> parts = new ArrayList<>();
        if (weightDecay != 0) parts.add(Transforms.addDecayedWeights(weightDecay, ALL));
        parts.add(scaleByAdagrad(lrDecay, initialAccumulator, eps));
        parts.add(Transforms.scaleByLearningRate(lr));
        return Transforms.chain(parts.toArray(new GradientTransformation[0]));
    }

    /**
     * u ← u / ((1 + (t − 1)·lr_decay)(√s + ε)) with s ← s + u², t = 1 first. State: buffer
     * {@code sum}, scalars {@code lr_decay}, {@code eps}, {@code count}.
     */
    public static GradientTransformation scaleByAdagrad(double lrDecay, double initialAccumulator, double eps) {
        Hyper.nonNegative("lr_decay", lrDecay);
        Hyper.nonNegative("initial_accumulator_value", initialAccumulator);
        Hyper.nonNegative("eps", eps);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                java.util.Arrays.fill(st.newBuffer("sum", params.elements()), (float) initialAccumulator);
                st.define("lr_decay", lrDecay);
                st.define("eps", eps);
                st.define("count", 0);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                long t = state.increment("count");
                float f = (float) (1 / (1 + (t - 1) * state.get("lr_decay")));
                float e = (float) state.get("eps");
                float[] s = state.buffer("sum");
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float d = u[off + i];
                        float si = s[so + i] + d * d;
                        s[so + i] = si;
                        u[off + i] = f * (d / ((float) Math.sqrt(si) + e));
                    }
                });
            }
        };
    }

    // ---------------------------------------------------------------- RMSprop

    /**
     * torch.optim.RMSprop (Hinton's lecture 6e; centred form from Graves 2013): coupled decay
     * d = g + λθ, then
     * <pre>
     *   q ← α q + (1 − α) d²
     *   a = √q + ε,  or centred: ḡ ← ḡ + (1 − α)(d − ḡ),  a = √(q − ḡ²) + ε
     *   b ← μ b + d / a,  θ ← θ − η b        (μ &gt; 0; b starts at zero)
     *   θ ← θ − η d / a                       (μ = 0)
     * </pre>
     * composed as {@code chain(addDecayedWeights(λ), scaleByRms(α, ε, centered), trace(μ), scaleByLearningRate(η))}.
     * Torch's defaults: η = 1e-2, α = 0.99, ε = 1e-8, λ = 0, μ = 0, centred off. No bias correction.
     */
    public static GradientTransformation rmsprop(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        Hyper.nonNegative("lr", lr);
        Hyper.nonNegative("weight_decay", weightDecay);
        Hyper.unitInterval("momentum", momentum);
        List<GradientTransformation> parts = new ArrayList<>();
        if (weightDecay != 0) parts.add(Transforms.addDecayedWeights(weightDecay, ALL));
        parts.add(scaleByRms(alpha, eps, centered));
        if (momentum != 0) parts.add(Transforms.trace(momentum, false));
        parts.add(Transforms.scaleByLearningRate(lr));
        return Transforms.chain(parts.toArray(new GradientTransformation[0]));
    }

    /**
     * u ← u / (√q + ε) with q ← α q + (1 − α) u² (centred: u / (√(q − ḡ²) + ε) with
     * ḡ ← ḡ + (1 − α)(u − ḡ)), torch's ε placement. State: buffers {@code square_avg}
     * (and {@code grad_avg}), scalars {@code alpha}, {@code eps}.
     */
    public static GradientTransformation scaleByRms(double alpha, double eps, boolean centered) {
        Hyper.closedUnitInterval("alpha", alpha);
        Hyper.nonNegative("eps", eps);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("square_avg", params.elements());
                if (centered) st.newBuffer("grad_avg", params.elements());
                st.define("alpha", alpha);
                st.define("eps", eps);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float a = (float) state.get("alpha");
                float c = (float) (1 - state.get("alpha"));
                float e = (float) state.get("eps");
                float[] q = state.buffer("square_avg");
                float[] ga = centered ? state.buffer("grad_avg") : null;
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float d = u[off + i];
                        float qi = a * q[so + i] + c * d * d;
                        q[so + i] = qi;
                        float var = qi;
                        if (ga != null) {
                            float gi = ga[so + i] + c * (d - ga[so + i]);
                            ga[so + i] = gi;
                            var = qi - gi * gi;
                        }
                        u[off + i] = d / ((float) Math.sqrt(var) + e);
                    }
                });
            }
        };
    }

    // ---------------------------------------------------------------- Lion

    /**
     * Lion (Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023), with the
     * semantics of the authors' google/automl {@code lion_pytorch.py} (= optax.lion):
     * <pre>
     *   θ ← θ (1 − η λ)                       (decoupled decay, on the pre-update θ)
     *   θ ← θ − η · sign(β₁ m + (1 − β₁) g)   (sign(0) = 0; the old m)
     *   m ← β₂ m + (1 − β₂) g
     * </pre>
     * composed as {@code chain(scaleByLion(β₁, β₂), addDecayedWeights(λ), scaleByLearningRate(η))}.
     * Defaults: η = 1e-4, β = (0.9, 0.99), λ = 0.
     */
    public static GradientTransformation lion(double lr, double b1, double b2, double weightDecay) {
        return Transforms.chain(scaleByLion(b1, b2), Transforms.addDecayedWeights(weightDecay, ALL), Transforms.scaleByLearningRate(lr));
    }

    /**
     * u ← sign(β₁ m + (1 − β₁) u), then m ← β₂ m + (1 − β₂) u (with the incoming u). State: buffer
     * {@code mu}, scalars {@code b1}, {@code b2}.
     */
    public static GradientTransformation scaleByLion(double b1, double b2) {
        Hyper.unitInterval("beta1", b1);
        Hyper.unitInterval("beta2", b2);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("mu", params.elements());
                st.define("b1", b1);
                st.define("b2", b2);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float beta1 = (float) state.get("b1");
                float beta2 = (float) state.get("b2");
                float c1 = (float) (1 - state.get("b1"));
                float c2 = (float) (1 - state.get("b2"));
                float[] m = state.buffer("mu");
                params.forEachPiece((slot, off, so, n) -> {
                    for (int i = 0; i < n; i++) {
                        float g = u[off + i];
                        float mi = m[so + i];
                        // Math.signum keeps sign(0) = 0 (and −0 for −0, which adds the same as +0).
                        u[off + i] = Math.signum(beta1 * mi + c1 * g);
                        m[so + i] = beta2 * mi + c2 * g;
                    }
                });
            }
        };
    }

    // ---------------------------------------------------------------- LAMB

    /**
     * LAMB (You et al., "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
     * ICLR 2020, Algorithm 2) with optax.lamb's semantics:
     * {@code chain(scaleByAdam(β₁, β₂, ε), addDecayedWeights(λ), scaleByTrustRatio(), scaleByLearningRate(η))},
     * i.e. per parameter tensor
     * <pre>
     *   r = m̂ / (√v̂ + ε)   (bias-corrected Adam direction, t = 1 first)
     *   u = r + λ θ
     *   θ ← θ − η · (‖θ‖ / ‖u‖) · u        (trust ratio = 1 when ‖θ‖ = 0 or ‖u‖ = 0)
     * </pre>
     * The scaling function φ of the paper is the identity, as in optax. Defaults: η = 1e-3,
     * β = (0.9, 0.999), ε = 1e-6, λ = 0.
     */
    public static GradientTransformation lamb(double lr, double b1, double b2, double eps, double weightDecay) {
        return Transforms.chain(Adam.scaleByAdam(b1, b2, eps, false), Transforms.addDecayedWeights(weightDecay, ALL),
                scaleByTrustRatio(), Transforms.scaleByLearningRate(lr));
    }

    /**
     * Per parameter tensor, u ← (‖θ‖ / ‖u‖) · u, leaving u unchanged when either norm is zero
     * (optax.scale_by_trust_ratio with min_norm = 0, trust_coefficient = 1, eps = 0). Norms in double.
     * State: scalar {@code last_ratio} (the ratio of the last parameter, for logging).
     */
    public static GradientTransformation scaleByTrustRatio() {
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.define("last_ratio", 1);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float[] p = params.values();
                double ratio = 1;
                for (ParamSlot s : params.slots()) {
                    double pn = Math.sqrt(Reductions.sumOfSquaresParallel(p, s.offset(), s.size()));
                    double un = Math.sqrt(Reductions.sumOfSquaresParallel(u, s.offset(), s.size()));
                    ratio = pn > 0 && un > 0 ? pn / un : 1;
                    if (ratio != 1) dev.descent.tensor.Elementwise.scale((float) ratio, u, s.offset(), s.size());
                }
                state.set("last_ratio", ratio);
            }
        };
    }
}
