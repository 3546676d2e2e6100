package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.autograd.NoGrad;
import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Label-word classification ({@link LabelWordClassifier}): scores, argmax, evaluation and the fine-tuning lines. */
class LabelWordClassifierTest {
    private static final CharTokenizer TOK = new CharTokenizer("abcdxy:");

    /**
     * A bigram model written by hand: p(next | prev) = 1/2 for the "preferred" successor of prev and 1/12 for each of
     * the other six characters. Preferred: a→b, b→c, c→c, d→x, x→y, y→:, :→d.
     */
    private static final String PREFERRED = "abcdxy:";
    private static final String SUCCESSOR = "bccxy:d";

    private static LabelWordClassifier.LogProbs bigram(List<int[]> calls) {
        return (tokens, mask, batch, t) -> {
            calls.add(new int[] {batch, t});
            float[] out = new float[batch * t];
            for (int i = 0; i < out.length; i++) {
                if (mask[i] == 0f || i % t == 0) continue;
                char prev = TOK.decode(new int[] {tokens[i - 1]}).charAt(0);
                char next = TOK.decode(new int[] {tokens[i]}).charAt(0);
                out[i] = (float) Math.log(SUCCESSOR.charAt(PREFERRED.indexOf(prev)) == next ? 0.5 : 1.0 / 12);
            }
            return out;
        };
    }

    /**
     * Prompt "ab:" with labels "dx" and "c" and "ddd". By hand: log p("dx" | "ab:") = log p(d|:) + log p(x|d) = 2 log ½;
     * log p("c" | "ab:") = log p(c|:) = log 1/12; log p("ddd" | …) = log ½ + 2 log 1/12. The first wins; on "ab" (no
     * colon) "c" wins: log p(c|b) = log ½ against log p(d|b) + log p(x|d) = log 1/12 + log ½.
     */
    @Test
    void scoresAreTheLabelLogLikelihoodsAndThePredictionTheirArgmax() {
        LabelWordClassifier c = new LabelWordClassifier(TOK, List.of("dx", "c", "ddd"));
        List<int[]> calls = new java.util.ArrayList<>();
        double half = Math.log(0.5);
        double twelfth = Math.log(1.0 / 12);
        assertArrayEquals(new double[] {2 * half, twelfth, half + 2 * twelfth}, c.scores(bigram(calls), "ab:"), 1e-6);
        assertEquals(0, c.predict(bigram(calls), "ab:"));
        assertArrayEquals(new double[] {twelfth + half, half, 3 * twelfth}, c.scores(bigram(calls), "ab"), 1e-6);
        assertEquals(1, c.predict(bigram(calls), "ab"));
        assertArrayEquals(new int[] {3, 6}, calls.get(0), "one row per label, padded to prompt + longest label");
        LabelWordClassifier.Evaluation e = c.evaluate(bigram(calls), List.of("ab:", "ab", "ab"), new int[] {0, 1, 2});
        assertEquals(2.0 / 3, e.accuracy(), 1e-12);
        // NLL of the true labels per token: (2·log 2 + log 2 + 3·log 12) / (2 + 1 + 3)
        assertEquals((3 * Math.log(2) + 3 * Math.log(12)) / 6, e.labelLoss(), 1e-6);
    }

    @Test
    void tiesGoToTheLowestClassAndBadInputIsRefused() {
        assertEquals(1, LabelWordClassifier.argmax(new double[] {-3, -1, -1, -2}));
        assertThrows(IllegalArgumentException.class, () -> new LabelWordClassifier(TOK, List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> new LabelWordClassifier(TOK, List.of("a", "")));
        LabelWordClassifier c = new LabelWordClassifier(TOK, List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> c.evaluate(bigram(new java.util.ArrayList<>()), List.of("ab"), new int[] {0, 1}));
    }

    /**
     * On a random GPT: each score equals the sum of log-softmax values read off a separate full forward of the one
     * sequence (double precision log-sum-exp here), and the evaluation's label NLL equals {@link SftObjective#evaluate}
     * on {@link LabelWordClassifier#lines} (both are the mean cross-entropy over the true labels' tokens).
     */
    @Test
    void onAGptTheScoresMatchAnIndependentForwardAndTheFineTuningLoss() {
        Gpt model = new Gpt(new GptConfig(TOK.vocabSize(), 16, 1, 2, 16, 0f, false), 3);
        List<String> labels = List.of("dx", "c", "yyy");
        LabelWordClassifier c = new LabelWordClassifier(TOK, labels);
        List<String> prompts = List.of("ab:", "xya:", "c");
        int[] truth = {2, 0, 1};
        double[][] s = c.scores(LabelWordClassifier.of(model), prompts);
        int v = TOK.vocabSize();
        for (int e = 0; e < prompts.size(); e++) {
            for (int k = 0; k < labels.size(); k++) {
                int[] seq = TOK.encode(prompts.get(e) + labels.get(k));
                float[] logits;
                try (NoGrad ignored = NoGrad.open()) {
                    logits = model.forward(seq, 1, seq.length).value().toArray();
                }
                double want = 0;
                for (int i = prompts.get(e).length(); i < seq.length; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < v; j++) max = Math.max(max, logits[(i - 1) * v + j]);
                    double z = 0;
                    for (int j = 0; j < v; j++) z += Math.exp(logits[(i - 1) * v + j] - max);
                    want += logits[(i - 1) * v + seq[i]] - max - Math.log(z);
                }
                assertEquals(want, s[e][k], 1e-4, "prompt " + e + ", label " + k);
            }
        }
        LabelWordClassifier.Lines l = c.lines(prompts, truth);
        assertArrayEquals(TOK.encode("ab:yyy"), l.lines()[0]);
        assertArrayEquals(new int[] {3, 4, 1}, l.promptLengths());
        assertEquals(SftObjective.evaluate(model, l.lines(), l.promptLengths()), c.evaluate(LabelWordClassifier.of(model), prompts, truth).labelLoss(), 1e-5);
    }

