package dev.descent.bench.continual;

import dev.descent.bench.merge.ExpertFamily;
import dev.descent.continual.AccuracyMatrix;
import dev.descent.continual.Ewc;
import dev.descent.continual.Penalty;
import dev.descent.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A continual run of one character GPT over a {@link GptTaskStream}: the model of seed {@code seed}
 * is trained by supervised fine-tuning on each task in turn with {@link dev.descent.bench.merge.GptFamily}'s
 * recipe (AdamW β = (0.9, 0.99), weight decay 0.1, batch 32, clip 1; a fresh optimizer state per task;
 * task t's batches from seed {@code seed·1000 + t + 1}), and after each task every task's held-out
 * test problems are scored by exact match (the task's verifier on the greedy completion), which fills
 * the accuracy matrix R[t][j].
 *
 * <p>The strategies that apply to a generative model:
 * <ul>
 *   <li>{@code finetune}: each task's lines alone (the lower bound).</li>
 *   <li>{@code joint}: on task t the union of the lines of tasks 0…t (the upper bound).</li>
 *   <li>{@code ewc}, {@code ewc-online}: {@link Ewc}'s penalty λ Σ_j F_j ⊙ (θ − θ*_j)² with the
 *       empirical Fisher of each finished task ({@link dev.descent.bench.merge.GptFamily#empiricalFisher}).</li>
 * </ul>
 * FeTrIL and First-Session Adaptation replace a class head over frozen features, which a GPT that
 * answers by generating text has not; UPGD, CLASSP, RISE and KappaTune change the optimizer or the
 * trained tensors of the SGD loop and are not wired into the AdamW recipe here.
 */
public final class GptContinualRun {
    private GptContinualRun() {}

    /** The strategies a GPT run takes. */
    public static final List<String> STRATEGIES = List.of("finetune", "joint", "ewc", "ewc-online");

    /**
     * @param steps         AdamW steps per task
     * @param lr            learning rate
     * @param lambda        EWC's λ
     * @param fisherSamples training lines per empirical Fisher
     * @param seed          the model's initialisation and the batches
     */
    public record Settings(int steps, double lr, double lambda, int fisherSamples, long seed) {
        public Settings {
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
            if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
            if (fisherSamples < 1) throw new IllegalArgumentException("fisher_samples must be >= 1, got " + fisherSamples);
        }
    }

    /** The accuracy matrix and the wall time of the run. */
    public record Result(AccuracyMatrix accuracy, double seconds) {}

    public static Result run(GptTaskStream stream, String strategy, Settings s) {
        if (!STRATEGIES.contains(strategy)) throw new IllegalArgumentException("unknown GPT strategy '" + strategy + "'; valid: " + String.join(", ", STRATEGIES));
        long t0 = System.nanoTime();
        Ewc ewc = strategy.startsWith("ewc") ? new Ewc(strategy.equals("ewc-online"), s.lambda(), 1, true, s.fisherSamples(), s.seed()) : null;
        Penalty penalty = ewc == null ? Penalty.NONE : ewc.penalty();
        var family = stream.family();
        Map<String, Tensor> w = family.init(s.seed());
        int n = stream.size();
        double[][] r = new double[n][n];
        for (int t = 0; t < n; t++) {
            int[] on;
            if (strategy.equals("joint")) {
                on = new int[t + 1];
                for (int j = 0; j <= t; j++) on[j] = stream.familyTask(j);
            } else {
                on = new int[] {stream.familyTask(t)};
            }
            w = family.train(w, on, s.steps(), s.seed() * 1000 + t + 1, s.lr(), penalty);
            if (ewc != null) ewc.consolidate(family.empiricalFisher(w, stream.familyTask(t), s.fisherSamples()), family.flat(w));
            for (int j = 0; j < n; j++) r[t][j] = family.accuracy(w, stream.familyTask(j), ExpertFamily.Split.TEST);
        }
        return new Result(new AccuracyMatrix(r), (System.nanoTime() - t0) / 1e9);
    }
}
