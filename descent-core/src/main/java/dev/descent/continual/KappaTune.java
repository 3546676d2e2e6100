package dev.descent.continual;

import dev.descent.linalg.Svd;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * KappaTune (Ludwig, "The condition number as a scale-invariant proxy for information encoding in
 * neural units", 2025): fine-tune only the weight tensors with the lowest condition number
 * κ = σ_max/σ_min, since a high κ marks a unit that encodes selectively and is worth keeping. After
 * the reference ({@code SelectiveFineTuningOptimizer} in {@code selective_fine_tuning.py} of
 * oswaldoludwig/kappaTune at commit 2d73b3abfc169caaf7cde7f1f97bcbf666bf053a): κ of every parameter
 * with at least two dimensions (SVD, {@link Svd}; κ = ∞ when σ_min = 0), computed once on the model
 * before fine-tuning; the {@code tensors} lowest are trained, everything else — biases included — is
 * frozen.
 *
 * <p>In a continual stream the "pre-trained" model is the one after the first task: task 0 trains
 * every parameter, then κ is measured and tasks 1… train the selected tensors only.
 */
public final class KappaTune implements Strategy {
    private final int tensors;
    private final Map<String, Double> kappas = new LinkedHashMap<>();
    private Set<String> selected;

    public KappaTune(int tensors) {
        if (tensors < 1) throw new IllegalArgumentException("tensors must be >= 1, got " + tensors);
        this.tensors = tensors;
    }

    @Override
    public String name() { return "kappatune"; }

    @Override
    public ParamSet trainable(Learner learner, int t) {
        ParamSet all = ParamSet.of(learner.parameters());
        if (t == 0 || selected == null) return all;
        return all.subset(slot -> selected.contains(slot.name()));
    }

    @Override
    public void afterTask(Learner learner, ContinualStream stream, int t) {
        if (t != 0) return;
        ParamSet all = ParamSet.of(learner.parameters());
        kappas.putAll(conditionNumbers(all));
        List<String> order = new ArrayList<>(kappas.keySet());
        order.sort(Comparator.comparingDouble(kappas::get)); // stable: ties keep the model's order
        selected = new TreeSet<>(order.subList(0, Math.min(tensors, order.size())));
    }

    /** The tensors trained after the first task (empty before it). */
    public Set<String> selected() { return selected == null ? Set.of() : Set.copyOf(selected); }

    /** κ = σ_max/σ_min of every parameter of rank ≥ 2, in the set's order. */
    public static Map<String, Double> conditionNumbers(ParamSet params) {
        Map<String, Double> out = new LinkedHashMap<>();
        float[] v = params.values();
        for (ParamSlot s : params.slots()) {
            if (!s.isMatrix()) continue;
            double[] a = new double[s.size()];
            for (int i = 0; i < a.length; i++) a[i] = v[s.offset() + i];
            double[] sigma = Svd.of(a, s.rows(), s.cols()).sigma();
            double min = sigma[sigma.length - 1];
            out.put(s.name(), min > 0 ? sigma[0] / min : Double.POSITIVE_INFINITY);
        }
        return out;
    }
}
