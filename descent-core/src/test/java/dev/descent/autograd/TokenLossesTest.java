package dev.descent.autograd;

import static dev.descent.autograd.GradCheckTest.check;
import static dev.descent.autograd.GradCheckTest.gauss;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Per-token losses: {@link F#targetLogProbs} and {@link F#weightedCrossEntropy}, backward by central
 * finite differences ({@link GradCheckTest#check}), values against the definition and against
 * PyTorch golden numbers.
 */
class TokenLossesTest {
    static final int B = 2;
    static final int T = 4;
    static final int V = 5;
    static final int[] TARGETS = {1, -1, 4, 0, 2, 3, -1, 1};
    static final float[] WEIGHTS = {0.5f, 2f, -1f, 1.5f, 1f, -0.25f, 3f, 0.75f};
    static final float[] MASK = {1, 1, 1, 1, 0, 1, 1, 1};

    /** z[i][j] = float32(2 sin(0.7 i + 1.3 j)), the input of bench/golden/weighted_ce_golden.py. */
    static Tensor goldenLogits() {
        Tensor z = Tensor.zeros(B * T, V);
        for (int i = 0; i < B * T; i++) {
            for (int j = 0; j < V; j++) z.data()[i * V + j] = (float) (2 * Math.sin(0.7 * i + 1.3 * j));
        }
        return z;
    }

    static double logSoftmax(Tensor z, int row, int j) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < V; k++) max = Math.max(max, z.get(row * V + k));
        double s = 0;
        for (int k = 0; k < V; k++) s += Math.exp(z.get(row * V + k) - max);
        return z.get(row * V + j) - max - Math.log(s);
    }

    @Test
    void targetLogProbsGradientAndValues() {
        Tensor z = gauss(91, 2f, 6, V);
        int[] targets = {1, -1, 4, 0, -1, 2};
        check("targetLogProbs", v -> F.targetLogProbs(v[0], targets), 1e-2, z);
        int[] rows = {5, 0, 1, 2, 3, 4};
        check("targetLogProbs rows", v -> F.targetLogProbs(v[0], rows, targets), 1e-2, z);
        Tensor y = F.targetLogProbs(Variable.constant(z), rows, targets).value();
        for (int i = 0; i < 6; i++) {
            double expected = targets[i] == -1 ? 0 : logSoftmax(z, rows[i], targets[i]);
            assertEquals(expected, y.get(i), 1e-6, "output " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> F.targetLogProbs(Variable.constant(z), new int[] {0, 0}, new int[] {1, 2}));
        assertThrows(IndexOutOfBoundsException.class, () -> F.targetLogProbs(Variable.constant(z), new int[] {0, 1, 2, 3, 4, V}));
    }

    @Test
    void weightedCrossEntropyGradientForEveryReduction() {
        Tensor z = gauss(92, 2f, B * T, V);
        for (TokenReduction r : TokenReduction.values()) {
            check("weightedCrossEntropy " + r, v -> F.weightedCrossEntropy(v[0], TARGETS, WEIGHTS, MASK, B, r), 1e-2, z);
            check("weightedCrossEntropy no weights " + r, v -> F.weightedCrossEntropy(v[0], TARGETS, null, null, B, r), 1e-2, z);
        }
    }

    @Test
    void weightedCrossEntropyMatchesPyTorch() {
        // bench/golden/weighted_ce_golden.py (torch 1.13): cross_entropy(reduction='none') · w · mask, reduced;
        // the gradient of row 2 from torch.autograd.grad.
        Object[][] golden = {
            {TokenReduction.SUM, 1.353872299194336, new double[] {-0.6081281900405884, -0.19918739795684814, -0.018650654703378677, -0.016037847846746445, 0.842004120349884}},
            {TokenReduction.MEAN, 0.2707744538784027, new double[] {-0.1216256394982338, -0.03983747959136963, -0.0037301310803741217, -0.003207569709047675, 0.1684008240699768}},
            {TokenReduction.SEQUENCE_MEAN, 0.3732783794403076, new double[] {-0.1013547033071518, -0.033197902143001556, -0.0031084425281733274, -0.002672974718734622, 0.14033402502536774}},
        };
        for (Object[] g : golden) {
            TokenReduction r = (TokenReduction) g[0];
            Variable z = new Variable(goldenLogits(), true);
            Variable loss = F.weightedCrossEntropy(z, TARGETS, WEIGHTS, MASK, B, r);
            assertEquals((double) g[1], loss.item(), 2e-6, r.toString());
            loss.backward();
            double[] row2 = (double[]) g[2];
            for (int j = 0; j < V; j++) assertEquals(row2[j], z.grad().get(2 * V + j), 1e-6, r + " grad[2][" + j + "]");
            for (int j = 0; j < V; j++) {
                assertEquals(0f, z.grad().get(1 * V + j), "target -1 has no gradient");
                assertEquals(0f, z.grad().get(4 * V + j), "mask 0 has no gradient");
            }
        }
    }

    @Test
    void meanWithUnitWeightsIsCrossEntropyAndEmptyMasks() {
        Tensor z = gauss(93, 2f, B * T, V);
        float ce = F.crossEntropy(Variable.constant(z), TARGETS).item();
        assertEquals(ce, F.weightedCrossEntropy(Variable.constant(z), TARGETS, null, null, B, TokenReduction.MEAN).item(), 1e-6f);
        float[] none = new float[B * T];
        assertEquals(0f, F.weightedCrossEntropy(Variable.constant(z), TARGETS, WEIGHTS, none, B, TokenReduction.SUM).item());
        assertEquals(0f, F.weightedCrossEntropy(Variable.constant(z), TARGETS, WEIGHTS, none, B, TokenReduction.SEQUENCE_MEAN).item());
        assertTrue(Float.isNaN(F.weightedCrossEntropy(Variable.constant(z), TARGETS, WEIGHTS, none, B, TokenReduction.MEAN).item()));
        Variable zv = Variable.constant(z);
        assertThrows(IllegalArgumentException.class, () -> F.weightedCrossEntropy(zv, TARGETS, WEIGHTS, MASK, 3, TokenReduction.SUM));
        assertThrows(IllegalArgumentException.class, () -> F.weightedCrossEntropy(zv, TARGETS, new float[3], MASK, B, TokenReduction.SUM));
        float[] half = MASK.clone();
        half[0] = 0.5f;
        assertThrows(IllegalArgumentException.class, () -> F.weightedCrossEntropy(zv, TARGETS, WEIGHTS, half, B, TokenReduction.SUM));
    }
}
