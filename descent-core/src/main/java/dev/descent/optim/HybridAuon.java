package dev.descent.optim;

import static dev.descent.optim.MatrixMomentum.momentumThen;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hybrid-AuON (D. Maity, arXiv 2509.24320, §3.2; ryyzn9/AuON @ bba2e822), spec 03: a few Newton–Schulz
 * steps followed by AuON's cosh-RMS brake. The registered {@code hybrid_auon} applies it to hidden matrices
 * and AdamW to the rest ({@link MatrixHybrid}).
 */
public final class HybridAuon {
    private HybridAuon() {}

    /**
     * Hybrid-AuON's cosh brake on the NS output X (float64), spec 03:
     * <ul>
     *   <li>paper (§3.2, default): r = sqrt(mean cosh²(X)) ({@code sqrtForm}; without it r = mean cosh²(X),
     *       the formula as printed in §3.2 — ambiguity A2); U = X/(r + 1e-8).</li>
     *   <li>code: r = sqrt(mean cosh²(γ X/(‖X‖_F + 1e-7))); U = X/(r + 1e-8).</li>
     * </ul>
     * Overwrites {@code x[0..n)} with U and returns r.
     */
    public static double hybridAuonBrake(double[] x, int n, boolean codeVariant, double gamma, boolean sqrtForm) {
        double k = 1;
        if (codeVariant) {
            double sq = 0;
            for (int i = 0; i < n; i++) sq += x[i] * x[i];
            k = gamma / (Math.sqrt(sq) + 1e-7);
        }
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double c = Math.cosh(k * x[i]);
            acc += c * c;
        }
        double r = codeVariant || sqrtForm ? Math.sqrt(acc / n) : acc / n;
        for (int i = 0; i < n; i++) x[i] = x[i] / (r + 1e-8);
        return r;
    }


    /**
     * Hybrid-AuON's direction: momentum, Nesterov blend, X = NS(G) with {@code nsSteps} quintic steps
     * (float32 {@link NewtonSchulz}), then {@link #hybridAuonBrake}. Paper defaults: 1 NS step, sqrt form
     * (decided in specs/README.md); the code variant uses 5 steps and the γ brake. Rank &lt; 2 tensors
     * are treated as 1×n matrices (the hybrids never send them here). State scalars: {@code momentum},
     * {@code nesterov}, {@code ns_steps}, {@code variant}, {@code gamma}, {@code r_sqrt}, {@code last_r}.
     */
    public static GradientTransformation scaleByHybridAuon(double momentum, boolean nesterov, int nsSteps, boolean codeVariant,
                                                           double gamma, boolean sqrtForm) {
        Hyper.positiveCount("ns_steps", nsSteps);
        Hyper.positive("gamma", gamma);
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("ns_steps", (double) nsSteps);
        extra.put("variant", codeVariant ? 1.0 : 0.0);
        extra.put("gamma", gamma);
        extra.put("r_sqrt", sqrtForm ? 1.0 : 0.0);
        extra.put("last_r", 0.0);
        return momentumThen(momentum, nesterov, extra, (slot, u, off, st, sc) -> {
            int n = slot.size();
            sc.ns().apply(u, off, slot.rows(), slot.cols(), u, off, (int) st.get("ns_steps"));
            sc.load(u, off, n);
            st.set("last_r", hybridAuonBrake(sc.d, n, st.get("variant") != 0, st.get("gamma"), st.get("r_sqrt") != 0));
            sc.store(u, off, n);
        });
    }
}
