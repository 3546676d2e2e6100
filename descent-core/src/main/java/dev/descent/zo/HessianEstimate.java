package dev.descent.zo;

/**
 * What one Hessian estimator produced at a point from a query budget.
 *
 * @param hessian     Ĥ, d × d row-major
 * @param gradient    the gradient estimate ĝ from the same queries
 * @param inverse     the regularised inverse (Ĥ + λI)⁻¹ (exact inverse of the estimate), d × d
 * @param product     the inverse-Hessian–gradient product (Ĥ + λI)⁻¹ĝ from the same queries (for ZoVH's
 *                    bias-corrected eq. 16 see {@link ZovhEstimator#product})
 * @param queries     function evaluations used (at most the budget)
 */
public record HessianEstimate(double[] hessian, double[] gradient, double[] inverse, double[] product, int queries) {}
