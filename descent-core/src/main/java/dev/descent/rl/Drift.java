package dev.descent.rl;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * DRIFT, decoupled rollouts and importance-weighted fine-tuning ({@code specs/02_drift.md}; reference
 * code 2020-qqtcg/DRIFT @ d8e1630), as a recipe on a multi-turn feedback task:
 * <ol>
 *   <li>rollouts, once: G whole interactions per prompt from the <em>fixed</em> reference policy
 *       ({@link MultiTurnRollout}: answer, feedback, next answer, … until success or the turn budget;
 *       temperature 1), P prompts = problems 0 … P − 1 of the stream {@code seed};</li>
 *   <li>returns and weights ({@link DriftWeights}): R_i = Σ_t γ^{t−1} r_{i,t} + F_i − P_i (turn rewards,
 *       format penalty −0.1 per malformed turn, repetition penalty 0.5·(1 − distinct/answers)),
 *       w_i = e_i / (mean_j e_j + 1e-12), e_i = exp(R_i/β − max_j R_j/β), within each prompt's group;</li>
 *   <li>weighted SFT ({@link WeightedSftObjective}) on the stored interactions, static weights, for
 *       {@code epochs} passes: L = (1/B) Σ_i w_i ℓ_i with ℓ_i the mean token cross-entropy of the
 *       interaction's target tokens (the spec's default, {@code SEQUENCE_MEAN}); AdamW (0.9, 0.999,
 *       1e-8, weight decay as given; the HF Trainer default the code uses) at a constant rate, gradient
 *       clip 1 ({@code max_grad_norm}).</li>
 * </ol>
 * The targets are the policy's tokens of every turn ({@link Target#ALL_TURNS}, the default here: the
 * abstract's "weighted SFT on the trajectories"), never the prompt or the feedback; the reference code
 * trains the last assistant message only, {@link Target#LAST_TURN}, with everything before it as
 * context. Defaults: γ = 0.9, β = 0.1 (the launch script; argparse has 0.7 and 0.2), G = 16.
 */
public final class Drift {
    private Drift() {}

    /** Which of an interaction's policy tokens are trained on. */
    public enum Target {
        ALL_TURNS, LAST_TURN;

        public static Target byName(String name) {
            for (Target t : values()) if (t.name().equalsIgnoreCase(name)) return t;
            throw new IllegalArgumentException("target must be one of all_turns, last_turn, got '" + name + "'");
        }

        @Override
        public String toString() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * @param prompts          P, distinct problems rolled out
     * @param samplesPerPrompt G, interactions per problem (one weight group)
     * @param turns            the environment's turn budget
     * @param maxNewTokens     most tokens per answer (stop included)
     * @param gamma            discount over turns
     * @param beta             temperature of the weights (&gt; 0)
     */
    public record Settings(int prompts, int samplesPerPrompt, int turns, int maxNewTokens, double gamma, double beta, Target target,
                           int epochs, int batch, double learningRate, double weightDecay, long seed) {
        public Settings {
            if (prompts < 1) throw new IllegalArgumentException("prompts must be >= 1, got " + prompts);
            if (samplesPerPrompt < 1) throw new IllegalArgumentException("samples_per_prompt must be >= 1, got " + samplesPerPrompt);
            if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
            if (!(beta > 0)) throw new IllegalArgumentException("beta must be > 0, got " + beta);
            if (target == null) throw new IllegalArgumentException("target must be one of all_turns, last_turn, got null");
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
        }
    }

    /**
     * What a run did and cost.
     *
     * @param rolloutSuccess        success rate of the reference's stored interactions
     * @param rolloutForwardTokens  positions the reference's forwards computed during the rollouts
     * @param trainTokens           positions of the training forwards (the backwards cover the same)
     */
    public record Result(double rolloutSuccess, double meanReturn, double meanEss, int interactions, long rolloutForwardTokens,
                         double rolloutSeconds, int steps, long trainTokens, double trainSeconds, double lastLoss) {}

    /** The DRIFT weight of every interaction; interactions i·G … i·G + G − 1 are one prompt's group. */
    public static double[] weights(List<MultiTurnRollout.Interaction> interactions, int groupSize, double gamma, double beta) {
        if (interactions.size() % groupSize != 0) throw new IllegalArgumentException(interactions.size() + " interactions are not groups of " + groupSize);
        double[] w = new double[interactions.size()];
        for (int g = 0; g < w.length; g += groupSize) {
            double[] r = new double[groupSize];
            for (int j = 0; j < groupSize; j++) r[j] = interactions.get(g + j).driftReturn(gamma);
            System.arraycopy(DriftWeights.weights(r, beta), 0, w, g, groupSize);
        }
        return w;
    }

    /** The interactions as weighted samples: the first prompt as the prompt, the rest as the completion with the target tokens of {@code target}. */
    public static List<WeightedSftObjective.Sample> samples(List<MultiTurnRollout.Interaction> interactions, double[] weights, Target target) {
        List<WeightedSftObjective.Sample> out = new ArrayList<>(interactions.size());
        for (int i = 0; i < interactions.size(); i++) {
            MultiTurnRollout.Interaction it = interactions.get(i);
            int p = it.promptLength();
            float[] mask = target == Target.ALL_TURNS ? it.policyTokens() : it.lastTurnTokens();
            out.add(new WeightedSftObjective.Sample(Arrays.copyOf(it.tokens(), p), Arrays.copyOfRange(it.tokens(), p, it.tokens().length), weights[i],
                    Arrays.copyOfRange(mask, p, mask.length)));
        }
        return out;
    }

    /**
     * Runs the recipe: rollouts from {@code policy} as it is now (the reference), then weighted SFT of
     * {@code policy} in place. {@code callback} (may be null) sees every training step.
     */
    public static Result run(Gpt policy, CharTokenizer tokenizer, Task task, Settings s, TrainingLoop.Callback callback) throws IOException {
        List<Problem> problems = new ArrayList<>(s.prompts());
        for (int i = 0; i < s.prompts(); i++) problems.add(task.problem(s.seed(), i));
        MultiTurnRollout rollout = new MultiTurnRollout(policy, task, s.turns(), tokenizer, s.maxNewTokens(), 1f, s.seed());
        MultiTurnRollout.Batch batch = rollout.sample(problems, s.samplesPerPrompt(), 0);
        double[] w = weights(batch.interactions(), s.samplesPerPrompt(), s.gamma(), s.beta());
        double meanReturn = 0;
        for (var it : batch.interactions()) meanReturn += it.driftReturn(s.gamma());
        meanReturn /= batch.interactions().size();
        double ess = 0;
        for (int g = 0; g < w.length; g += s.samplesPerPrompt()) {
            ess += BoltzmannWeights.effectiveSampleSize(Arrays.copyOfRange(w, g, g + s.samplesPerPrompt()));
        }
        ess /= s.prompts();
        WeightedSftObjective objective = new WeightedSftObjective(policy, samples(batch.interactions(), w, s.target()), s.batch(),
                WeightedSft.Normalisation.SEQUENCE_MEAN, s.seed());
        Optimizer opt = AdamW.optimizer(policy.parameters(), s.learningRate(), 0.9, 0.999, 1e-8, s.weightDecay(), p -> p.role().isMatrixRole());
        int steps = objective.stepsFor(s.epochs());
        TrainingLoop loop = new TrainingLoop(opt, objective, policy.parameters().grads()).clip(1.0);
        if (callback != null) loop.callback(callback);
        TrainingLoop.Outcome o = loop.run(0, steps);
        if (o.diverged()) throw new dev.descent.train.TrainingStopped("the weighted SFT loss is not finite at step " + (o.next() + 1), o.next(), false);
        return new Result(batch.successRate(), meanReturn, ess, batch.interactions().size(), batch.forwardTokens(), batch.seconds(), steps,
                objective.tokensPerStep() * steps, loop.trainSeconds(), o.last().report().loss());
    }
}
