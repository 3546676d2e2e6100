package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The unbiased pass@k estimator against brute-force enumeration of the k-subsets, and the sampled counts behind it. */
class PassAtKTest {
    /** Fraction of the C(n, k) subsets of k among n samples (the first c correct) that hold a correct one, by enumeration. */
    private static double bruteForce(int n, int c, int k) {
        long hit = 0, all = 0;
        for (int mask = 0; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) != k) continue;
            all++;
            if ((mask & ((1 << c) - 1)) != 0) hit++;
        }
        return (double) hit / all;
    }

    @Test
    void matchesEnumerationOfAllSubsets() {
        for (int n = 1; n <= 12; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) assertEquals(bruteForce(n, c, k), TaskEvaluation.passAtK(n, c, k), 1e-12, "n=" + n + " c=" + c + " k=" + k);
            }
        }
    }

    @Test
    void isStableForLargeN() {
        // Exact rational value computed independently: python3 -c "from math import comb; from fractions import Fraction;
        //   print(float(1 - Fraction(comb(1000-3, 64), comb(1000, 64))))"
        assertEquals(0.1801426275975374, TaskEvaluation.passAtK(1000, 3, 64), 1e-14);
        assertEquals(0.003, TaskEvaluation.passAtK(1000, 3, 1), 1e-15);
        assertEquals(1.0, TaskEvaluation.passAtK(64, 1, 64));
        assertEquals(0.0, TaskEvaluation.passAtK(64, 0, 64));
        // n = 4, k = 2: c = 1 gives 1 - C(3,2)/C(4,2) = 1/2, c = 3 gives 1; the mean is 3/4
        assertEquals(0.75, TaskEvaluation.passAtK(new int[] {1, 3}, 4, 2), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> TaskEvaluation.passAtK(4, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> TaskEvaluation.passAtK(4, 5, 1));
    }

    /** The counts are those of individually generated samples: pass@1 from n samples is their success rate. */
    @Test
    void countsAgreeWithSingleSampleEvaluation() {
        Task t = Tasks.create("addition", Map.of("digits", "1"));
        CharTokenizer tok = Tasks.tokenizer(t.alphabet());
        Gpt model = new Gpt(new GptConfig(tok.vocabSize(), 16, 1, 2, 16, 0f, false), 1);
        List<Problem> problems = List.of(t.problem(0, 0), t.problem(0, 1), t.problem(0, 2));
        int[] c = TaskEvaluation.correctCounts(model, tok, t, problems, 4, 0f, 0, 4);
        // greedy: all four samples of a problem are the same completion
        TaskEvaluation.Result greedy = TaskEvaluation.evaluate(model, tok, t, problems, 0f, 0, 4);
        double rate = 0;
        for (int x : c) {
            assertEquals(0, x % 4);
            rate += x / 4.0;
        }
        assertEquals(greedy.successRate(), rate / 3, 1e-12);
    }
}
