package dev.descent.optim;

/**
 * The common start of the Adam-family transformations written out in full (Grams, DualAdam, Mars):
 * the checks of β₁, β₂, ε, λ and a state with Adam's two moment buffers and five hyperparameter
 * scalars, under the names those classes document.
 */
final class AdamMoments {
    private AdamMoments() {}

    /** Checks β₁, β₂ ∈ [0, 1) and ε, λ ≥ 0 (registry names beta1, beta2, eps, weight_decay). */
    static void checkHypers(double b1, double b2, double eps, double weightDecay) {
        Hyper.unitInterval("beta1", b1);
        Hyper.unitInterval("beta2", b2);
        Hyper.nonNegative("eps", eps);
        Hyper.nonNegative("weight_decay", weightDecay);
    }

    /**
     * A new state with zeroed buffers {@code exp_avg} (m) and {@code exp_avg_sq} (v) over the set's
     * elements and scalars {@code lr}, {@code b1}, {@code b2}, {@code eps}, {@code weight_decay}, in
     * that order; the caller defines its own scalars (and {@code count}) after these.
     */
    static OptState init(ParamSet params, double lr, double b1, double b2, double eps, double weightDecay) {
        OptState st = new OptState();
        st.newBuffer("exp_avg", params.elements());
        st.newBuffer("exp_avg_sq", params.elements());
        st.defineLearningRate(lr);
        st.define("b1", b1);
        st.define("b2", b2);
        st.define("eps", eps);
        st.define("weight_decay", weightDecay);
        return st;
    }
}
