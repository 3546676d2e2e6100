/**
 * Dense float64 linear algebra over EJML ({@code org.ejml:ejml-ddense}): symmetric eigendecomposition,
 * SVD, QR and Cholesky as small wrappers ({@link SymmetricEigen}, {@link Svd}, {@link Qr},
 * {@link Cholesky}), and matrix functions built on them ({@link MatrixFunctions}: inverse p-th root of a
 * symmetric positive definite matrix, polar factor; {@link PolarFactor}: the polar factor in a reusable
 * workspace for an optimizer's step).
 *
 * <p>Matrices are row-major {@code double[]} with explicit rows and columns, the layout in which the
 * optimizers keep a parameter's view; inputs are never modified unless a method says so. EJML's
 * single-threaded decompositions are used, so results do not depend on the thread count.
 */
package dev.descent.linalg;
