package dev.descent.zo;

/**
 * A smooth test objective f: R^d → R in double precision with its exact gradient and Hessian, so a
 * zeroth-order estimate (which only calls {@link #value}) can be compared with the truth.
 */
public interface HessianFunction {
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
