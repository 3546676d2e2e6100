package dev.descent.rl;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.SequenceLogProbs;
import dev.descent.optim.Objective;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Online GRPO over whole multi-turn interactions, an {@link Objective} of the one training loop: the
 * multi-turn counterpart of {@link GrpoObjective} (whose single-turn path it leaves alone). Each step k
 * <ol>
 *   <li>plays G interactions with each of P problems ({@code k·P … k·P + P − 1} of the stream
 *       {@code seed}) with the current policy ({@link MultiTurnRollout}, round k);</li>
 *   <li>scores each interaction by one reward, DRIFT's return R = Σ_t γ^{t−1} r_t + F − P
 *       ({@link MultiTurnRollout.Interaction#driftReturn}), so both methods optimise the same
 *       quantity, or the discounted turn rewards D = Σ_t γ^{t−1} r_t alone (without the format and
 *       repetition penalties), and forms group advantages over each problem's G interactions
 *       ({@link GroupAdvantages});</li>
 *   <li>runs one policy forward over the padded interactions with the tape (logits divided by the
 *       sampling temperature, as {@link GrpoObjective}) and back-propagates {@link PolicyLoss} with the
 *       interaction's advantage on every token the policy wrote, the prompt, the feedback and the
 *       padding masked. One step per rollout (TRL's num_iterations = 1): the old log-probabilities are
 *       the step's own, detached, so the ratio is 1; no reference (β = 0).</li>
 * </ol>
 * It counts what it spends: the rollouts' forward positions and the training forward's positions
 * (B × padded length per step; the backward covers the same).
 */
public final class MultiTurnGrpoObjective implements Objective {
    /**
     * @param promptsPerStep P
     * @param numGenerations G (≥ 2)
     * @param gamma          discount of the interaction's return
     * @param penalties      reward = DRIFT's full return R = D + F − P (true) or its discounted turn rewards D alone (false)
     */
    public record Settings(int promptsPerStep, int numGenerations, int turns, int maxNewTokens, float temperature, PolicyLossConfig loss,
                           RewardScaling scaling, double gamma, boolean penalties, long seed) {
        public Settings {
            if (promptsPerStep < 1) throw new IllegalArgumentException("prompts_per_step must be >= 1, got " + promptsPerStep);
            if (numGenerations < 2) throw new IllegalArgumentException("num_generations must be >= 2, got " + numGenerations);
            if (loss.beta() != 0) throw new IllegalArgumentException("beta must be 0 for multi-turn GRPO (no reference policy), got " + loss.beta());
        }
    }

    /** One step's rollout numbers. */
    public record Metrics(double loss, double rewardMean, double successRate, double meanTurns, double fracZeroStd) {}

    private final Gpt policy;
    private final Settings settings;
    private final MultiTurnRollout rollout;
    private final Task task;
    private long round = -1;
    private int[] tokens;
    private int length;
    private PolicyBatch batch;
    private MultiTurnRollout.Batch lastRollout;
    private double rewardMean;
    private double fracZeroStd;
    private Metrics last;
    private long rolloutForwardTokens;
    private double rolloutSeconds;
    private long trainTokens;

    public MultiTurnGrpoObjective(Gpt policy, Task task, CharTokenizer tokenizer, Settings settings) {
        this.policy = policy;
        this.task = task;
        this.settings = settings;
        this.rollout = new MultiTurnRollout(policy, task, settings.turns(), tokenizer, settings.maxNewTokens(), settings.temperature(), settings.seed());
    }

    @Override
    public void prepare(long step) {
        policy.beginStep(step);
        if (round == step) return;
        round = step;
        int p = settings.promptsPerStep(), g = settings.numGenerations(), bsz = p * g;
        List<Problem> problems = new ArrayList<>(p);
        for (int i = 0; i < p; i++) problems.add(task.problem(settings.seed(), step * p + i));
        lastRollout = rollout.sample(problems, g, step);
        rolloutForwardTokens += lastRollout.forwardTokens();
        rolloutSeconds += lastRollout.seconds();
        List<MultiTurnRollout.Interaction> all = lastRollout.interactions();
        length = 0;
        for (var it : all) length = Math.max(length, it.tokens().length);
        tokens = new int[bsz * length];
        float[] mask = new float[bsz * length];
        double[] rewards = new double[bsz];
        for (int b = 0; b < bsz; b++) {
            var it = all.get(b);
            System.arraycopy(it.tokens(), 0, tokens, b * length, it.tokens().length);
            System.arraycopy(it.policyTokens(), 0, mask, b * length, it.tokens().length);
            rewards[b] = settings.penalties() ? it.driftReturn(settings.gamma()) : it.discountedReturn(settings.gamma());
        }
        GroupAdvantages.Result adv = GroupAdvantages.of(rewards, g, settings.scaling());
        rewardMean = GroupAdvantages.mean(rewards, 0, bsz);
        fracZeroStd = adv.fracZeroStd();
        batch = new PolicyBatch(bsz, length, new float[bsz * length], null, mask, adv.advantages(), null);
    }

    @Override
    public double lossAndGradient() {
        if (batch == null) throw new IllegalStateException("no rollout: call prepare(step) before evaluating the objective");
        int bsz = batch.batch();
        Variable logits = policy.forward(tokens, bsz, length);
        if (settings.temperature() != 1f) logits = F.scale(logits, 1f / settings.temperature());
        Variable logprobs = SequenceLogProbs.ofLogits(logits, tokens, batch.mask(), bsz, length);
        PolicyBatch in = new PolicyBatch(bsz, length, logprobs.value().data().clone(), null, batch.mask(), batch.advantages(), null);
        Variable loss = PolicyLoss.apply(settings.loss(), in, logprobs);
        float value = loss.item();
        if (Float.isFinite(value)) loss.backward();
        trainTokens += (long) bsz * length;
        last = new Metrics(value, rewardMean, lastRollout.successRate(), lastRollout.meanTurns(), fracZeroStd);
        return value;
    }

    @Override
    public double loss() {
        if (batch == null) throw new IllegalStateException("no rollout: call prepare(step) before evaluating the objective");
        try (NoGrad ignored = NoGrad.open()) {
            return lossAndGradientFree();
        }
    }

    private double lossAndGradientFree() {
        int bsz = batch.batch();
        Variable logits = policy.forward(tokens, bsz, length);
        if (settings.temperature() != 1f) logits = F.scale(logits, 1f / settings.temperature());
        float[] lp = SequenceLogProbs.ofLogits(logits, tokens, batch.mask(), bsz, length).value().data().clone();
        return PolicyLoss.evaluate(settings.loss(), new PolicyBatch(bsz, length, lp, null, batch.mask(), batch.advantages(), null), lp).loss();
    }

    /** The padded tokens and loss inputs of the current step (for tests). */
    PolicyBatch currentBatch() { return batch; }

    int[] currentTokens() { return tokens; }

    /** The current step's interactions. */
    public MultiTurnRollout.Batch lastRollout() { return lastRollout; }

    /** The numbers of the last step evaluated with a gradient. */
    public Metrics lastMetrics() { return last; }

    public long rolloutForwardTokens() { return rolloutForwardTokens; }

    public double rolloutSeconds() { return rolloutSeconds; }

    public long trainTokens() { return trainTokens; }
}
