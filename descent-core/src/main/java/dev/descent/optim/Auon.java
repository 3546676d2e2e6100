package dev.descent.optim;

import static dev.descent.optim.MatrixMomentum.momentumThen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AuON (D. Maity, "AuON: A Linear-time Alternative to Semi-Orthogonal Momentum Updates", arXiv 2509.24320;
 * ryyzn9/AuON @ bba2e822), spec 03: the momentum normalised and scaled by a cosh-RMS factor, in linear
 * time. The registered {@code auon} applies it to hidden matrices and AdamW to the rest ({@link MatrixHybrid}).
 */
public final class Auon {
    private Auon() {}

    /**
     * AuON's direction for one tensor (float64; G is the Nesterov-blended momentum), spec 03:
     * <ul>
     *   <li>paper variant P (§3.1, default): X = G/(‖G‖_F + 1e-7); r = sqrt(mean cosh²(X)); U = X/(r + 1e-8)
     *       — a unit-norm-ish update whose length does not depend on ‖G‖.</li>
     *   <li>code variant C (repo HEAD): q = γ G/(‖G‖_F + 1e-7); r = sqrt(mean cosh²(q)); U = G/(r + 1e-8),
     *       and U = 0 when ‖G‖ = 0 exactly (the repo skips the parameter).</li>
     * </ul>
     * Overwrites {@code g[0..n)} with U and returns r.
     */
    public static double auonDirection(double[] g, int n, boolean codeVariant, double gamma) {
        double sq = 0;
        for (int i = 0; i < n; i++) sq += g[i] * g[i];
        double norm = Math.sqrt(sq);
        if (codeVariant) {
            if (norm == 0) return 1;
            double k = gamma / (norm + 1e-7);
            double acc = 0;
            for (int i = 0; i < n; i++) {
                double c = Math.cosh(k * g[i]);
                acc += c * c;
            }
            double r = Math.sqrt(acc / n);
            for (int i = 0; i < n; i++) g[i] = g[i] / (r + 1e-8);
            return r;
        }
        double inv = 1 / (norm + 1e-7);
        double acc = 0;
        for (int i = 0; i < n; i++) {
            g[i] *= inv;
            double c = Math.cosh(g[i]);
            acc += c * c;
        }
        double r = Math.sqrt(acc / n);
        for (int i = 0; i < n; i++) g[i] = g[i] / (r + 1e-8);
        return r;
    }


    /**
     * AuON's direction as a transformation (momentum β, Nesterov blend, then {@link #auonDirection}
     * in float64 on a scratch copy). No shape factor and no bf16 cast (ambiguity A4 and the original
     * code's bf16 are not followed: the paper's equations have neither). State scalars:
     * {@code momentum}, {@code nesterov}, {@code variant} (0 paper, 1 code), {@code gamma} (code variant only),
     * {@code last_r} (r of the latest tensor processed, for logging).
     */
    public static GradientTransformation scaleByAuon(double momentum, boolean nesterov, boolean codeVariant, double gamma) {
        Hyper.positive("gamma", gamma);
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("variant", codeVariant ? 1.0 : 0.0);
        extra.put("gamma", gamma);
        extra.put("last_r", 0.0);
        return momentumThen(momentum, nesterov, extra, (slot, u, off, st, sc) -> {
            int n = slot.size();
            sc.load(u, off, n);
            st.set("last_r", auonDirection(sc.d, n, st.get("variant") != 0, st.get("gamma")));
            sc.store(u, off, n);
        });
    }

}
