package dev.descent.rl;

import dev.descent.nn.Generation;
import dev.descent.nn.GenerationConfig;
import dev.descent.nn.Generator;
import dev.descent.nn.Gpt;
import dev.descent.optim.AdamW;
import dev.descent.optim.Optimizer;
import dev.descent.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * BOLT, Boltzmann-targeted supervised fine-tuning ({@code specs/12d_bolt.md}), as a recipe on the one
 * training loop:
 * <ol>
 *   <li>{@link #sample}: N completions of every prompt from the sampling policy (the frozen reference
 *       in round 0), temperature 1, no filters, the task's stop token, at most
 *       {@code max_new_tokens}; scored by the task's verifier and stored with their sequence
 *       log-probabilities;</li>
 *   <li>{@link #weights}: BOLT's prompt-normalised Boltzmann weights w_i = exp(r_i/β)/Ẑ(x)
 *       ({@link BoltzmannWeights}); for comparison rejection-sampling fine-tuning (w_i = 1 when
 *       r_i ≥ 1, the full reward of every task here, else 0) and GRPO-style group advantages as
 *       weights (w_i = (r_i − mean)/(σ + 10⁻⁴), {@link GroupAdvantages}, which is REINFORCE on the
 *       stored samples at ratio 1: no clipping, no fresh samples);</li>
 *   <li>{@link #fit}: weighted SFT ({@link WeightedSftObjective}, token-summed by default) for a
 *       number of epochs over the stored samples, a fresh AdamW for every fit (constant learning
 *       rate, no weight decay; a choice: the spec leaves the optimizer open), gradient clipping at 1;</li>
 *   <li>{@link #run}: {@code rounds} of 1–3. Round 0 is the one-shot projection; each further round
 *       samples from the <em>current</em> policy π_k and fits π_{k+1} from it, the refreshed
 *       projection whose exact step is π_{k+1} ∝ π_k exp(r/β), KL policy mirror descent. After R
 *       rounds at β the exact iterate is π_ref exp(R·r/β)/Z: to aim R rounds at the target of β,
 *       run each at R·β (a choice of this recipe, stated where it is used).</li>
 * </ol>
 * Per round and prompt it records the diagnostics of the spec: the effective sample size of the
 * Boltzmann weights (Σw)²/Σw² and the stored-support mass π*(S_N|x) (with its price β·log 1/π*(S_N|x),
 * both with the plug-in Ẑ, a biased estimate), whatever weighting is fitted.
 */
public final class Bolt {
    private Bolt() {}

    /** What each stored sample is weighted by. */
    public enum Weighting {
        BOLTZMANN, RFT, ADVANTAGE;

        public static Weighting byName(String name) {
            for (Weighting w : values()) if (w.name().equalsIgnoreCase(name)) return w;
            throw new IllegalArgumentException("weighting must be one of boltzmann, rft, advantage, got '" + name + "'");
        }

        @Override
        public String toString() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * The recipe's settings.
     *
     * @param samplesPerPrompt N, completions stored per prompt and round
     * @param maxNewTokens     the longest completion sampled (stop token included)
     * @param beta             β of each round's weights
     * @param weighting        which weights are fitted
     * @param epochs           passes over each round's stored samples
     * @param rounds           1 = one-shot BOLT; more = refreshed projections
     * @param batch            samples per step
     * @param learningRate     AdamW's (β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay), constant
     * @param normalisation    token sum (BOLT's default) or per-sequence mean of the token losses
     * @param seed             sampling and order seed
     */
    public record Settings(int samplesPerPrompt, int maxNewTokens, double beta, Weighting weighting, int epochs, int rounds, int batch,
                           double learningRate, WeightedSft.Normalisation normalisation, long seed) {
        public Settings {
            if (samplesPerPrompt < 1) throw new IllegalArgumentException("samples_per_prompt must be >= 1, got " + samplesPerPrompt);
            if (maxNewTokens < 1) throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
            BoltzmannWeights.requireBeta(beta);
            if (weighting == null) throw new IllegalArgumentException("weighting must be one of boltzmann, rft, advantage, got null");
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
            if (normalisation == null) throw new IllegalArgumentException("normalisation must be TOKEN_SUM or SEQUENCE_MEAN, got null");
        }

        public Settings withBeta(double b) { return new Settings(samplesPerPrompt, maxNewTokens, b, weighting, epochs, rounds, batch, learningRate, normalisation, seed); }

        public Settings withWeighting(Weighting w) { return new Settings(samplesPerPrompt, maxNewTokens, beta, w, epochs, rounds, batch, learningRate, normalisation, seed); }

        public Settings withSchedule(int e, int r) { return new Settings(samplesPerPrompt, maxNewTokens, beta, weighting, e, r, batch, learningRate, normalisation, seed); }

        public Settings withSamples(int n) { return new Settings(n, maxNewTokens, beta, weighting, epochs, rounds, batch, learningRate, normalisation, seed); }

        public Settings withSeed(long s) { return new Settings(samplesPerPrompt, maxNewTokens, beta, weighting, epochs, rounds, batch, learningRate, normalisation, s); }
    }

    /**
     * The stored samples of one prompt.
     *
     * @param completions each completion's tokens (ending with the stop token when it stopped)
     * @param texts       each completion's text without the stop character (what the verifier read)
     * @param rewards     the verifier's rewards
     * @param logProbs    log π_sampler(y_i|x), sequence totals
     */
    public record Group<P>(P problem, int[] prompt, List<int[]> completions, List<String> texts, double[] rewards, double[] logProbs) {}

    /**
     * One round's numbers.
     *
     * @param reward      mean reward of the round's stored samples (the sampling policy's)
     * @param ess         per prompt, ESS of the Boltzmann weights at the round's β
     * @param storedMass  per prompt, π*(S_N|x) with the plug-in Ẑ
     * @param loss        the last step's weighted-SFT loss
     */
    public record Round(int round, double reward, double[] ess, double[] storedMass, double loss, int steps, double seconds) {
        public double meanEss() { return Arrays.stream(ess).average().orElse(Double.NaN); }

        public double meanStoredMass() { return Arrays.stream(storedMass).average().orElse(Double.NaN); }
    }

    /**
     * N completions of each problem from {@code policy}: sequence ids round·(P·N) + i·N + j of the
     * stream (seed, "generate"), so rounds and prompts never share draws.
     */
    public static <P> List<Group<P>> sample(Gpt policy, RlTask<P> task, List<P> problems, int n, int maxNewTokens, long seed, long round) {
        String alphabet = task.alphabet();
        int stop = alphabet.indexOf(task.stop());
        int count = problems.size() * n;
        int[][] prompts = new int[count][];
        long[] ids = new long[count];
        List<int[]> encoded = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            int[] prompt = encode(alphabet, task.prompt(problems.get(i)));
            encoded.add(prompt);
            for (int j = 0; j < n; j++) {
                prompts[i * n + j] = prompt;
                ids[i * n + j] = round * count + (long) i * n + j;
            }
        }
        GenerationConfig cfg = GenerationConfig.sampling(maxNewTokens).withStopToken(stop).withSeed(seed);
        Generation g = new Generator(policy).generate(prompts, ids, cfg);
        List<Group<P>> out = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            List<int[]> completions = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            double[] rewards = new double[n];
            double[] logProbs = new double[n];
            for (int j = 0; j < n; j++) {
                int b = i * n + j;
                int[] c = g.completion(b);
                completions.add(c);
                StringBuilder text = new StringBuilder();
                for (int tok : c) if (tok != stop) text.append(alphabet.charAt(tok));
                texts.add(text.toString());
                rewards[j] = task.reward(problems.get(i), text.toString());
                double lp = 0;
                for (float v : g.logProbs()[b]) lp += v;
                logProbs[j] = lp;
            }
            out.add(new Group<>(problems.get(i), encoded.get(i), completions, texts, rewards, logProbs));
        }
        return out;
    }

    static int[] encode(String alphabet, String text) {
        int[] t = new int[text.length()];
        for (int i = 0; i < t.length; i++) {
            t[i] = alphabet.indexOf(text.charAt(i));
            if (t[i] < 0) throw new IllegalArgumentException("character '" + text.charAt(i) + "' of \"" + text + "\" is not in the task's alphabet");
        }
        return t;
    }

    /** One prompt's sample weights under {@code weighting} (β is read by the Boltzmann weights only). */
    public static double[] weights(Weighting weighting, double[] rewards, double beta) {
        return switch (weighting) {
            case BOLTZMANN -> BoltzmannWeights.weights(rewards, beta);
            case RFT -> {
                double[] w = new double[rewards.length];
                for (int i = 0; i < w.length; i++) w[i] = rewards[i] >= 1 ? 1 : 0;
                yield w;
            }
            case ADVANTAGE -> {
                float[] a = GroupAdvantages.of(rewards, rewards.length, RewardScaling.GROUP).advantages();
                double[] w = new double[a.length];
                for (int i = 0; i < w.length; i++) w[i] = a[i];
                yield w;
            }
        };
    }

    /** The stored samples of {@code groups} with their weights. */
    public static <P> List<WeightedSftObjective.Sample> weighted(List<Group<P>> groups, Weighting weighting, double beta) {
        List<WeightedSftObjective.Sample> out = new ArrayList<>();
        for (Group<P> g : groups) {
            double[] w = weights(weighting, g.rewards(), beta);
            for (int j = 0; j < w.length; j++) out.add(new WeightedSftObjective.Sample(g.prompt(), g.completions().get(j), w[j]));
        }
        return out;
    }

    /** Fits {@code policy} to the samples for {@code epochs} passes; returns the last step's loss and the step count. */
    public static double[] fit(Gpt policy, List<WeightedSftObjective.Sample> samples, int epochs, int batch, double learningRate,
                               WeightedSft.Normalisation normalisation, long seed) {
        WeightedSftObjective objective = new WeightedSftObjective(policy, samples, batch, normalisation, seed);
        Optimizer opt = AdamW.optimizer(policy.parameters(), learningRate, 0.9, 0.999, 1e-8, 0.0, p -> false);
        int steps = objective.stepsFor(epochs);
        try {
            TrainingLoop.Outcome o = new TrainingLoop(opt, objective, policy.parameters().grads()).clip(1.0).run(0, steps);
            return new double[] {o.last().report().loss(), steps};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the recipe on {@code policy} (trained in place; it is the reference at the start). */
    public static <P> List<Round> run(Gpt policy, RlTask<P> task, List<P> problems, Settings s) {
        List<Round> rounds = new ArrayList<>();
        for (int k = 0; k < s.rounds(); k++) {
            long start = System.nanoTime();
            List<Group<P>> groups = sample(policy, task, problems, s.samplesPerPrompt(), s.maxNewTokens(), s.seed(), k);
            double[] ess = new double[groups.size()];
            double[] mass = new double[groups.size()];
            double reward = 0;
            for (int i = 0; i < groups.size(); i++) {
                Group<P> g = groups.get(i);
                ess[i] = BoltzmannWeights.effectiveSampleSize(BoltzmannWeights.weights(g.rewards(), s.beta()));
                mass[i] = Math.exp(-BoltzmannWeights.storedSupportPrice(g.texts(), g.logProbs(), g.rewards(), s.beta()) / s.beta());
                for (double r : g.rewards()) reward += r;
            }
            reward /= (double) groups.size() * s.samplesPerPrompt();
            double[] f = fit(policy, weighted(groups, s.weighting(), s.beta()), s.epochs(), s.batch(), s.learningRate(), s.normalisation(),
                    s.seed() * 1000 + k);
            rounds.add(new Round(k, reward, ess, mass, f[0], (int) f[1], (System.nanoTime() - start) / 1e9));
        }
        return rounds;
    }
}
