package dev.descent.continual;

import java.util.ArrayList;
import java.util.List;

/**
 * Elastic weight consolidation (Kirkpatrick et al., PNAS 2017), in Avalanche's form
 * ({@code avalanche.training.plugins.EWCPlugin}): after each task j the diagonal Fisher F_j
 * ({@link DiagonalFisher}) and the parameters θ*_j are stored, and later tasks train on
 * <pre>  L(θ) + λ Σ_j Σ_i F_j,i (θ_i − θ*_j,i)²</pre>
 * (no ½, as Avalanche: λ absorbs it), so the penalty's gradient is 2λ Σ_j F_j ⊙ (θ − θ*_j).
 * <ul>
 *   <li>{@code separate}: one (F_j, θ*_j) pair per past task.</li>
 *   <li>{@code online} (Schwarz et al.'s online EWC, Avalanche's {@code mode="online"}): one pair,
 *       F ← γ·F + F_j and θ* ← θ_j after each task (γ = {@code decay}).</li>
 * </ul>
 * Defaults (chosen here; the method has none that fit every model): λ = 100, Fisher from 200 rows of
 * the task, true Fisher, γ = 1.
 */
public final class Ewc implements Strategy {
    private final boolean online;
    private final double lambda;
    private final double decay;
    private final boolean empirical;
    private final int samples;
    private final long seed;
    private final List<float[]> fishers = new ArrayList<>();
    private final List<float[]> anchors = new ArrayList<>();

    public Ewc(boolean online, double lambda, double decay, boolean empirical, int samples, long seed) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("decay must be in [0, 1], got " + decay);
        if (samples < 1) throw new IllegalArgumentException("fisher_samples must be >= 1, got " + samples);
        this.online = online;
        this.lambda = lambda;
        this.decay = decay;
        this.empirical = empirical;
        this.samples = samples;
        this.seed = seed;
    }

    @Override
    public String name() { return online ? "ewc-online" : "ewc"; }

    @Override
    public Penalty penalty() { return this::penaltyAt; }

    /** λ Σ_j Σ_i F_j,i (θ_i − θ*_j,i)², its gradient added to {@code grads} when non-null. */
    double penaltyAt(float[] theta, float[] grads) {
        double value = 0;
        for (int j = 0; j < fishers.size(); j++) {
            float[] f = fishers.get(j);
            float[] a = anchors.get(j);
            for (int i = 0; i < theta.length; i++) {
                double d = theta[i] - a[i];
                value += f[i] * d * d;
                if (grads != null) grads[i] += (float) (2 * lambda * f[i] * d);
            }
        }
        return lambda * value;
    }

    @Override
    public void afterTask(Learner learner, ContinualStream stream, int t) {
        consolidate(DiagonalFisher.estimate(learner, stream.task(t).train(), stream.allowedByLabel(), samples, empirical, seed, t),
                learner.parameters().values().clone());
    }

    /** Stores the pair of a finished task (separate), or folds it into the one pair (online); for a model other than the {@link Learner}, whose owner computes the Fisher. */
    public void consolidate(float[] fisher, float[] anchor) {
        if (!online || fishers.isEmpty()) {
            fishers.add(fisher);
            anchors.add(anchor);
            return;
        }
        float[] f = fishers.get(0);
        for (int i = 0; i < f.length; i++) f[i] = (float) (decay * f[i] + fisher[i]);
        anchors.set(0, anchor);
    }
}
