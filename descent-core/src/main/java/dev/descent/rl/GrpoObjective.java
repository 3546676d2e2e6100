package dev.descent.rl;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.CharTokenizer;
import dev.descent.nn.Generation;
import dev.descent.nn.GenerationConfig;
import dev.descent.nn.Generator;
import dev.descent.nn.Gpt;
import dev.descent.nn.Parameter;
import dev.descent.nn.SequenceLogProbs;
import dev.descent.optim.Objective;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Online GRPO as an {@link Objective} of the one training loop, following TRL's {@code GRPOTrainer}
 * (huggingface/trl @ f2cd57710ae345ea6428ae95363267fcf38a3dc8). Every μ = num_iterations steps,
 * {@link #prepare} runs a generation round:
 * <ol>
 *   <li>problems {@code r·P … r·P + P − 1} of the task's stream {@code seed} (round r, P prompts per round);</li>
 *   <li>G completions per prompt from the policy ({@link Generator}: temperature, top-k, top-p, the
 *       task's stop character, at most max_completion_length tokens); completion j of round r draws
 *       from the sampling stream of sequence id {@code r·B + j}, so rounds never share draws;</li>
 *   <li>rewards from the task's verifier, group advantages ({@link GroupAdvantages});</li>
 *   <li>the completion mask (optionally without truncated completions, {@link TokenMasks#maskTruncated}),
 *       the reference policy's log-probabilities when β ≠ 0, and, when μ &gt; 1, the rollout policy's
 *       ("old") log-probabilities.</li>
 * </ol>
 * Each step then runs one forward of the policy over prompt + completion with the tape, divides the
 * logits by the sampling temperature (as TRL does, for the policy, old and reference alike), reads the
 * per-token log-probabilities ({@link SequenceLogProbs#ofLogits}) and entropies from it, optionally
 * keeps the policy term on the high-entropy tokens only ({@link TokenMasks#highEntropy}), and
 * back-propagates {@link PolicyLoss}. With μ = 1 the old log-probabilities are the step's own, detached
 * (as TRL does), so the ratio is exactly 1 and nothing is clipped. The reference is a frozen copy of
 * the policy taken at construction ({@link #frozenCopy}); it is needed only when β ≠ 0.
 *
 * <p>{@link GrpoVariants} adds named modifications (ReDit, QAE, DAPO's dynamic sampling and
 * overlong punishment, CPPO's pruning, the unlikeliness reward and LENS from the sampler's log-probabilities,
 * DCPO's smooth advantage standardisation; loss types PACS and GTPO get their labels and token weights here); with dynamic sampling, generation batch j of round r is
 * batch {@code r·M + j} (M = max_generation_batches) of the problem and sampling streams, so a round
 * is still a function of (seed, round). A verifier that throws or returns NaN/∞ scores 0 and is
 * counted ({@link #rewardFailures}, {@code reward_failures} in the metrics) instead of stopping the run.
 *
 * <p>Completions are scored from position 1 on (a prompt is at least one character), the batch is
 * padded to its longest prompt + completion with token 0 (masked), and prompt + completion must fit
 * in block_size. The model's dropout mode is left as the caller set it (TRL's default disables
 * dropout; build the policy with dropout 0 for exact ratios).
 */
public final class GrpoObjective<P> implements Objective {
    private final Gpt policy;
    private final Gpt reference;
    private final RlTask<P> task;
    private final GrpoSettings settings;
    private final CharTokenizer tokenizer;
    private final int stopToken;
    private final GrpoVariants variants;
    private final PpoCritic critic;
    /** DCPO's per-prompt reward history; null unless smooth_advantages. */
    private final DcpoAdvantages smoothAdvantages;
    private Rollout rollout;
    private GrpoMetrics last;
    private long rewardFailures;
    /** Wall time spent so far in the rollout's phases (for the step-time breakdown, {@link #rolloutTimes}). */
    private long samplingNanos, scoringNanos, referenceNanos, rolloutNanos;

    /** One generation round: the padded batch and what the loss needs from it. */
    private record Rollout(long round, int[] tokens, int length, PolicyBatch batch, float[] oldLogprobs, double rewardMean,
                           double rewardStd, double fracZeroStd, double completionLength, double truncatedRate, PpoCritic.Targets targets) {}

    /**
     * @param reference a frozen copy of the policy ({@link #frozenCopy}); may be null when β = 0
     */
    public GrpoObjective(Gpt policy, Gpt reference, RlTask<P> task, GrpoSettings settings) {
        this(policy, reference, task, settings, GrpoVariants.NONE);
    }

    /** GRPO with the modifications {@code variants} ({@link GrpoVariants}; NONE: plain GRPO). */
    public GrpoObjective(Gpt policy, Gpt reference, RlTask<P> task, GrpoSettings settings, GrpoVariants variants) {
        this(policy, reference, task, settings, variants, null);
    }

    /**
     * PPO when {@code critic} is not null: the advantages are the critic's per-token GAE advantages
     * ({@link PpoCritic}) instead of the group's, and every step also takes one critic step.
     */
    public GrpoObjective(Gpt policy, Gpt reference, RlTask<P> task, GrpoSettings settings, GrpoVariants variants, PpoCritic critic) {
        if (critic != null && (variants.pruningRate() > 0 || !Double.isNaN(variants.baselineQuantile()))) {
            throw new IllegalArgumentException("pruning_rate and baseline_quantile act on group advantages; PPO's advantages come from the critic");
        }
        PolicyLossType type = settings.loss().type();
        if ((type == PolicyLossType.PACS || type == PolicyLossType.GTPO) && (critic != null || variants.pruningRate() > 0)) {
            throw new IllegalArgumentException("loss type " + type.key() + " needs whole groups of group advantages: no PPO critic, pruning_rate 0");
        }
        if (variants.smoothAdvantages() && (critic != null || settings.scaleRewards() == RewardScaling.BATCH)) {
            throw new IllegalArgumentException("smooth_advantages standardises per prompt: no PPO critic, scale_rewards group or none");
        }
        this.smoothAdvantages = variants.smoothAdvantages() ? new DcpoAdvantages(settings.scaleRewards() != RewardScaling.NONE) : null;
        this.critic = critic;
        this.variants = variants;
        this.policy = policy;
        this.reference = reference;
        this.task = task;
        this.settings = settings;
        if (settings.loss().beta() != 0 && reference == null) throw new IllegalArgumentException("beta = " + settings.loss().beta() + " needs a reference policy");
        this.tokenizer = new CharTokenizer(task.alphabet().toCharArray());
        if (tokenizer.vocabSize() != policy.config().vocabSize()) {
            throw new IllegalArgumentException("task " + task.name() + " has " + tokenizer.vocabSize() + " characters but the policy's vocab_size is "
                    + policy.config().vocabSize());
        }
        int stop = task.alphabet().indexOf(task.stop());
        if (stop < 0) throw new IllegalArgumentException("task " + task.name() + "'s stop character is not in its alphabet");
        this.stopToken = stop;
    }

    /** A frozen copy of {@code model}: same configuration and values, no gradient storage. */
    public static Gpt frozenCopy(Gpt model) {
        Gpt copy = new Gpt(model.config(), 0);
        copy.requiresGrad(false);
        var values = model.parameters();
        var target = copy.parameters();
        for (Parameter p : values.all()) {
            Tensor from = p.value();
            Tensor to = target.get(p.name()).value();
            System.arraycopy(from.data(), from.offset(), to.data(), to.offset(), from.size());
        }
        return copy;
    }

    /** The metrics of the last step whose loss was evaluated with a gradient. */
    public GrpoMetrics lastMetrics() { return last; }

    @Override
    public void prepare(long step) {
        policy.beginStep(step);
        long round = step / settings.numIterations();
        if (rollout == null || rollout.round() != round) rollout = generate(round);
    }

    /** One generation batch: P prompts × G scored completions. */
    private record Samples<Q>(List<Q> problems, Generation gen, double[] rewards, boolean[] truncated) {
        boolean groupAgrees(int p, int g) {
            for (int j = 1; j < g; j++) if (rewards[p * g + j] != rewards[p * g]) return false;
            return true;
        }
    }

    /**
     * Generation batch {@code n}: problems {@code n·P … n·P + P − 1}, completion j drawing from the
     * sampling stream of sequence id {@code n·B + j}. Without dynamic sampling batch n is round n.
     */
    private Samples<P> sample(long n) {
        int prompts = settings.promptsPerStep();
        int g = settings.numGenerations();
        int bsz = settings.batch();
        List<P> problems = new ArrayList<>();
        int[][] inputs = new int[bsz][];
        long[] ids = new long[bsz];
        for (int i = 0; i < prompts; i++) {
            P problem = task.problem(settings.seed(), n * prompts + i);
            problems.add(problem);
            int[] prompt = tokenizer.encode(task.prompt(problem));
            if (prompt.length == 0) throw new IllegalArgumentException("task " + task.name() + " gave an empty prompt");
            if (prompt.length + settings.maxCompletionLength() > policy.config().blockSize()) {
                throw new IllegalArgumentException("prompt (" + prompt.length + " characters) + max_completion_length (" + settings.maxCompletionLength()
                        + ") exceeds block_size " + policy.config().blockSize());
            }
            for (int j = 0; j < g; j++) {
                inputs[i * g + j] = prompt.clone();
                ids[i * g + j] = n * bsz + i * g + j;
            }
        }
        GenerationConfig cfg = new GenerationConfig(settings.maxCompletionLength(), settings.temperature(), settings.topK(), settings.topP(),
                stopToken, settings.seed(), GenerationConfig.BlockLimit.STOP);
        long t0 = System.nanoTime();
        Generation gen = new Generator(policy).generate(inputs, ids, cfg);
        long t1 = System.nanoTime();
        samplingNanos += t1 - t0;
        double[] rewards = new double[bsz];
        boolean[] truncated = new boolean[bsz];
        for (int b = 0; b < bsz; b++) {
            int[] completion = gen.completion(b);
            truncated[b] = gen.finish()[b] != Generation.Finish.STOP_TOKEN;
            int textLength = truncated[b] ? completion.length : completion.length - 1;
            String text = tokenizer.decode(java.util.Arrays.copyOf(completion, textLength));
            rewards[b] = verifierReward(problems.get(b / g), text);
            if (variants.overlongBuffer() > 0) {
                rewards[b] += OverlongPenalty.of(completion.length, settings.maxCompletionLength(), variants.overlongBuffer(), variants.overlongFactor());
            }
        }
        scoringNanos += System.nanoTime() - t1;
        return new Samples<>(problems, gen, rewards, truncated);
    }

    /** The task's reward; a verifier that throws or returns a value that is not finite gives 0 and is counted. */
    private double verifierReward(P problem, String text) {
        double r;
        try {
            r = task.reward(problem, text);
        } catch (RuntimeException e) {
            r = Double.NaN;
        }
        if (Double.isFinite(r)) return r;
        rewardFailures++;
        return 0.0;
    }

    private Rollout generate(long round) {
        long start = System.nanoTime();
        try {
            return rollout(round);
        } finally {
            rolloutNanos += System.nanoTime() - start;
        }
    }

    private Rollout rollout(long round) {
        int prompts = settings.promptsPerStep();
        int g = settings.numGenerations();
        int batches = variants.batchesPerRound();
        // the groups trained on: (generation batch, group) pairs; dynamic sampling skips groups whose rewards all agree
        List<Samples<P>> from = new ArrayList<>();
        List<Integer> groupOf = new ArrayList<>();
        Samples<P> last = null;
        // the reward metrics are over every sampled completion (dynamic sampling's dropped groups included), as DAPO logs them
        List<Double> sampled = new ArrayList<>();
        for (int j = 0; j < batches && groupOf.size() < prompts; j++) {
            last = sample(round * batches + j);
            for (double r : last.rewards()) sampled.add(r);
            for (int p = 0; p < prompts && groupOf.size() < prompts; p++) {
                if (variants.dynamicSampling() && last.groupAgrees(p, g)) continue;
                from.add(last);
                groupOf.add(p);
            }
        }
        if (groupOf.isEmpty()) {
            for (int p = 0; p < prompts; p++) {
                from.add(last);
                groupOf.add(p);
            }
        }
        int collected = groupOf.size() * g;
        double[] rewards = new double[collected];
        boolean[] truncated = new boolean[collected];
        int[][] sequences = new int[collected][];
        int[] promptLengths = new int[collected];
        double lengths = 0;
        for (int q = 0; q < groupOf.size(); q++) {
            Samples<P> s = from.get(q);
            for (int j = 0; j < g; j++) {
                int src = groupOf.get(q) * g + j, dst = q * g + j;
                rewards[dst] = s.rewards()[src];
                truncated[dst] = s.truncated()[src];
                sequences[dst] = s.gen().sequences()[src];
                promptLengths[dst] = s.gen().promptLengths()[src];
                lengths += sequences[dst].length - promptLengths[dst];
            }
        }
        double[] ranked = rewards;
        if (variants.rankPenalty() > 0 || variants.lensPenalty() > 0) {
            double[] meanLogprob = new double[collected];
            for (int q = 0; q < groupOf.size(); q++) {
                for (int j = 0; j < g; j++) {
                    float[] lp = from.get(q).gen().logProbs()[groupOf.get(q) * g + j];
                    double sum = 0;
                    for (float x : lp) sum += x;
                    meanLogprob[q * g + j] = lp.length == 0 ? 0 : sum / lp.length;
                }
            }
            if (variants.rankPenalty() > 0) ranked = UnlikelinessReward.apply(ranked, meanLogprob, g, variants.rankPenalty());
            if (variants.lensPenalty() > 0) ranked = Lens.apply(ranked, meanLogprob, variants.lensPenalty());
        }
        double[] shaped = variants.dither().apply(ranked, variants.ditherScale(), settings.seed(), round * settings.batch());
        GroupAdvantages.Result adv = Double.isNaN(variants.baselineQuantile())
                ? GroupAdvantages.of(shaped, g, settings.scaleRewards())
                : QuantileAdvantages.of(shaped, g, variants.baselineQuantile(), settings.scaleRewards());
        if (smoothAdvantages != null) {
            String[] promptTexts = new String[groupOf.size()];
            for (int q = 0; q < promptTexts.length; q++) promptTexts[q] = task.prompt(from.get(q).problems().get(groupOf.get(q)));
            adv = new GroupAdvantages.Result(smoothAdvantages.advantages(shaped, g, promptTexts), adv.std(), adv.fracZeroStd());
        }
        int[] kept = critic == null && variants.pruningRate() > 0 ? CompletionPruning.kept(adv.advantages(), variants.pruningRate()) : identity(collected);
        int bsz = kept.length;
        int length = 0;
        for (int b : kept) length = Math.max(length, sequences[b].length);
        int[] tokens = new int[bsz * length];
        float[] mask = new float[bsz * length];
        float[] advantages = new float[bsz];
        boolean[] keptTruncated = new boolean[bsz];
        for (int k = 0; k < bsz; k++) {
            int b = kept[k];
            System.arraycopy(sequences[b], 0, tokens, k * length, sequences[b].length);
            for (int t = promptLengths[b]; t < sequences[b].length; t++) mask[k * length + t] = 1f;
            advantages[k] = adv.advantages()[b];
            keptTruncated[k] = truncated[b];
        }
        if (settings.maskTruncated()) mask = TokenMasks.maskTruncated(mask, keptTruncated, length);
        PpoCritic.Targets targets = null;
        if (critic != null) {
            targets = critic.targets(tokens, mask, shaped, bsz, length);
            advantages = targets.advantages();
        }
        long refStart = System.nanoTime();
        float[] ref = reference == null ? null : logprobsWithoutTape(reference, tokens, mask, bsz, length);
        referenceNanos += System.nanoTime() - refStart;
        float[] old = settings.numIterations() > 1 ? logprobsWithoutTape(policy, tokens, mask, bsz, length) : null;
        // with mu = 1 the old log-probabilities are filled in by each step (detached); a placeholder keeps the batch valid
        PolicyBatch batch = new PolicyBatch(bsz, length, old == null ? new float[bsz * length] : old, ref, mask, advantages, null);
        if (settings.loss().type() == PolicyLossType.PACS) {
            float[] labels = new float[bsz];
            for (int k = 0; k < bsz; k++) labels[k] = (float) rewards[kept[k]];
            batch = batch.withRewards(labels);
        }
        if (settings.loss().type() == PolicyLossType.GTPO) {
            batch = batch.withGtpo(advantages, Gtpo.tokenWeights(tokens, mask, advantages, bsz, length, g, variants.gtpoConflictWeight()));
        }
        double[] all = sampled.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = GroupAdvantages.mean(all, 0, all.length);
        int truncatedCount = 0;
        for (boolean t : truncated) if (t) truncatedCount++;
        return new Rollout(round, tokens, length, batch, old, mean, GroupAdvantages.unbiasedStd(all, 0, all.length, mean), adv.fracZeroStd(),
                lengths / collected, (double) truncatedCount / collected, targets);
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }

    /** The PPO critic; null for GRPO. */
    public PpoCritic critic() { return critic; }

    /** Verifier calls so far that threw or returned a value that is not finite (each scored 0). */
    public long rewardFailures() { return rewardFailures; }

    /**
     * Seconds spent so far in generation rounds: sampling (the generator), scoring (the verifiers),
     * the reference policy's log-probabilities, and the whole rounds (these three plus advantages,
     * the rollout policy's log-probabilities when μ &gt; 1 and the critic's values for PPO).
     */
    public record RolloutTimes(double sampling, double scoring, double reference, double rollout) {}

    /** The cumulative {@link RolloutTimes} of this objective (a step's share is the difference around it). */
    public RolloutTimes rolloutTimes() {
        return new RolloutTimes(samplingNanos * 1e-9, scoringNanos * 1e-9, referenceNanos * 1e-9, rolloutNanos * 1e-9);
    }

    /** Continues the count of {@link #rewardFailures} from a checkpoint, so a resumed run logs what the uninterrupted one logs. */
    public void resumeRewardFailures(long count) { rewardFailures = count; }

    /** DCPO's per-prompt reward history (for checkpoints), or null unless smooth_advantages. */
    public DcpoAdvantages smoothAdvantages() { return smoothAdvantages; }

    @Override
    public double lossAndGradient() {
        Rollout r = current();
        PolicyBatch b = r.batch();
        int bsz = b.batch(), t = r.length();
        Variable logits = scaledLogits(policy, r.tokens(), bsz, t);
        Variable logprobs = SequenceLogProbs.ofLogits(logits, r.tokens(), b.mask(), bsz, t);
        Tensor lp = logprobs.value();
        // a diverged policy: the loss is not finite, and the training loop stops before any update
        if (!dev.descent.tensor.Reductions.allFinite(lp.data(), lp.offset(), lp.size())) return Double.NaN;
        float[] entropies = tokenEntropies(logits.value(), b.mask(), bsz, t);
        float[] old = r.oldLogprobs() != null ? r.oldLogprobs() : logprobs.value().data().clone();
        float[] policyMask = settings.topEntropyQuantile() < 1 ? TokenMasks.highEntropy(entropies, b.mask(), settings.topEntropyQuantile()) : null;
        PolicyBatch in = stepBatch(b, old, policyMask, entropies);
        Variable loss = PolicyLoss.apply(settings.loss(), in, logprobs);
        PolicyLoss.Result stats = PolicyLoss.evaluate(settings.loss(), in, logprobs.value().data().clone());
        float value = loss.item();
        if (Float.isFinite(value)) loss.backward();
        if (critic != null) critic.step(r.tokens(), b.mask(), bsz, t, r.targets());
        double entropy = 0;
        for (int i = 0; i < entropies.length; i++) entropy += b.mask()[i] * entropies[i];
        entropy /= Math.max(1, b.maskSum());
        double sq = 0;
        for (float gr : policy.parameters().grads()) sq += (double) gr * gr;
        last = new GrpoMetrics(value, r.rewardMean(), r.rewardStd(), r.fracZeroStd(), stats.clip(), stats.kl(), entropy, Math.sqrt(sq),
                r.completionLength(), r.truncatedRate());
        return value;
    }

    /** The loss at the current parameters on the current round, without a tape (for loss-only optimizers). */
    @Override
    public double loss() {
        Rollout r = current();
        PolicyBatch b = r.batch();
        float[] lp, entropies = null;
        try (NoGrad ignored = NoGrad.open()) {
            Variable logits = scaledLogits(policy, r.tokens(), b.batch(), r.length());
            lp = SequenceLogProbs.ofLogits(logits, r.tokens(), b.mask(), b.batch(), r.length()).value().data().clone();
            if (settings.loss().type() == PolicyLossType.GTPO) entropies = tokenEntropies(logits.value(), b.mask(), b.batch(), r.length());
        }
        float[] old = r.oldLogprobs() != null ? r.oldLogprobs() : lp;
        return PolicyLoss.evaluate(settings.loss(), stepBatch(b, old, null, entropies), lp).loss();
    }

    /**
     * The loss's inputs at one step: the rollout's batch with this step's old log-probabilities and
     * policy mask, PACS's labels, and for GTPO the advantages shaped by this step's entropies ({@link Gtpo}).
     */
    private PolicyBatch stepBatch(PolicyBatch b, float[] old, float[] policyMask, float[] entropies) {
        PolicyBatch in = new PolicyBatch(b.batch(), b.length(), old, b.refLogprobs(), b.mask(), b.advantages(), policyMask, b.rewards(), b.tokenWeights());
        if (settings.loss().type() != PolicyLossType.GTPO) return in;
        double[] h = Gtpo.meanEntropies(entropies, b.mask(), b.batch(), b.length());
        return in.withGtpo(Gtpo.shapeAdvantages(b.advantages(), h, variants.gtpoEntropyThreshold(), variants.gtpoEntropyScale()), b.tokenWeights());
    }

    /**
     * The model's logits divided by the sampling temperature, as TRL's
     * {@code _get_per_token_logps_and_entropies} does before its log-softmax: the policy, old and
     * reference log-probabilities and the entropies are all of the tempered distributions.
     */
    private Variable scaledLogits(Gpt model, int[] tokens, int bsz, int t) {
        Variable logits = model.forward(tokens, bsz, t);
        float temperature = settings.temperature();
        return temperature == 1f ? logits : dev.descent.autograd.F.scale(logits, 1f / temperature);
    }

    /** The same log-probabilities without a tape (rollout, reference, loss-only evaluation). */
    private float[] logprobsWithoutTape(Gpt model, int[] tokens, float[] mask, int bsz, int t) {
        try (NoGrad ignored = NoGrad.open()) {
            return SequenceLogProbs.ofLogits(scaledLogits(model, tokens, bsz, t), tokens, mask, bsz, t).value().data().clone();
        }
    }

    /** Entropy of the distribution that predicted each scored token (row t − 1 for token t), 0 elsewhere. */
    private static float[] tokenEntropies(Tensor logits, float[] mask, int bsz, int t) {
        int v = logits.dim(1);
        float[] all = TokenMasks.entropies(java.util.Arrays.copyOfRange(logits.data(), logits.offset(), logits.offset() + logits.size()), bsz * t, v);
        float[] out = new float[bsz * t];
        for (int i = 0; i < out.length; i++) if (mask[i] != 0f && i % t != 0) out[i] = all[i - 1];
        return out;
    }

    private Rollout current() {
        if (rollout == null) throw new IllegalStateException("no rollout: call prepare(step) before evaluating the objective");
        return rollout;
    }
}
