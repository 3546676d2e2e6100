package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Per-token log-probabilities of completions: values, masking, padding, the tape-free variant, and the gradient. */
class SequenceLogProbsTest {
    static final int B = 2;
    static final int T = 9;

    static Gpt model() {
        Gpt g = new Gpt(new GptConfig(GeneratorTest.V, 12, 2, 2, 16, 0f, true), 31);
        GptTest.randomise(g, 32);
        g.train(false);
        return g;
    }

    /** Sequence 0: prompt 3 + completion 6; sequence 1: prompt 2 + completion 3, then 4 padding tokens. */
    static float[] mask() {
        float[] m = new float[B * T];
        for (int t = 3; t < 9; t++) m[t] = 1f;
        for (int t = 2; t < 5; t++) m[T + t] = 1f;
        return m;
    }

    @Test
    void valuesAreTheShiftedLogSoftmaxOfTheForward() {
        Gpt g = model();
        int[] tokens = GeneratorTest.tokens(40, B * T);
        float[] mask = mask();
        Variable lp = SequenceLogProbs.of(g, tokens, mask, B, T);
        assertTrue(lp.requiresGrad());
        assertEquals(2, lp.value().rank());
        Tensor ref;
        try (NoGrad ignored = NoGrad.open()) {
            ref = F.logSoftmax(g.forward(tokens, B, T)).value();
        }
        int v = GeneratorTest.V;
        for (int i = 0; i < B * T; i++) {
            double expected = mask[i] == 1f ? ref.get((i - 1) * v + tokens[i]) : 0;
            assertEquals(expected, lp.value().get(i), 2e-6, "position " + i);
        }
        float[] fast = SequenceLogProbs.inference(g, tokens, mask, B, T);
        for (int i = 0; i < B * T; i++) assertEquals(lp.value().get(i), fast[i], 1e-5f, "tape-free, position " + i);
        // padding after the completion does not change it
        int[] repadded = tokens.clone();
        for (int t = 5; t < T; t++) repadded[T + t] = (repadded[T + t] + 1) % v;
        float[] again = SequenceLogProbs.of(g, repadded, mask, B, T).value().toArray();
        for (int i = 0; i < B * T; i++) assertEquals(lp.value().get(i), again[i], 1e-6f);
        float[] bad = mask.clone();
        bad[0] = 2f;
        assertThrows(IllegalArgumentException.class, () -> SequenceLogProbs.of(g, tokens, bad, B, T));
        assertThrows(IllegalArgumentException.class, () -> SequenceLogProbs.inference(g, tokens, new float[3], B, T));
    }

    /** A policy-gradient loss L = −Σ A_bt · log p_bt through the model, against central differences on parameters. */
    @Test
    void gradientThroughTheModelMatchesFiniteDifferences() {
        Gpt g = model();
        int[] tokens = GeneratorTest.tokens(41, B * T);
        float[] mask = mask();
        float[] advantage = new float[B * T];
        for (int i = 0; i < advantage.length; i++) advantage[i] = (float) Math.sin(1.7 * i);
        Variable weights = Variable.constant(Tensor.of(advantage.clone(), B, T));
        g.parameters().zeroGrad();
        F.scale(F.sum(F.mul(SequenceLogProbs.of(g, tokens, mask, B, T), weights)), -1f).backward();
        String[] names = {"transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.attn.c_attn.weight",
            "transformer.h.1.mlp.c_fc.weight", "transformer.h.1.ln_2.weight", "transformer.ln_f.bias"};
        int checked = 0;
        for (Parameter p : g.parameters().list()) {
            if (!java.util.Arrays.asList(names).contains(p.name())) continue;
            for (int k = 0; k < 3; k++) {
                int j = (k * 37 + 5) % p.size();
                float x0 = p.value().get(j);
                double h = 1e-2;
                p.value().set(j, (float) (x0 + h));
                double lp = loss(g, tokens, mask, advantage);
                p.value().set(j, (float) (x0 - h));
                double lm = loss(g, tokens, mask, advantage);
                p.value().set(j, x0);
                double numeric = (lp - lm) / ((float) (x0 + h) - (float) (x0 - h));
                double analytic = p.grad().get(j);
                assertEquals(numeric, analytic, 2e-2 * Math.abs(numeric) + 2e-3, p.name() + "[" + j + "]");
                checked++;
            }
        }
        assertEquals(3 * names.length, checked);
    }

    static double loss(Gpt g, int[] tokens, float[] mask, float[] advantage) {
        float[] lp = SequenceLogProbs.inference(g, tokens, mask, B, T);
        double s = 0;
        for (int i = 0; i < lp.length; i++) s -= (double) advantage[i] * lp[i];
        return s;
    }
}
