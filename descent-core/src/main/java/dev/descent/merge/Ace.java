package dev.descent.merge;

import dev.descent.linalg.Svd;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * ACE-Merging (Xu et al., "ACE-Merging: Data-Free Model Merging with Adaptive Covariance Estimation",
 * CVPR 2026, arXiv 2603.02945) for one 2-D layer, as the authors' code computes it
 * ({@code unravel-xu/ACE-Merging}, {@code src/merge/strategy.py::MergeStrategy.ace_merging} at
 * {@code 22d9dfea905f905af6244484aac847e463c7b866}), in float64. With task vectors {@code W_t} (o × i),
 * {@code eps = 1e-2}, {@code k_frac = 0.3}:
 *
 * <ol>
 *   <li>energies {@code e_t = ‖W_t‖_F²} (uncentred), {@code ℓ_t = log(e_t + 1e-12)};
 *       {@code γ = Var_unbiased(ℓ) / (mean(ℓ)² + 1e-12)}, {@code flag = γ > 0.3} (one task: the variance
 *       is NaN, so no flag); {@code ē = mean(e_t)}.
 *   <li>per task, {@code W̃_t = W_t − 1·colmean(W_t)} (the mean row subtracted), {@code Σ_raw = W̃_tᵀW̃_t},
 *       {@code τ_t = tr(Σ_raw) + 1e-12}; with the flag {@code Σ_t = Σ_raw/τ_t}, {@code ε_t = eps/τ_t},
 *       else {@code Σ_t = Σ_raw}, {@code ε_t = eps}; {@code B = Σ W̃_t(Σ_t + ε_t I)},
 *       {@code S = Σ (Σ_t + ε_t I)}.
 *   <li>prior {@code c = colmean(Σ_t Σ_t)} (a row), divided by {@code ē + 1e-12} with the flag;
 *       {@code A = S + 1·c}: c is added to <em>every row</em> of S.
 *   <li>{@code W₀ = B A⁻¹} (the pseudo-inverse when A is singular).
 *   <li>with the flag: {@code Δ = Σ_t W_t (Σ_t − S/T)} (uncentred W_t), {@code Δ + W₀ = U diag(s) Vᵀ},
 *       {@code k = floor(r·k_frac)}, {@code τ̄ = W₀ + mean(s_1..s_k)·U_k V_kᵀ}; else {@code τ̄ = W₀}.
 * </ol>
 *
 * <p>Decisions on the unusual steps: the row-broadcast prior (3), the centred W̃_t in B (2) beside the
 * uncentred W_t in Δ (5), the trace-normalised ε_t that grows for small tasks (2) and the flag test on
 * uncentred energies (1) are all kept as the code has them, since the paper body that might say otherwise
 * was not available. One deviation: when the flag is set and {@code k = 0} (a layer with
 * {@code min(o, i) ≤ 3}) the reference takes the mean of no singular values and returns NaN; we skip the
 * refinement and return W₀, since a NaN layer is never a usable result.
 */
public final class Ace {
    public static final double EPS = 1e-2;
    public static final double K_FRAC = 0.3;
    public static final double FLAG_THRESHOLD = 0.3;

    /** The merged task vector and the statistics that decided it. */
    public record Result(double[] merged, double[] energies, double gamma, boolean flag, double[] prior) {}

    private Ace() {}

    /** Merges the o × i row-major task vectors {@code tasks} (all the same shape). */
    public static Result merge(List<double[]> tasks, int o, int in) {
        int t = tasks.size();
        double[] energies = new double[t];
        double[] logs = new double[t];
        for (int k = 0; k < t; k++) {
            double e = 0;
            for (double x : tasks.get(k)) e += x * x;
            energies[k] = e;
            logs[k] = Math.log(e + 1e-12);
        }
        double meanLog = mean(logs);
        double var = 0;
        for (double l : logs) var += (l - meanLog) * (l - meanLog);
        var /= (t - 1); // NaN for one task, as torch.var
        double gamma = var / (meanLog * meanLog + 1e-12);
        boolean flag = gamma > FLAG_THRESHOLD;
        double meanEnergy = mean(energies);

        DMatrixRMaj b = new DMatrixRMaj(o, in);
        DMatrixRMaj s = new DMatrixRMaj(in, in);
        DMatrixRMaj sigmaSum = new DMatrixRMaj(in, in);
        DMatrixRMaj[] sigmas = new DMatrixRMaj[t];
        for (int k = 0; k < t; k++) {
            DMatrixRMaj wc = DMatrixRMaj.wrap(o, in, tasks.get(k).clone());
            for (int j = 0; j < in; j++) {
                double m = 0;
                for (int r = 0; r < o; r++) m += wc.get(r, j);
                m /= o;
                for (int r = 0; r < o; r++) wc.set(r, j, wc.get(r, j) - m);
            }
            DMatrixRMaj raw = new DMatrixRMaj(in, in);
            CommonOps_DDRM.multTransA(wc, wc, raw);
            double tr = CommonOps_DDRM.trace(raw) + 1e-12;
            double epsT = EPS;
            if (flag) {
                CommonOps_DDRM.scale(1 / tr, raw);
                epsT = EPS / tr;
            }
            sigmas[k] = raw;
            CommonOps_DDRM.addEquals(sigmaSum, raw);
            DMatrixRMaj reg = raw.copy();
            for (int j = 0; j < in; j++) reg.add(j, j, epsT);
            CommonOps_DDRM.multAdd(wc, reg, b);
            CommonOps_DDRM.addEquals(s, reg);
        }
        double[] prior = new double[in];
        for (int j = 0; j < in; j++) {
            double m = 0;
            for (int r = 0; r < in; r++) m += sigmaSum.get(r, j);
            prior[j] = flag ? (m / in) / (meanEnergy + 1e-12) : m / in;
        }
        DMatrixRMaj a = s.copy();
        for (int r = 0; r < in; r++) for (int j = 0; j < in; j++) a.add(r, j, prior[j]);
        DMatrixRMaj inv = new DMatrixRMaj(in, in);
        if (!CommonOps_DDRM.invert(a, inv)) CommonOps_DDRM.pinv(a, inv);
        DMatrixRMaj w0 = new DMatrixRMaj(o, in);
        CommonOps_DDRM.mult(b, inv, w0);
        double[] merged = w0.data.clone();
        if (flag) {
            DMatrixRMaj meanReg = s.copy();
            CommonOps_DDRM.scale(1.0 / t, meanReg);
            DMatrixRMaj delta = w0.copy();
            for (int k = 0; k < t; k++) {
                DMatrixRMaj diff = new DMatrixRMaj(in, in);
                CommonOps_DDRM.subtract(sigmas[k], meanReg, diff);
                CommonOps_DDRM.multAdd(DMatrixRMaj.wrap(o, in, tasks.get(k)), diff, delta);
            }
            Svd svd = Svd.of(delta.data, o, in);
            int r = svd.sigma().length;
            int k = (int) Math.floor(r * K_FRAC);
            if (k > 0) {
                double iso = 0;
                for (int q = 0; q < k; q++) iso += svd.sigma()[q];
                iso /= k;
                for (int x = 0; x < o; x++) {
                    for (int y = 0; y < in; y++) {
                        double uv = 0;
                        for (int q = 0; q < k; q++) uv += svd.u()[x * r + q] * svd.v()[y * r + q];
                        merged[x * in + y] += iso * uv;
                    }
                }
            }
        }
        return new Result(merged, energies, gamma, flag, prior);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
