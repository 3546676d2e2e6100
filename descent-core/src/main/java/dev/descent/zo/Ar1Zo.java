package dev.descent.zo;

import dev.descent.optim.Hyper;
import dev.descent.optim.Objective;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * AR1-ZO: MeZO-style two-point zeroth-order steps on LoRA adapters that query one rank-1 atom per
 * step (Chen, Lin, Zhang et al., "Topology-Aware Rank-1 Zeroth-Order Queries for High-Rank LoRA
 * Fine-Tuning", arXiv 2605.19767 — abstract only; no code is public, so the step below is this
 * project's reading, {@code specs/12a_ar1_zo.md}). A LoRA module ΔW = s·B A (B [out, r], A [r, in])
 * is a sum of r atoms (b_k = column k of B, a_k = row k of A). Step t, for every LoRA module at once:
 * <pre>
 *   k = t mod r                        (atom_order = cyclic; random: uniform in [0, r) per module and step)
 *   z_b ~ N(0, I_out), z_a ~ N(0, I_in)   (one Philox direction over all modules' atoms, keyed by (seed, t) as MeZO)
 *   ℓ± = L(b_k ± ε z_b, a_k ± ε z_a)      (every module's atom k moves together)
 *   ĝ  = (ℓ₊ − ℓ₋) / (2ε)
 *   b_k ← b_k − η ĝ z_b,   a_k ← a_k − η ĝ z_a      (the other atoms are unchanged)
 * </pre>
 * Only Σ (out + in) coordinates are perturbed per query, whatever r is.
 *
 * <p><b>Topology-aware scaling γ = α·r</b> ({@code scaling}). The abstract replaces the canonical
 * s = α/r by "γ = α r". Two readings fit it: (1) γ replaces α inside the usual α/r, so the adapter's
 * forward scale becomes s = γ/r = α; (2) the forward scale stays α/r and only the active atom's
 * perturbation and update are multiplied by r. <i>Choice: reading (1)</i>, the one of the specification's
 * worked example: with {@code scaling = topology} the optimizer sets each module's forward scale to
 * α (through the handle {@link LoraAtoms.Factors#forwardScale}) when it is built, so an atom query's
 * finite-difference signal no longer shrinks with r (with s = α/r it shrinks ∝ 1/r, its SNR ∝ 1/r²).
 * {@code scaling = canonical} leaves the forward scale as configured (α/r, or α/√r with rsLoRA).
 * The scale is a property of the model, not of the adapter files: files written with
 * {@code lora_alpha = α} load with s = α/r, so an adapter trained with topology scaling is used as
 * trained by loading it with {@code lora_alpha = γ = α·r} (same s = γ/r = α).
 *
 * <p>Other choices (open in the abstract): every adapted module queries the same atom index per step;
 * the cyclic order starts at atom 0; the unqueried atoms need no special initialisation — with
 * PEFT's B = 0 start, a joint (b_k, a_k) query is not degenerate: ℓ₊ − ℓ₋ = 2ε·s·(z_b a_kᵀ + b_k z_aᵀ)·x + O(ε³),
 * whose z_b a_kᵀ term is non-zero, so b_k moves first and a_k follows. The perturbed atom is saved
 * before the queries (Σ (out + in) floats) and written back exactly, so a step leaves the parameters
 * as θ − η ĝ z bit for bit (not θ ± rounding, as the in-place MeZO restore). The update is computed in
 * float32 as {@code saved − η·(ĝ·z)}. If an evaluation is not finite, the step is skipped.
 *
 * <p>Hyperparameters (name {@code ar1_zo}, {@link Ar1ZoHyper}; built by the trainer and {@link ZerothOrderOptimizers#create}, not in the registry): {@code lr} 1e-4 and {@code mu}
 * (ε) 1e-2 (MeZO-LoRA's defaults; the paper's are not known), {@code seed} 0, {@code atom_order}
 * cyclic, {@code scaling} topology. Scalars as MeZO's, plus {@code atom} (the cyclic atom of the
 * latest step, −1 for random).
 */
public final class Ar1Zo extends TwoPointQueryOptimizer {
    /** Which atom a module queries at step t. */
    public enum AtomOrder { CYCLIC, RANDOM }

    /** How γ enters (see the class comment). */
    public enum Scaling { TOPOLOGY, CANONICAL }

    private final LoraAtoms atoms;
    private final float[] values;
    private final Directions directions;
    private final AtomOrder order;
    private final Scaling scaling;
    private final long seed;
    private final Philox atomStream;
    private final double mu;
    private final float[] z;
    private final float[] saved;
    private final int[] atomOf;
    private double projected = Double.NaN;

    /** AR1-ZO with Gaussian directions from the Philox stream of {@code seed} ({@link Directions#seeded}). */
    public Ar1Zo(LoraAtoms atoms, float[] values, Objective objective, double lr, double mu, long seed, AtomOrder order, Scaling scaling) {
        this(atoms, values, objective, lr, mu, seed, order, scaling, Directions.seeded(DirectionKind.GAUSSIAN, seed));
    }

    /**
     * AR1-ZO with directions from {@code directions} (e.g. {@link Directions#fixed} for a worked example):
     * the direction of step t has dimension Σ (out + in), laid out module by module as (z_b, z_a).
     */
    public Ar1Zo(LoraAtoms atoms, float[] values, Objective objective, double lr, double mu, long seed, AtomOrder order, Scaling scaling,
                 Directions directions) {
        super(objective, lr);
        Hyper.positive("mu", mu);
        this.atoms = Objects.requireNonNull(atoms, "atoms");
        this.values = values;
        this.mu = mu;
        this.seed = seed;
        this.order = Objects.requireNonNull(order, "atom_order");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        this.directions = Objects.requireNonNull(directions, "directions");
        this.atomStream = Philox.stream(seed, "ar1_zo/atom");
        int d = atoms.atomDimension();
        this.z = new float[d];
        this.saved = new float[d];
        this.atomOf = new int[atoms.modules().size()];
        if (scaling == Scaling.TOPOLOGY) {
            for (LoraAtoms.Factors f : atoms.modules()) {
                if (f.forwardScale() == null || !Double.isFinite(f.alpha())) {
                    throw new IllegalArgumentException("ar1_zo scaling=topology sets each adapter's forward scale to γ/r = α and needs the LoRA "
                            + "modules (LoraAtoms.of(params, Lora.adapterPairs(model, adapter))); use scaling=canonical without them");
                }
                f.forwardScale().accept(f.alpha());
            }
        }
    }

    /** The atom index module {@code m} (of rank r) queries at step {@code t}. */
    int atomIndex(int m, long t) {
        int r = atoms.modules().get(m).rank();
        return order == AtomOrder.CYCLIC ? (int) Math.floorMod(t, (long) r) : atomStream.derive(t).nextInt(m, r);
    }

    @Override
    protected void takeStep(Objective objective) {
        long t = progress.steps;
        List<LoraAtoms.Factors> mods = atoms.modules();
        for (int m = 0; m < mods.size(); m++) atomOf[m] = atomIndex(m, t);
        directions.at(t, 0, z.length).fill(z, 0, z.length, 0);
        gather();
        float eps = (float) mu;
        scatter(eps);
        double plus = objective.loss();
        scatter(-eps);
        double minus = objective.loss();
        scatter(0f);
        projected = (plus - minus) / (2 * mu);
        progress.queries += 2;
        progress.loss = plus;
        progress.steps++;
        if (!(Double.isFinite(plus) && Double.isFinite(minus) && Double.isFinite(projected))) {
            progress.skip();
            return;
        }
        float step = (float) -lr;
        float g = (float) projected;
        int o = 0;
        for (int m = 0; m < mods.size(); m++) {
            LoraAtoms.Factors f = mods.get(m);
            int k = atomOf[m];
            for (int i = 0; i < f.out(); i++, o++) values[f.bIndex(i, k)] = saved[o] + step * (g * z[o]);
            for (int j = 0; j < f.in(); j++, o++) values[f.aIndex(k, j)] = saved[o] + step * (g * z[o]);
        }
    }

    /** Copies every module's active atom (b_k, then a_k) into {@code saved}. */
    private void gather() {
        int o = 0;
        List<LoraAtoms.Factors> mods = atoms.modules();
        for (int m = 0; m < mods.size(); m++) {
            LoraAtoms.Factors f = mods.get(m);
            int k = atomOf[m];
            for (int i = 0; i < f.out(); i++) saved[o++] = values[f.bIndex(i, k)];
            for (int j = 0; j < f.in(); j++) saved[o++] = values[f.aIndex(k, j)];
        }
    }

    /** Writes saved + c·z into the active atoms (c = 0: the saved values back, exactly). */
    private void scatter(float c) {
        int o = 0;
        List<LoraAtoms.Factors> mods = atoms.modules();
        for (int m = 0; m < mods.size(); m++) {
            LoraAtoms.Factors f = mods.get(m);
            int k = atomOf[m];
            for (int i = 0; i < f.out(); i++, o++) values[f.bIndex(i, k)] = saved[o] + c * z[o];
            for (int j = 0; j < f.in(); j++, o++) values[f.aIndex(k, j)] = saved[o] + c * z[o];
        }
    }

    /** The projected gradient ĝ of the latest step (NaN before the first). */
    public double projectedGradient() { return projected; }

    @Override
    public Map<String, Tensor> state() { return Map.of(); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) progress.steps);
        s.put("lr", lr);
        s.put("mu", mu);
        s.put("seed", (double) seed);
        s.put("atom", order == AtomOrder.CYCLIC && progress.steps > 0 ? (double) atomOf[0] : -1.0);
        progress.putOutputs(s);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        if (!tensors.isEmpty()) throw new IllegalArgumentException("ar1_zo keeps no state tensors, the saved state has " + tensors.keySet());
        ZoProgress.checkSame(scalars, "seed", seed);
        ZoProgress.checkSame(scalars, "mu", mu);
        loadProgress(scalars);
    }

    @Override
    public String name() { return "ar1_zo"; }

}
