package dev.descent.merge;

import dev.descent.linalg.Svd;

/**
 * Sequential merging by orthogonal projection (OPCM; Tang et al., "Merging Models on the Fly Without
 * Retraining: A Sequential Approach to Scalable Continual Model Merging", arXiv 2501.09522), as the
 * authors' code has it: {@code tanganke/fusion_bench}, {@code fusion_bench/method/opcm/opcm.py::OPCMForCLIP}
 * at {@code abb8620f56713b8ed690ae6c4ced5884b4758895} ({@code alpha} default 0.5 from
 * {@code config/method/opcm/opcm.yaml}).
 *
 * <p>The models arrive one at a time, in the configuration's order; {@code τ_t = θ_t − θ_base}. Per
 * 2-D tensor, with {@code S} the running (unscaled) sum, {@code S_1 = τ_1} and for t ≥ 2:
 * <pre>
 *   S_{t−1} = U diag(s) Vᵀ                          (full SVD)
 *   r = first index j with (s_1 + … + s_{j+1}) / Σ s &gt; α      (the code's argmax of the boolean)
 *   P = Uᵀ τ_t V;  P[j][j] = 0 for every j;  P[a][b] = 0 for a, b &lt; r
 *   S_t = S_{t−1} + U P Vᵀ
 * </pre>
 * every other tensor has {@code S_t = S_{t−1} + τ_t}. After each model the code rescales the whole merged
 * task vector to the mean norm of the task vectors seen so far, {@code θ = θ_base + S_t·n̄_t/‖S_t‖}
 * ({@code n̄_t = mean_{u≤t} ‖τ_u‖}, norms over every tensor of the model), and carries
 * {@code λ_t = ‖S_t‖/n̄_t} so that the next step adds to {@code λ_t·(θ − θ_base) = S_t}; the SVD and r
 * are invariant to that scale. So the result after T models is
 * {@code θ_base + λ·S_T·n̄_T/‖S_T‖}, which needs each tensor's S only through the one global norm: a merge
 * computes S per tensor twice (once for the norms, once to write), holding one S and one task vector.
 *
 * <p>Since only the k × k block (k = min(rows, cols)) of P is changed, {@code U P Vᵀ = τ − U_k (M∘Z) V_kᵀ}
 * with the thin SVD, {@code M = U_kᵀ τ V_k} and Z the zeroed entries: no full U or V is formed.
 *
 * <p>Decisions: the reference projects the weights of {@code nn.Linear} modules only; a safetensors file
 * does not say which 2-D tensors are linear layers, so every 2-D tensor is projected (embedding tables
 * too). Where {@code S_{t−1}} is zero (Σ s = 0) the singular vectors are arbitrary and the reference's
 * result depends on its SVD routine; we add τ_t unprojected. {@code λ} (the global {@code lambda}, default
 * 1) scales the final task vector; the reference has none (λ = 1). Float64 throughout.
 */
public final class Opcm {
    /** The reference's default α. */
    public static final double DEFAULT_ALPHA = 0.5;

    private Opcm() {}

    /**
     * {@code s ← s + (τ with its components along the dominant singular pairs of s removed)}, for a
     * rows×cols row-major tensor (see the class comment).
     */
    public static void addProjected(double[] s, double[] tau, int rows, int cols, double alpha) {
        double total = 0;
        for (double v : s) total += Math.abs(v);
        if (total == 0) {
            for (int j = 0; j < s.length; j++) s[j] += tau[j];
            return;
        }
        Svd svd = Svd.of(s, rows, cols);
        int k = svd.sigma().length;
        int split = splitRank(svd.sigma(), alpha);
        double[] u = svd.u(), v = svd.v();
        // T = τ V_k (rows × k), then M = U_kᵀ T (k × k), only where Z keeps it.
        double[] t = new double[rows * k];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double x = tau[r * cols + c];
                if (x == 0) continue;
                for (int b = 0; b < k; b++) t[r * k + b] += x * v[c * k + b];
            }
        }
        double[] z = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                if (a != b && (a >= split || b >= split)) continue;
                double m = 0;
                for (int r = 0; r < rows; r++) m += u[r * k + a] * t[r * k + b];
                z[a * k + b] = m;
            }
        }
        // s += τ − U_k Z V_kᵀ
        double[] uz = new double[rows * k];
        for (int r = 0; r < rows; r++) {
            for (int a = 0; a < k; a++) {
                double x = u[r * k + a];
                if (x == 0) continue;
                for (int b = 0; b < k; b++) uz[r * k + b] += x * z[a * k + b];
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double removed = 0;
                for (int b = 0; b < k; b++) removed += uz[r * k + b] * v[c * k + b];
                s[r * cols + c] += tau[r * cols + c] - removed;
            }
        }
    }

    /** The first index j (0-based) whose cumulative share of Σ s exceeds α; 0 when none does. */
    static int splitRank(double[] sigma, double alpha) {
        double sum = 0;
        for (double x : sigma) sum += x;
        double cum = 0;
        for (int j = 0; j < sigma.length; j++) {
            cum += sigma[j];
            if (cum / sum > alpha) return j;
        }
        return 0;
    }
}
