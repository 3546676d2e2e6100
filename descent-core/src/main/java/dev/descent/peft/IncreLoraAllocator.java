package dev.descent.peft;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * IncreLoRA's rank allocator (Zhang et al., "IncreLoRA: Incremental Parameter Allocation Method for
 * Parameter-Efficient Fine-tuning", 2023; the authors' code FeiyuZhang98/IncreLoRA at commit
 * {@code 51a2d734af7883ef90425206057c1ef25997b359}, {@code loralib/loralib/increlora.py}: {@code SVDLinear.backward_hook},
 * {@code RankAllocator.update_ipt}, {@code calculate_score}, {@code increase_to_target_rank},
 * {@code update_and_increase}). Each adapted module starts at {@code initial_rank} components and is
 * given more, a few at a time, by its importance, until the total rank reaches the budget.
 *
 * <p>Importance of a module at a step (the code's backward hook), with {@code ΔW} the module's adapter
 * product {@code [out, in]} and {@code G = ∂L/∂ΔW}:
 * <pre>
 *   I = Σ_ij |ΔW_ij · G_ij| / √(out·in)
 * </pre>
 * smoothed as AdaLoRA smooths its sensitivities, from zero:
 * <pre>
 *   Ī ← β₁ Ī + (1 − β₁) I          (sensitivity)
 *   Ū ← β₂ Ū + (1 − β₂) |I − Ī|    (uncertainty, with the Ī just updated)
 *   score = Ī · Ū
 * </pre>
 * Schedule ({@code update_and_increase}, called once per optimizer step with the step's index t,
 * counted from 0): while the total rank is below the budget the importances are updated, and when
 * {@code t > init_warmup} and {@code t mod interval = 0} the {@code top_h} modules with the largest scores
 * each get {@code rank_per_add} more components. Defaults are the authors' GLUE scripts (rank 8, e.g.
 * {@code NLU/scripts/rank=8/run_rte.sh}): initial rank 1, average target rank 8 (budget = 8 × number of
 * modules, the code's {@code target_rank · len(name_set)}), {@code init_warmup = 100}, {@code interval = 100},
 * {@code top_h = 9}, {@code β₁ = β₂ = 0.85}, {@code rank_per_add = 4} (the code's
 * {@code {2:1, 4:2, 6:3, 8:4}[target_rank]}).
 *
 * <p>Choices where the code is open: the code picks every module whose score is at least the
 * {@code min(top_h, budget − total)}-th largest and gives each {@code rank_per_add}, which can overshoot the
 * budget (and adds more modules on ties); here the modules are taken in descending score (ties in module
 * order), at most {@code top_h} of them, each given {@code min(rank_per_add, budget − total, max − rank)}
 * components, so the total never exceeds the budget and no module exceeds its preallocated maximum
 * ({@code max_rank}, the code has none). All arithmetic is float64; the state ({@link #state}) is a map of
 * doubles, so a checkpoint restores it exactly.
 */
public final class IncreLoraAllocator {
    /** IncreLoRA's schedule: see the class comment for the meaning and the defaults. */
    public record Settings(int initialRank, int budget, int initWarmup, int interval, int topH, int rankPerAdd, double beta1, double beta2) {
        /** Checks the values against {@code modules} adapted modules; a bad one is one line naming the key. */
        public Settings {
            if (initialRank <= 0) throw new PeftException("'peft.r' = " + initialRank + " must be a positive integer");
            if (initWarmup < 0) throw new PeftException("'peft.increlora_init_warmup' = " + initWarmup + " must be ≥ 0");
            if (interval <= 0) throw new PeftException("'peft.increlora_interval' = " + interval + " must be a positive integer");
            if (topH <= 0) throw new PeftException("'peft.increlora_top_h' = " + topH + " must be a positive integer");
            if (rankPerAdd <= 0) throw new PeftException("'peft.increlora_rank_per_add' = " + rankPerAdd + " must be a positive integer");
            if (!(beta1 > 0 && beta1 < 1)) throw new PeftException("'peft.increlora_beta1' = " + beta1 + " must be in (0, 1)");
            if (!(beta2 > 0 && beta2 < 1)) throw new PeftException("'peft.increlora_beta2' = " + beta2 + " must be in (0, 1)");
        }

        /** The authors' defaults for {@code modules} modules at average target rank 8. */
        public static Settings defaults(int modules) {
            return new Settings(1, 8 * modules, 100, 100, 9, 4, 0.85, 0.85);
        }
    }

    private final Settings settings;
    private final List<String> modules;
    private final Map<String, Integer> maxRank;
    private final Map<String, Integer> rank = new LinkedHashMap<>();
    private final Map<String, Double> sensitivity = new LinkedHashMap<>();
    private final Map<String, Double> uncertainty = new LinkedHashMap<>();

    /**
     * An allocator over {@code maxRank}'s modules (in its order, which breaks ties), each starting at
     * {@code settings.initialRank()} and never above its maximum. The budget must hold every module's
     * initial rank; a smaller one is refused with one line.
     */
    public IncreLoraAllocator(Settings settings, Map<String, Integer> maxRank) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (maxRank.isEmpty()) throw new PeftException("IncreLoRA needs at least one adapted module");
        this.modules = List.copyOf(maxRank.keySet());
        this.maxRank = new LinkedHashMap<>(maxRank);
        long initial = (long) settings.initialRank() * modules.size();
        if (settings.budget() < initial) {
            throw new PeftException("'peft.increlora_target_rank' gives a total rank budget of " + settings.budget() + ", smaller than the initial total rank "
                    + initial + " (r = " + settings.initialRank() + " × " + modules.size() + " modules); allowed: a budget ≥ " + initial);
        }
        for (String m : modules) {
            if (maxRank.get(m) < settings.initialRank()) {
                throw new PeftException("IncreLoRA: " + m + " can hold at most " + maxRank.get(m) + " components, fewer than r = " + settings.initialRank());
            }
            rank.put(m, settings.initialRank());
            sensitivity.put(m, 0.0);
            uncertainty.put(m, 0.0);
        }
    }

    /** {@code I = Σ |ΔW ⊙ G| / √n} over the n elements of the adapter product {@code delta} and its gradient {@code grad}. */
    public static double importance(double[] delta, double[] grad) {
        if (delta.length != grad.length || delta.length == 0) throw new IllegalArgumentException("ΔW and its gradient must have the same non-zero size");
        double s = 0;
        for (int i = 0; i < delta.length; i++) s += Math.abs(delta[i] * grad[i]);
        return s / Math.sqrt(delta.length);
    }

    /** Whether the importances are still being tracked (the total rank is below the budget). */
    public boolean growing() { return totalRank() < settings.budget(); }

    /** Folds one step's importance of {@code module} into its sensitivity and uncertainty averages. */
    public void observe(String module, double importance) {
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double s = b1 * sensitivity.get(module) + (1 - b1) * importance;
        sensitivity.put(module, s);
        uncertainty.put(module, b2 * uncertainty.get(module) + (1 - b2) * Math.abs(importance - s));
    }

    /** The smoothed score {@code Ī · Ū} of {@code module}. */
    public double score(String module) { return sensitivity.get(module) * uncertainty.get(module); }

    /** Whether step {@code t} (from 0) is an allocation step: after the warm-up, on the interval, budget not reached. */
    public boolean allocatesAt(long t) {
        return growing() && t > settings.initWarmup() && t % settings.interval() == 0;
    }

    /**
     * Runs the allocation of step {@code t} if it is one ({@link #allocatesAt}) and returns the ranks added
     * (module → components added, in module order; empty when nothing was added).
     */
    public Map<String, Integer> allocate(long t) {
        Map<String, Integer> added = new LinkedHashMap<>();
        if (!allocatesAt(t)) return added;
        List<String> order = new ArrayList<>(modules);
        order.sort(Comparator.comparingDouble((String m) -> -score(m))); // stable: ties keep module order
        int chosen = 0;
        for (String m : order) {
            if (chosen == settings.topH() || settings.budget() == totalRank()) break;
            int room = Math.min(settings.rankPerAdd(), Math.min(settings.budget() - totalRank(), maxRank.get(m) - rank.get(m)));
            if (room <= 0) continue;
            rank.put(m, rank.get(m) + room);
            added.put(m, room);
            chosen++;
        }
        Map<String, Integer> inOrder = new LinkedHashMap<>();
        for (String m : modules) if (added.containsKey(m)) inOrder.put(m, added.get(m));
        return inOrder;
    }

    /** The number of active components of {@code module}. */
    public int rank(String module) { return rank.get(module); }

    /** The sum of the active components over the modules. */
    public int totalRank() {
        int s = 0;
        for (int r : rank.values()) s += r;
        return s;
    }

    public Settings settings() { return settings; }

    /** The modules in their order. */
    public List<String> modules() { return modules; }

    /** The allocator's state (ranks and both averages per module), exact as doubles. */
    public Map<String, Double> state() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String m : modules) {
            out.put("increlora." + m + ".rank", (double) rank.get(m));
            out.put("increlora." + m + ".sensitivity", sensitivity.get(m));
            out.put("increlora." + m + ".uncertainty", uncertainty.get(m));
        }
        return out;
    }

    /** Restores {@link #state}; a missing or out-of-range entry is refused. */
    public void loadState(Map<String, Double> state) {
        for (String m : modules) {
            Double r = state.get("increlora." + m + ".rank");
            Double s = state.get("increlora." + m + ".sensitivity");
            Double u = state.get("increlora." + m + ".uncertainty");
            if (r == null || s == null || u == null) throw new PeftException("the checkpoint has no IncreLoRA state for " + m);
            int ri = (int) (double) r;
            if (ri != r || ri < settings.initialRank() || ri > maxRank.get(m)) throw new PeftException("IncreLoRA state: rank " + r + " of " + m + " is out of range");
            rank.put(m, ri);
            sensitivity.put(m, s);
            uncertainty.put(m, u);
        }
        if (totalRank() > settings.budget()) throw new PeftException("IncreLoRA state: total rank " + totalRank() + " exceeds the budget " + settings.budget());
    }
}
