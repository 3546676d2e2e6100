package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.nn.Generation;
import dev.descent.nn.GenerationConfig;
import dev.descent.nn.Generator;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.tasks.Problem;
import dev.descent.tasks.Tasks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoltTest {
    /**
     * A hand-made causal model over tokens {0, 1, stop = 2}: the next-token probabilities depend on
     * the sum of the prefix (prompt included), p ∝ (1 + s mod 3, 2, 1 + (s mod 2)).
     */
    private static final AnswerEnumeration.NextTokenLogProbs HAND = (seqs, p) -> {
        double[][][] out = new double[seqs.length][seqs[0].length - p + 1][3];
        for (int b = 0; b < seqs.length; b++) {
            for (int t = 0; t <= seqs[b].length - p; t++) {
                int s = 0;
                for (int i = 0; i < p + t; i++) s += seqs[b][i];
                double[] q = {1 + s % 3, 2, 1 + s % 2};
                double z = q[0] + q[1] + q[2];
                for (int v = 0; v < 3; v++) out[b][t][v] = Math.log(q[v] / z);
            }
        }
        return out;
    };

    @Test
    void enumerationOfAHandMadeModelIsADistributionWithTheChainedProbabilities() {
        var d = AnswerEnumeration.enumerate(HAND, new int[] {1}, new int[] {0, 1}, 2, 2);
        assertEquals(1 + 2 + 4 + 8, d.size()); // stop alone, 1 or 2 chars + stop, 3 chars truncated
        assertEquals(1.0, AnswerEnumeration.totalMass(d.logProbs()), 1e-12);
        // Outcome "1, 0, stop" after prompt [1]: prefix sums 1, 2, 2 → q = (2, 2, 2), (3, 2, 1), (3, 2, 1):
        // p(1|s=1) = 2/6, p(0|s=2) = 3/6, p(stop|s=2) = 1/6.
        int found = -1;
        for (int i = 0; i < d.size(); i++) if (Arrays.equals(d.completions().get(i), new int[] {1, 0, 2})) found = i;
        assertTrue(found >= 0);
        assertEquals(Math.log(2.0 / 6 * 3.0 / 6 * 1.0 / 6), d.logProbs()[found], 1e-12);
    }

    @Test
    void boltzmannTargetSumsToOneAndItsKlToTheReferenceIsMeanRewardOverBetaMinusLogZ() {
        var d = AnswerEnumeration.enumerate(HAND, new int[] {0}, new int[] {0, 1}, 2, 2);
        double[] r = new double[d.size()];
        for (int i = 0; i < r.length; i++) r[i] = d.completions().get(i).length == 2 && d.completions().get(i)[0] == 1 ? 1 : 0; // "1" then stop
        double beta = 0.5;
        double[] target = AnswerEnumeration.boltzmann(d.logProbs(), r, beta);
        assertEquals(1.0, AnswerEnumeration.totalMass(target), 1e-12);
        assertEquals(0.0, AnswerEnumeration.kl(target, target), 0.0);
        double z = 0;
        for (int i = 0; i < r.length; i++) z += Math.exp(d.logProbs()[i] + r[i] / beta);
        // KL(π*‖π_ref) = E_π*[r]/β − log Z, an identity of the Boltzmann policy.
        assertEquals(AnswerEnumeration.expectation(target, r) / beta - Math.log(z), AnswerEnumeration.kl(target, d.logProbs()), 1e-12);
        assertTrue(AnswerEnumeration.kl(d.logProbs(), target) > 0);
    }

    private static Gpt smallGpt(int vocab, long seed) {
        return new Gpt(new GptConfig(vocab, 8, 1, 2, 16, 0f, false), seed);
    }

    @Test
    void gptEnumerationSumsToOneAndAgreesWithTheGeneratorsLogProbabilities() {
        Gpt model = smallGpt(4, 7);
        int[] prompt = {0, 1};
        var d = AnswerEnumeration.enumerate(AnswerEnumeration.of(model), prompt, new int[] {0, 1, 2}, 3, 2);
        assertEquals(1 + 3 + 9 + 27, d.size());
        assertEquals(1.0, AnswerEnumeration.totalMass(d.logProbs()), 1e-9);
        Generation g = new Generator(model).generate(Generator.repeat(prompt, 20), GenerationConfig.sampling(3).withStopToken(3).withSeed(5));
        for (int b = 0; b < g.batch(); b++) {
            int[] c = g.completion(b);
            double lp = 0;
            for (float v : g.logProbs()[b]) lp += v;
            int idx = -1;
            for (int i = 0; i < d.size(); i++) if (Arrays.equals(d.completions().get(i), c)) idx = i;
            assertTrue(idx >= 0, "sampled completion " + Arrays.toString(c) + " is an enumerated outcome");
            assertEquals(lp, d.logProbs()[idx], 1e-4);
        }
    }

    private static List<WeightedSftObjective.Sample> someSamples() {
        return List.of(new WeightedSftObjective.Sample(new int[] {0, 1}, new int[] {2, 3}, 1.7),
                new WeightedSftObjective.Sample(new int[] {1}, new int[] {0, 2, 3}, -0.6),
                new WeightedSftObjective.Sample(new int[] {2, 2, 0}, new int[] {3}, 0.25));
    }

    @Test
    void weightedSftLossIsMinusTheWeightedMeanOfSequenceLogLikelihoods() {
        Gpt model = smallGpt(4, 3);
        var samples = someSamples();
        var obj = new WeightedSftObjective(model, samples, 3, WeightedSft.Normalisation.TOKEN_SUM, 1);
        obj.layout(new int[] {0, 1, 2});
        double expected = 0;
        for (var s : samples) {
            var d = AnswerEnumeration.of(model);
            int[] seq = new int[s.prompt().length + s.completion().length - 1];
            System.arraycopy(s.prompt(), 0, seq, 0, s.prompt().length);
            System.arraycopy(s.completion(), 0, seq, s.prompt().length, s.completion().length - 1);
            double[][] rows = d.of(new int[][] {seq}, s.prompt().length)[0];
            double lp = 0;
            for (int t = 0; t < s.completion().length; t++) lp += rows[t][s.completion()[t]];
            expected -= s.weight() * lp / samples.size();
        }
        assertEquals(expected, obj.loss(), 1e-5);
    }

    @Test
    void weightedSftGradientMatchesCentralDifferences() {
        for (var norm : WeightedSft.Normalisation.values()) {
            Gpt model = smallGpt(4, 11);
            var obj = new WeightedSftObjective(model, someSamples(), 3, norm, 1);
            obj.layout(new int[] {0, 1, 2});
            var flat = model.parameters();
            flat.zeroGrad();
            obj.lossAndGradient();
            float[] g = flat.grads().clone();
            float[] x = flat.values();
            int checked = 0;
            for (int i = 0; i < x.length; i += 97) {
                float old = x[i];
                float h = 1e-2f;
                x[i] = old + h;
                double up = obj.loss();
                x[i] = old - h;
                double down = obj.loss();
                x[i] = old;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, g[i], 2e-3 + 2e-2 * Math.abs(fd), norm + " coordinate " + i);
                checked++;
            }
            assertTrue(checked > 10);
        }
    }

    private static final GeneratedTask TASK = new GeneratedTask(Tasks.create("addition", Map.of("digits", "1")));

    private static List<Problem> problems(int n) {
        List<Problem> p = new ArrayList<>();
        for (int i = 0; i < n; i++) p.add(TASK.problem(3, i));
        return p;
    }

    @Test
    void recipeWeightsAreBoltzmannWeightsRejectionIndicatorsAndGroupAdvantages() {
        Gpt model = smallGpt(TASK.alphabet().length(), 2);
        var groups = Bolt.sample(model, TASK, problems(4), 6, 3, 9, 0);
        // Make the rewards non-trivial: an untrained policy is rarely right.
        List<Bolt.Group<Problem>> rigged = new ArrayList<>();
        for (var g : groups) rigged.add(new Bolt.Group<>(g.problem(), g.prompt(), g.completions(), g.texts(), new double[] {1, 0, 0, 1, 0, 0}, g.logProbs()));
        double beta = 0.5;
        var bolt = Bolt.weighted(rigged, Bolt.Weighting.BOLTZMANN, beta);
        var rft = Bolt.weighted(rigged, Bolt.Weighting.RFT, beta);
        var adv = Bolt.weighted(rigged, Bolt.Weighting.ADVANTAGE, beta);
        double[] expectBolt = BoltzmannWeights.weights(new double[] {1, 0, 0, 1, 0, 0}, beta);
        float[] expectAdv = GroupAdvantages.of(new double[] {1, 0, 0, 1, 0, 0}, 6, RewardScaling.GROUP).advantages();
        for (int i = 0; i < bolt.size(); i++) {
            assertEquals(expectBolt[i % 6], bolt.get(i).weight(), 0.0);
            assertEquals(i % 6 == 0 || i % 6 == 3 ? 1.0 : 0.0, rft.get(i).weight(), 0.0);
            assertEquals(expectAdv[i % 6], adv.get(i).weight(), 0.0);
            assertArrayEquals(rigged.get(i / 6).completions().get(i % 6), bolt.get(i).completion());
        }
        // The stored rewards are the verifier's on the stored texts.
        for (var g : groups) for (int j = 0; j < 6; j++) assertEquals(TASK.reward(g.problem(), g.texts().get(j)), g.rewards()[j], 0.0);
    }

    @Test
    void recipeIsDeterministic() {
        var settings = new Bolt.Settings(4, 3, 0.5, Bolt.Weighting.BOLTZMANN, 2, 2, 8, 3e-3, WeightedSft.Normalisation.TOKEN_SUM, 4);
        float[][] params = new float[2][];
        List<List<Bolt.Round>> rounds = new ArrayList<>();
        for (int rep = 0; rep < 2; rep++) {
            Gpt model = smallGpt(TASK.alphabet().length(), 5);
            rounds.add(Bolt.run(model, TASK, problems(3), settings));
            params[rep] = model.parameters().values().clone();
        }
        assertArrayEquals(params[0], params[1]);
        for (int k = 0; k < 2; k++) {
            assertEquals(rounds.get(0).get(k).loss(), rounds.get(1).get(k).loss(), 0.0);
            assertArrayEquals(rounds.get(0).get(k).ess(), rounds.get(1).get(k).ess(), 0.0);
            assertArrayEquals(rounds.get(0).get(k).storedMass(), rounds.get(1).get(k).storedMass(), 0.0);
            for (double m : rounds.get(0).get(k).storedMass()) assertTrue(m > 0 && m <= 1 + 1e-9);
        }
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Bolt.Weighting.byName("dpo"));
        assertThrows(IllegalArgumentException.class, () -> new Bolt.Settings(0, 3, 0.5, Bolt.Weighting.RFT, 1, 1, 8, 1e-3, WeightedSft.Normalisation.TOKEN_SUM, 0));
        assertThrows(IllegalArgumentException.class, () -> AnswerEnumeration.enumerate(HAND, new int[] {0}, new int[] {0, 2}, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new WeightedSftObjective(smallGpt(4, 1), List.of(), 2, WeightedSft.Normalisation.TOKEN_SUM, 0));
    }
}
