package dev.descent.optim;

import dev.descent.linalg.PolarFactor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Matrix-aware optimizers: Muon, AuON and Hybrid-AuON, REG, and steepest descent under the ℓ∞ and
 * spectral norms. Every one is a composition of {@link GradientTransformation}s; the hybrids are a
 * {@link Transforms#partition} that sends hidden matrices ({@link #hiddenMatrix}) to the matrix
 * method and everything else to AdamW with Muon's reference "aux Adam" defaults.
 *
 * <h2>Registered names</h2>
 * <ul>
 *   <li>{@code muon} — KellerJordan/Muon @ 857d1adc ({@code MuonWithAuxAdam}), see {@link #scaleByMuon}.</li>
 *   <li>{@code auon}, {@code hybrid_auon} — AuON (D. Maity, arXiv 2509.24320; ryyzn9/AuON @ bba2e822),
 *       see {@link #scaleByAuon} and {@link #scaleByHybridAuon}.</li>
 *   <li>{@code reg} — REG (Liu et al., "REG: A Regularization Optimizer for Robust Training Dynamics",
 *       arXiv 2510.03691), from its abstract; see {@link #scaleByReg}.</li>
 *   <li>{@code sign_descent}, {@code spectral_descent} — steepest descent under ℓ∞ and the spectral
 *       norm (Bernstein &amp; Newhouse, "Old Optimizer, New Norm: An Anthology", arXiv 2409.20325);
 *       see {@link #scaleBySign} and {@link #scaleBySpectral}.</li>
 * </ul>
 *
 * <h2>Common hybrid layout and hyperparameters</h2>
 * The matrix branch is {@code namedChain(direction, decay, lr)}: the direction O, then decoupled
 * weight decay u = O + λθ, then u ← −η u, so θ ← θ(1 − ηλ) − η O exactly as the references write it.
 * The AdamW branch is {@link Adam#adamw} (Muon's {@code adam_update}: bias-corrected, eps outside the
 * square root, decoupled decay on every parameter of the branch). Hyperparameters: {@code lr},
 * {@code momentum}, {@code nesterov}, {@code weight_decay} (matrix branch), {@code adamw_lr},
 * {@code adamw_betas} (or {@code adamw_beta1}/{@code adamw_beta2}), {@code adamw_eps},
 * {@code adamw_weight_decay} (defaults 3e-4, (0.9, 0.95), 1e-10, 0 as Muon's aux groups). The
 * optimizer's {@code learningRate()} is the matrix branch's η (state {@code <label>.lr.lr}); the AdamW
 * rate is the separate state scalar {@code adamw.2.lr}.
 */
public final class MatrixOptimizers implements OptimizerFamily {
    public MatrixOptimizers() {}

    /** Name fragments that mark a matrix as an embedding or output head (kept on AdamW, as Muon's README asks). */
    private static final String[] NOT_HIDDEN = {"wte", "wpe", "lm_head", "embed", "head"};

    /**
     * True for the hidden weight matrices Muon-style methods apply to: rank ≥ 2 and a name that does
     * not contain "wte", "wpe", "lm_head", "embed" or "head" (case-insensitive). Everything else
     * (biases, gains, embeddings, the classifier/LM head) goes to AdamW.
     */
    public static boolean hiddenMatrix(ParamSlot p) {
        if (!p.isMatrix()) return false;
        String n = p.name().toLowerCase(Locale.ROOT);
        for (String s : NOT_HIDDEN) if (n.contains(s)) return false;
        return true;
    }

    /** The partition label used by the hybrids: {@code matrixLabel} for hidden matrices, "adamw" otherwise. */
    public static Function<ParamSlot, String> hybridLabel(String matrixLabel) {
        return p -> hiddenMatrix(p) ? matrixLabel : "adamw";
    }

    // ====================================================================== shared machinery

    /** What a direction does to one parameter after momentum: u[off..off+size) ← direction(u). */
    @FunctionalInterface
    private interface Direction {
        void apply(ParamSlot slot, float[] u, int off, OptState state, Scratch scratch);
    }

    /** Per-state scratch (created on the first step, reused after): float64 copy, NS and SVD workspaces. */
    private static final class Scratch {
        final ParamSet params;
        final double[] d;
        NewtonSchulz ns;
        PolarFactor polar;

        Scratch(ParamSet params) {
            this.params = params;
            int max = 1;
            for (ParamSlot s : params.slots()) max = Math.max(max, s.size());
            this.d = new double[max];
        }

        NewtonSchulz ns() {
            if (ns == null) ns = NewtonSchulz.forParams(params);
            return ns;
        }

        PolarFactor polar() {
            if (polar == null) polar = new PolarFactor();
            return polar;
        }

        void load(float[] u, int off, int n) {
            for (int i = 0; i < n; i++) d[i] = u[off + i];
        }

        void store(float[] u, int off, int n) {
            for (int i = 0; i < n; i++) u[off + i] = (float) d[i];
        }
    }

    private static final Object SCRATCH = new Object();

    /**
     * Momentum in torch's lerp form, then the direction, per parameter:
     * <pre>
     *   M ← M + (1 − β)(g − M)                     (= β M + (1 − β) g)
     *   U = g + β (M − g) if nesterov, else M      (= (1 − β) g + β M; the reference's grad.lerp_(M, β))
     *   u = direction(U)
     * </pre>
     * State: buffer {@code momentum_buffer}, scalars {@code momentum}, {@code nesterov} (0/1) and the
     * direction's own {@code extra} scalars.
     */
    private static GradientTransformation momentumThen(double momentum, boolean nesterov, Map<String, Double> extra, Direction dir) {
        Hyper.unitInterval("momentum", momentum);
        Map<String, Double> ex = new LinkedHashMap<>(extra);
        return new GradientTransformation() {
            @Override
            public OptState init(ParamSet params) {
                OptState st = new OptState();
                st.newBuffer("momentum_buffer", params.elements());
                st.define("momentum", momentum);
                st.define("nesterov", nesterov ? 1 : 0);
                for (var e : ex.entrySet()) st.define(e.getKey(), e.getValue());
                return st;
            }

            @Override
            public void update(float[] u, OptState state, ParamSet params) {
                float beta = (float) state.get("momentum");
                float c1 = 1 - beta;
                boolean nest = state.get("nesterov") != 0;
                float[] m = state.buffer("momentum_buffer");
                Scratch scratch = state.cached(SCRATCH, () -> new Scratch(params));
                for (ParamSlot s : params.slots()) {
                    int off = s.offset();
                    int so = s.stateOffset();
                    for (int i = 0; i < s.size(); i++) {
                        float g = u[off + i];
                        float mi = m[so + i] + (g - m[so + i]) * c1;
                        m[so + i] = mi;
                        u[off + i] = nest ? g + (mi - g) * beta : mi;
                    }
                    dir.apply(s, u, off, state, scratch);
                }
            }
        };
    }

    /** chain(direction, decoupled decay on every parameter, −η) with readable state names. */
    private static GradientTransformation matrixBranch(GradientTransformation direction, double weightDecay, double lr) {
        Map<String, GradientTransformation> parts = new LinkedHashMap<>();
        parts.put("direction", direction);
        parts.put("decay", Transforms.addDecayedWeights(weightDecay, p -> true));
        parts.put("lr", Transforms.scaleByLearningRate(lr));
        return Transforms.namedChain(parts);
    }

    /** The hybrid: hidden matrices → {@code matrixTx} (under {@code label}), the rest → AdamW. */
    public static GradientTransformation hybrid(String label, GradientTransformation matrixTx, GradientTransformation adamw) {
        Map<String, GradientTransformation> branches = new LinkedHashMap<>();
        branches.put(label, matrixTx);
        branches.put("adamw", adamw);
        return Transforms.partition(hybridLabel(label), branches);
    }

    // ====================================================================== Muon

    /**
     * Muon's direction (KellerJordan/Muon {@code muon_update}, spec 05): momentum (lerp form, β),
     * Nesterov blend, O = NS(U) with {@code nsSteps} quintic steps in float32 ({@link NewtonSchulz}),
     * then O · sqrt(max(1, rows/cols)). rows/cols are the last two dimensions of the parameter's shape,
     * as the reference computes them from the gradient (for a 4-D conv filter that is kh/kw — the
     * reference's quirk, kept), while NS itself sees the (shape[0], rest) matrix view.
     * State scalars: {@code momentum}, {@code nesterov}, {@code ns_steps}.
     */
    public static GradientTransformation scaleByMuon(double momentum, boolean nesterov, int nsSteps) {
        Hyper.positiveCount("ns_steps", nsSteps);
        return momentumThen(momentum, nesterov, Map.of("ns_steps", (double) nsSteps), (slot, u, off, st, sc) -> {
            int steps = (int) st.get("ns_steps");
            sc.ns().apply(u, off, slot.rows(), slot.cols(), u, off, steps);
            float f = (float) muonShapeFactor(slot.shape());
            if (f != 1f) for (int i = 0; i < slot.size(); i++) u[off + i] *= f;
        });
    }

    /** sqrt(max(1, shape[-2]/shape[-1])), 1 for vectors. */
    public static double muonShapeFactor(int[] shape) {
        if (shape.length < 2) return 1;
        return Math.sqrt(Math.max(1.0, (double) shape[shape.length - 2] / shape[shape.length - 1]));
    }

    /** Muon on every parameter it is given: {@code matrixBranch(scaleByMuon, wd, lr)}. */
    public static GradientTransformation muon(double lr, double momentum, boolean nesterov, int nsSteps, double weightDecay) {
        return matrixBranch(scaleByMuon(momentum, nesterov, nsSteps), weightDecay, lr);
    }

    // ====================================================================== AuON

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

    // ====================================================================== REG

    /**
     * The Row-and-Column-Scaling (RACS) operator of REG, in float64, in place on the rows×cols
     * row-major matrix {@code x}. The abstract specifies only "row-and-column scaling, grounded in
     * balancing a matrix"; the choices made here ([INF]):
     * <ul>
     *   <li>{@code sinkhorn} (default): matrix balancing by alternating normalisation — divide every
     *       row by its RMS, then every column by its RMS, {@code iters} times (Sinkhorn–Knopp on the
     *       squared entries). The fixed point D_r X D_c has every row and column RMS 1, i.e. entries of
     *       RMS ≈ 1 like Adam's/sign updates (the abstract's "consistent with the AdamW paradigm"),
     *       while keeping the matrix's sign pattern and relative structure (far less drastic than the
     *       matrix sign, which flattens all singular values). Default 5 iterations: on dense matrices
     *       the row and column RMS are within a few percent of 1 after 2–3 alternations, and each costs
     *       only two passes over the matrix.</li>
     *   <li>{@code factored}: the one-shot scaling X_ij / sqrt(R_i C_j / S) with R_i, C_j the row and
     *       column mean squares and S the overall mean square (an Adafactor-like rank-1 estimate of
     *       the entry scale); the same RMS-1 scale without iteration.</li>
     * </ul>
     * {@code eps} is added to each RMS before dividing (zero rows/columns stay zero).
     */
    public static void racs(double[] x, int rows, int cols, boolean factored, int iters, double eps,
                            double[] rowScratch, double[] colScratch) {
        if (factored) {
            double total = 0;
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += x[r * cols + c] * x[r * cols + c];
                rowScratch[r] = s / cols;
                total += s;
            }
            double mean = total / ((double) rows * cols);
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int r = 0; r < rows; r++) s += x[r * cols + c] * x[r * cols + c];
                colScratch[c] = s / rows;
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double scale = mean > 0 ? Math.sqrt(rowScratch[r] * colScratch[c] / mean) : 0;
                    x[r * cols + c] /= scale + eps;
                }
            }
            return;
        }
        for (int it = 0; it < iters; it++) {
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += x[r * cols + c] * x[r * cols + c];
                double inv = 1 / (Math.sqrt(s / cols) + eps);
                for (int c = 0; c < cols; c++) x[r * cols + c] *= inv;
            }
            for (int c = 0; c < cols; c++) colScratch[c] = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) colScratch[c] += x[r * cols + c] * x[r * cols + c];
            }
            for (int c = 0; c < cols; c++) colScratch[c] = 1 / (Math.sqrt(colScratch[c] / rows) + eps);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) x[r * cols + c] *= colScratch[c];
            }
        }
    }

    /**
     * REG's direction: Muon's momentum (lerp form, β) and Nesterov blend, with the matrix sign NS(U)
     * replaced by {@link #racs}(U) — the only change the abstract names. No shape factor: RACS output
     * already has entry RMS ≈ 1, the AdamW scale, which is why REG's default learning rate is
     * AdamW-like (3e-4, the same as the aux AdamW) rather than Muon's 0.02. State scalars:
     * {@code momentum}, {@code nesterov}, {@code racs_factored} (0/1), {@code racs_iters}, {@code racs_eps}.
     */
    public static GradientTransformation scaleByReg(double momentum, boolean nesterov, boolean factored, int iters, double eps) {
        Hyper.positiveCount("racs_iters", iters);
        Hyper.positive("racs_eps", eps);
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("racs_factored", factored ? 1.0 : 0.0);
        extra.put("racs_iters", (double) iters);
        extra.put("racs_eps", eps);
        Object key = new Object();
        return momentumThen(momentum, nesterov, extra, (slot, u, off, st, sc) -> {
            double[][] rc = st.cached(key, () -> {
                int r = 1;
                int c = 1;
                for (ParamSlot p : sc.params.slots()) {
                    r = Math.max(r, p.rows());
                    c = Math.max(c, p.cols());
                }
                return new double[][] {new double[r], new double[c]};
            });
            int n = slot.size();
            sc.load(u, off, n);
            racs(sc.d, slot.rows(), slot.cols(), st.get("racs_factored") != 0, (int) st.get("racs_iters"), st.get("racs_eps"), rc[0], rc[1]);
            sc.store(u, off, n);
        });
    }

    // ====================================================================== steepest descent under a norm

    /**
     * ℓ∞ steepest descent (Bernstein &amp; Newhouse: with EMAs off, Adam is sign descent): u = sign(M),
     * sign(0) = 0, where M is the momentum of {@link #momentumThen} (β = 0 gives u = sign(g)).
     * The dual-norm factor ‖g‖₁ of exact steepest descent is deliberately dropped (it would make the
     * step scale with the parameter count); every coordinate with a nonzero direction moves by exactly η.
     */
    public static GradientTransformation scaleBySign(double momentum, boolean nesterov) {
        return momentumThen(momentum, nesterov, Map.of(), (slot, u, off, st, sc) -> {
            for (int i = off; i < off + slot.size(); i++) u[i] = Math.signum(u[i]);
        });
    }

    /**
     * Spectral-norm steepest descent (Bernstein &amp; Newhouse, §"Shampoo" — Shampoo with EMAs off):
     * for a matrix G = U Σ Vᵀ the steepest-descent direction under ‖·‖_op is U Vᵀ, and the step of
     * steepest descent with sharpness 1/η is −η ‖G‖_* U Vᵀ (the dual of the spectral norm is the
     * nuclear norm). {@code nuclear = true} (default) takes that exact step — it shrinks with the
     * gradient, so the method converges at a fixed η like gradient descent; {@code nuclear = false}
     * takes −η U Vᵀ (Muon without momentum and with the exact polar factor: every singular direction
     * moves by η). U Vᵀ is exact (float64 SVD, {@link PolarFactor}), not NS. Vectors are
     * treated as 1×n matrices, whose spectral norm is the ℓ2 norm: their step is then plain gradient
     * descent −η g (nuclear) or −η g/‖g‖ (none). Optional momentum M (lerp form) is applied to G first.
     * State scalars: {@code momentum}, {@code nesterov}, {@code nuclear} (0/1), {@code last_nuclear_norm}.
     */
    public static GradientTransformation scaleBySpectral(double momentum, boolean nesterov, boolean nuclear) {
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("nuclear", nuclear ? 1.0 : 0.0);
        extra.put("last_nuclear_norm", 0.0);
        return momentumThen(momentum, nesterov, extra, (slot, u, off, st, sc) -> {
            int n = slot.size();
            sc.load(u, off, n);
            double nuc = sc.polar().polar(sc.d, slot.rows(), slot.cols());
            st.set("last_nuclear_norm", nuc);
            if (st.get("nuclear") != 0) for (int i = 0; i < n; i++) sc.d[i] *= nuc;
            sc.store(u, off, n);
        });
    }

    // ====================================================================== registry

    private static final String MUON_REF = "KellerJordan/Muon @ 857d1adc (muon.py: muon_update, MuonWithAuxAdam)";
    private static final String AUON_REF = "ryyzn9/AuON @ bba2e822 (auon/optimizer.py); paper variant by default";

    @Override
    public void register(OptimizerRegistry registry) {
        registry.add(new OptimizerInfo("muon",
                "Muon: momentum orthogonalised by Newton-Schulz on hidden matrices, AdamW for the rest",
                "K. Jordan et al., Muon: An optimizer for hidden layers in neural networks (2024)",
                MUON_REF, "MIT", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 0.02);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    int ns = h.getInt("ns_steps", 5);
                    boolean nest = h.getBool("nesterov", true);
                    GradientTransformation tx = hybrid("muon", muon(lr, mom, nest, ns, wd), auxAdamW(h));
                    return new TransformOptimizer("muon", params, grads, tx, "muon.lr.lr");
                }));
        registry.add(new OptimizerInfo("auon",
                "AuON: momentum normalised and cosh-RMS scaled (linear time), AdamW for the rest; variant=paper|code",
                "D. Maity, AuON: A Linear-time Alternative to Semi-Orthogonal Momentum Updates, arXiv 2509.24320",
                AUON_REF, "see repository", 1, true,
                (params, grads, h) -> {
                    boolean code = variant(h);
                    double lr = h.getDouble("lr", code ? 0.24 : 0.055);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    boolean nest = h.getBool("nesterov", true);
                    double gamma = h.getDouble("gamma", 1.5);
                    GradientTransformation m = matrixBranch(scaleByAuon(mom, nest, code, gamma), wd, lr);
                    return new TransformOptimizer("auon", params, grads, hybrid("auon", m, auxAdamW(h)), "auon.lr.lr");
                }));
        registry.add(new OptimizerInfo("hybrid_auon",
                "Hybrid-AuON: Newton-Schulz (1 step, paper) then the cosh-RMS brake, AdamW for the rest; variant=paper|code",
                "D. Maity, AuON: A Linear-time Alternative to Semi-Orthogonal Momentum Updates, arXiv 2509.24320, §3.2",
                AUON_REF, "see repository", 1, true,
                (params, grads, h) -> {
                    boolean code = variant(h);
                    double lr = h.getDouble("lr", code ? 0.24 : 0.055);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    boolean nest = h.getBool("nesterov", true);
                    int ns = h.getInt("ns_steps", code ? 5 : 1);
                    double gamma = h.getDouble("gamma", 1.5);
                    String rForm = h.getString("r_form", "sqrt").toLowerCase(Locale.ROOT);
                    if (!rForm.equals("sqrt") && !rForm.equals("square")) {
                        throw new IllegalArgumentException("r_form must be sqrt or square, got '" + rForm + "'");
                    }
                    GradientTransformation m = matrixBranch(scaleByHybridAuon(mom, nest, ns, code, gamma, rForm.equals("sqrt")), wd, lr);
                    return new TransformOptimizer("hybrid_auon", params, grads, hybrid("hybrid_auon", m, auxAdamW(h)), "hybrid_auon.lr.lr");
                }));
        registry.add(new OptimizerInfo("reg",
                "REG: Muon with the matrix sign replaced by row-and-column scaling (RACS), AdamW for the rest",
                "Z. Liu et al., REG: A Regularization Optimizer for Robust Training Dynamics, arXiv 2510.03691",
                "none (inferred from the abstract; RACS = Sinkhorn-style row/column RMS balancing)", "n/a", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 3e-4);
                    double mom = h.getDouble("momentum", 0.95);
                    double wd = h.getDouble("weight_decay", 0.0);
                    boolean nest = h.getBool("nesterov", true);
                    String mode = h.getString("racs", "sinkhorn").toLowerCase(Locale.ROOT);
                    if (!mode.equals("sinkhorn") && !mode.equals("factored")) {
                        throw new IllegalArgumentException("racs must be sinkhorn or factored, got '" + mode + "'");
                    }
                    int iters = h.getInt("racs_iters", 5);
                    double eps = h.getDouble("racs_eps", 1e-8);
                    GradientTransformation m = matrixBranch(scaleByReg(mom, nest, mode.equals("factored"), iters, eps), wd, lr);
                    return new TransformOptimizer("reg", params, grads, hybrid("reg", m, auxAdamW(h)), "reg.lr.lr");
                }));
        registry.add(new OptimizerInfo("sign_descent",
                "steepest descent under the l-infinity norm: theta <- theta - lr*sign(m), optional momentum",
                "J. Bernstein, L. Newhouse, Old Optimizer, New Norm: An Anthology, arXiv 2409.20325",
                "none (signSGD / signum update rule; sign(0) = 0)", "n/a", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 1e-3);
                    double mom = h.getDouble("momentum", 0.0);
                    boolean nest = h.getBool("nesterov", false);
                    double wd = h.getDouble("weight_decay", 0.0);
                    return new TransformOptimizer("sign_descent", params, grads, matrixBranch(scaleBySign(mom, nest), wd, lr), "lr.lr");
                }));
        registry.add(new OptimizerInfo("spectral_descent",
                "steepest descent under the spectral norm: theta <- theta - lr*||G||_nuclear*U V^T (scale=nuclear|none)",
                "J. Bernstein, L. Newhouse, Old Optimizer, New Norm: An Anthology, arXiv 2409.20325",
                "none (exact polar factor by float64 Jacobi SVD)", "n/a", 1, true,
                (params, grads, h) -> {
                    double lr = h.getDouble("lr", 0.01);
                    double mom = h.getDouble("momentum", 0.0);
                    boolean nest = h.getBool("nesterov", false);
                    double wd = h.getDouble("weight_decay", 0.0);
                    String scale = h.getString("scale", "nuclear").toLowerCase(Locale.ROOT);
                    if (!scale.equals("nuclear") && !scale.equals("none")) {
                        throw new IllegalArgumentException("scale must be nuclear or none, got '" + scale + "'");
                    }
                    return new TransformOptimizer("spectral_descent", params, grads,
                            matrixBranch(scaleBySpectral(mom, nest, scale.equals("nuclear")), wd, lr), "lr.lr");
                }));
    }

    private static boolean variant(HyperParams h) {
        String v = h.getString("variant", "paper").toLowerCase(Locale.ROOT);
        if (v.equals("paper")) return false;
        if (v.equals("code")) return true;
        throw new IllegalArgumentException("variant must be paper or code, got '" + v + "'");
    }

    /** Muon's aux AdamW from {@code adamw_*} hyperparameters (defaults lr 3e-4, betas (0.9, 0.95), eps 1e-10, wd 0). */
    static GradientTransformation auxAdamW(HyperParams h) {
        double lr = h.getDouble("adamw_lr", 3e-4);
        double b1 = h.getDouble("adamw_beta1", 0.9);
        double b2 = h.getDouble("adamw_beta2", 0.95);
        String betas = h.getString("adamw_betas", null);
        if (betas != null) {
            String[] parts = betas.replace("(", "").replace(")", "").replace("[", "").replace("]", "").split(",");
            if (parts.length != 2) throw new IllegalArgumentException("adamw_betas must be two numbers like 0.9,0.95, got '" + betas + "'");
            try {
                b1 = Double.parseDouble(parts[0].trim());
                b2 = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("adamw_betas must be two numbers like 0.9,0.95, got '" + betas + "'");
            }
        }
        double eps = h.getDouble("adamw_eps", 1e-10);
        double wd = h.getDouble("adamw_weight_decay", 0.0);
        Hyper.nonNegative("adamw_lr", lr);
        return Adam.adamw(lr, checked("adamw_beta1", b1), checked("adamw_beta2", b2), nonNeg("adamw_eps", eps), nonNeg("adamw_weight_decay", wd), p -> true);
    }

    private static double checked(String name, double v) {
        Hyper.unitInterval(name, v);
        return v;
    }

    private static double nonNeg(String name, double v) {
        Hyper.nonNegative(name, v);
        return v;
    }
}