    /**
     * Channel scoring with the bigram model: score_c(x) = log p(x | header c). Input "cc" after header "ab": log p(c|b) +
     * log p(c|c) = 2 log ½; after "y:": log p(c|:) + log p(c|c) = log 1/12 + log ½. Header "ab" wins; its training line
     * is "ab" + "cc" with the header's 2 tokens unscored, and the NLL per token is over the input's tokens.
     */
    @Test
    void channelScoresAreTheInputLogLikelihoodsGivenEachHeader() {
        LabelWordClassifier c = new LabelWordClassifier(TOK, List.of("ab", "y:"), LabelWordClassifier.Scoring.CHANNEL);
        List<int[]> calls = new java.util.ArrayList<>();
        double half = Math.log(0.5);
        double twelfth = Math.log(1.0 / 12);
        assertArrayEquals(new double[] {2 * half, twelfth + half}, c.scores(bigram(calls), "cc"), 1e-6);
        assertEquals(0, c.predict(bigram(calls), "cc"));
        // "d" after "ab": log p(d|b) = log 1/12; after "y:": log p(d|:) = log ½
        assertEquals(1, c.predict(bigram(calls), "d"));
        LabelWordClassifier.Evaluation e = c.evaluate(bigram(calls), List.of("cc", "d"), new int[] {0, 0});
        assertEquals(0.5, e.accuracy(), 1e-12);
        assertEquals((2 * Math.log(2) + Math.log(12)) / 3, e.labelLoss(), 1e-6);
        LabelWordClassifier.Lines l = c.lines(List.of("cc", "d"), new int[] {0, 1});
        assertArrayEquals(TOK.encode("abcc"), l.lines()[0]);
        assertArrayEquals(TOK.encode("y:d"), l.lines()[1]);
        assertArrayEquals(new int[] {2, 2}, l.promptLengths());
        assertEquals(LabelWordClassifier.Scoring.CHANNEL, LabelWordClassifier.Scoring.parse("channel"));
        assertEquals(LabelWordClassifier.Scoring.DIRECT, LabelWordClassifier.Scoring.parse("direct"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> LabelWordClassifier.Scoring.parse("noisy"));
        assertEquals("scoring: unknown value 'noisy'; valid: direct, channel", bad.getMessage());
    }

    /**
     * On a random GPT, channel scores equal the sum of log-softmax values of the input's characters read off a separate
     * plain forward of the one sequence "header + input" (double-precision log-sum-exp here), are deterministic (a
     * second call and a second identical model give the same bits), and the evaluation's NLL per token equals
     * {@link SftObjective#evaluate} on the channel lines (the input's cross-entropy given the true header).
     */
    @Test
    void onAGptTheChannelScoresMatchAnIndependentForwardAndAreDeterministic() {
        Gpt model = new Gpt(new GptConfig(TOK.vocabSize(), 16, 1, 2, 16, 0f, false), 5);
        List<String> headers = List.of("ab:", "y", "dxc:");
        LabelWordClassifier c = new LabelWordClassifier(TOK, headers, LabelWordClassifier.Scoring.CHANNEL);
        List<String> inputs = List.of("cxd", "abcdxy", "c");
        int[] truth = {1, 2, 0};
        double[][] s = c.scores(LabelWordClassifier.of(model), inputs);
        int v = TOK.vocabSize();
        for (int e = 0; e < inputs.size(); e++) {
            for (int k = 0; k < headers.size(); k++) {
                int[] seq = TOK.encode(headers.get(k) + inputs.get(e));
                float[] logits;
                try (NoGrad ignored = NoGrad.open()) {
                    logits = model.forward(seq, 1, seq.length).value().toArray();
                }
                double want = 0;
                for (int i = headers.get(k).length(); i < seq.length; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < v; j++) max = Math.max(max, logits[(i - 1) * v + j]);
                    double z = 0;
                    for (int j = 0; j < v; j++) z += Math.exp(logits[(i - 1) * v + j] - max);
                    want += logits[(i - 1) * v + seq[i]] - max - Math.log(z);
                }
                assertEquals(want, s[e][k], 1e-4, "input " + e + ", header " + k);
            }
        }
        assertArrayEquals(s, c.scores(LabelWordClassifier.of(model), inputs), "a second call");
        Gpt twin = new Gpt(new GptConfig(TOK.vocabSize(), 16, 1, 2, 16, 0f, false), 5);
        assertArrayEquals(s, c.scores(LabelWordClassifier.of(twin), inputs), "an identical model");
        LabelWordClassifier.Lines l = c.lines(inputs, truth);
        assertArrayEquals(TOK.encode("ycxd"), l.lines()[0]);
        assertArrayEquals(new int[] {1, 4, 3}, l.promptLengths());
        assertEquals(SftObjective.evaluate(model, l.lines(), l.promptLengths()), c.evaluate(LabelWordClassifier.of(model), inputs, truth).labelLoss(), 1e-5);
    }
}
