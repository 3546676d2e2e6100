package dev.descent.optim.problems;

/**
 * A smooth test objective f: R^d → R in double precision with its exact gradient and Hessian, so a
 * zeroth-order estimate (which only calls {@link #value}) can be compared with the truth
 * ({@code zo.HessianComparison}). This is the double-precision view of a problem; {@link Rosenbrock}
 * is at once a {@code SmoothFunction} and an optimizer {@link Problem} (one definition for both).
 */
public interface SmoothFunction {
    /** Short name ("quadratic", "rosenbrock", …). */
    String name();

    /** The dimension d. */
    int dim();

    /** f(x). */
    double value(double[] x);

    /** ∇f(x). */
    double[] gradient(double[] x);

    /** ∇²f(x), d × d row-major. */
    double[] hessian(double[] x);

    /** The documented point at which the estimators are compared (and optimizers start). */
    double[] point();

    /** The minimum value of f (for "loss − f*" curves). */
    double minimum();
}
