package dev.descent.optim;

import dev.descent.nn.ParameterRole;
import java.util.List;
import java.util.function.Predicate;

/**
 * The layer-wise AdamW scaling rule of "Robust Layerwise Scaling Rules by Proper Weight Decay Tuning"
 * (seed 002): hyperparameters tuned on a proxy model of width d₀ transfer zero-shot to width d when,
 * with the width multiplier m = d / d₀,
 * <pre>
 *   matrix-like parameters (both dimensions grow with width):  η₂ = η · m^(−1),  λ₂ = λ · m
 *   vector-like parameters (everything else):                  η₁ = η,           λ₁ = 0
 * </pre>
 * η₂ ∝ 1/d is μP's learning-rate rule for matrix-like parameters under Adam; λ₂ ∝ d is the paper's
 * weight-decay rule, which keeps η₂λ₂ (the AdamW equilibrium timescale) fixed and so the steady-state
 * sublayer gain (top singular value ∝ η/λ · d^0.75) width-invariant. Here η and λ are the proxy's tuned
 * AdamW learning rate and weight decay (torch.optim.AdamW's convention: the decay factor is 1 − ηλ).
 *
 * <p>Choices where the abstract is open: "matrix-like" follows μP's classification (two dimensions
 * that scale with width); by default a parameter is matrix-like when the model gave it the role
 * {@link ParameterRole#HIDDEN_MATRIX}: embeddings and output heads, whose vocabulary/position
 * dimension does not scale, and vectors are not — pass another predicate for other rules. The rule
 * is a width rule only: the abstract gives no depth rule, so none is applied.
 *
 * <p>{@link #adamw} applies the multipliers in one chain with a single base learning rate (so a
 * schedule on η moves every group together):
 * {@code chain(scaleByAdam(β₁, β₂, ε), layerwise, scaleByLearningRate(η))}, where the layer-wise step
 * is {@code u ← a_lr(p) · (u + λ a_wd(p) θ)}. State of the layer-wise step: {@code width_mult},
 * {@code weight_decay}.
 */
public final class LayerwiseScaling {
    /** μP's matrix-like parameters: the hidden matrices (not an embedding or output head, not a vector). */
    public static final Predicate<ParamSlot> DEFAULT_MATRIX_LIKE = s -> s.role() == ParameterRole.HIDDEN_MATRIX;

    private final double widthMultiplier;
    private final Predicate<ParamSlot> matrixLike;

    /** @param widthMultiplier m = d / d₀, the target width over the proxy's width */
    public LayerwiseScaling(double widthMultiplier, Predicate<ParamSlot> matrixLike) {
        Hyper.positive("width_mult", widthMultiplier);
        this.widthMultiplier = widthMultiplier;
        this.matrixLike = matrixLike;
    }

    public LayerwiseScaling(double widthMultiplier) {
        this(widthMultiplier, DEFAULT_MATRIX_LIKE);
    }

    public double widthMultiplier() { return widthMultiplier; }

    public boolean isMatrixLike(ParamSlot p) { return matrixLike.test(p); }

    /** Learning-rate multiplier: 1/m for matrix-like parameters, 1 otherwise. */
    public double lrMultiplier(ParamSlot p) { return lrMultiplier(p, widthMultiplier); }

    /** Weight-decay multiplier: m for matrix-like parameters, 0 (no decay) otherwise. */
    public double weightDecayMultiplier(ParamSlot p) { return weightDecayMultiplier(p, widthMultiplier); }

    private double lrMultiplier(ParamSlot p, double m) { return matrixLike.test(p) ? 1 / m : 1; }

    private double weightDecayMultiplier(ParamSlot p, double m) { return matrixLike.test(p) ? m : 0; }

    /** Learning-rate multipliers of the set's parameters, in slot order. */
    public double[] lrMultipliers(ParamSet params) {
        List<ParamSlot> s = params.slots();
        double[] out = new double[s.size()];
        for (int i = 0; i < out.length; i++) out[i] = lrMultiplier(s.get(i));
        return out;
    }

    /** Weight-decay multipliers of the set's parameters, in slot order. */
    public double[] weightDecayMultipliers(ParamSet params) {
        List<ParamSlot> s = params.slots();
        double[] out = new double[s.size()];
        for (int i = 0; i < out.length; i++) out[i] = weightDecayMultiplier(s.get(i));
        return out;
    }

    /**
     * AdamW with the rule applied: parameter p gets learning rate η·a_lr(p) and decay λ·a_wd(p).
     * The learning rate is the state scalar {@code lr}.
     */
    public GradientTransformation adamw(double lr, double b1, double b2, double eps, double weightDecay) {
        Hyper.nonNegative("lr", lr);
        return Transforms.chain(Adam.scaleByAdam(b1, b2, eps, false), scaleAndDecay(weightDecay),
                Transforms.scaleByLearningRate(lr));
    }

    /** u ← a_lr(p)·(u + λ·a_wd(p)·θ): the per-parameter part of {@link #adamw}, before the −η scaling. */
    public GradientTransformation scaleAndDecay(double weightDecay) {
        Hyper.nonNegative("weight_decay", weightDecay);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.define("width_mult", widthMultiplier);
                st.define("weight_decay", weightDecay);
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                double m = state.get("width_mult");
                double wd = state.get("weight_decay");
                float[] p = params.values();
                params.forEachPiece((slot, off, so, n) -> {
                    float a = (float) lrMultiplier(slot, m);
                    float d = (float) (wd * weightDecayMultiplier(slot, m));
                    for (int i = 0; i < n; i++) u[off + i] = a * (u[off + i] + d * p[off + i]);
                });
            }
        };
    }
}
