package dev.descent.optim.problems;

import java.util.List;

/**
 * A deterministic objective over float32 parameters for optimizer traces and tests: a start point,
 * the loss, its exact gradient and (when known) exact Hessian-vector products, all evaluated in
 * double from the float32 parameters.
 */
public interface Problem {
    String name();

    /** Parameter names, in layout order. */
    List<String> names();

    /** Parameter shapes, matching {@link #names()}. */
    List<int[]> shapes();

    /** A fresh copy of the start point (all parameters, row-major, one after another). */
    float[] start();

    double loss(float[] params);

    /** Writes ∇f(params) into {@code grad} (overwriting) and returns f(params). */
    double lossAndGradient(float[] params, float[] grad);

    /** Writes H(params)·v into {@code out}. */
    void hessianVectorProduct(float[] params, float[] v, float[] out);

    /**
     * Number of residuals r_j when the loss is written as a sum of squares f = ½ Σ_j r_j², which all
     * three problems are (the Gauss–Newton view Sophia's estimator needs).
     */
    int residuals();

    /** Writes Jᵀ·e into {@code out}, J = ∂r/∂θ at {@code params}, for a residual-shaped vector e. */
    void jacobianTransposeTimes(float[] params, float[] e, float[] out);

    /** The problem's known minimum value (for convergence checks). */
    double minimumLoss();
}
