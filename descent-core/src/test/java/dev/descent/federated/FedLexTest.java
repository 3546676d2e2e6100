package dev.descent.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.Objective;
import java.util.List;
import org.junit.jupiter.api.Test;

class FedLexTest {
    private static final float[] BASE = {0.5f, -0.25f, 1.0f, 0.0f, 2.0f};
    private static final List<float[]> SCOUTS = List.of(new float[] {0.7f, -0.25f, 0.5f, 0.1f, 2.5f},
            new float[] {0.2f, 0.0f, 1.2f, -0.3f, 1.0f}, new float[] {0.6f, -0.5f, 1.1f, 0.2f, 2.0f});

    @Test
    void guidanceAndGuidedStepMatchNumpy() {
        // bench/golden/fedlex_golden.py (min–max per tensor of the mean squared spread; one guided SGD step)
        float[] g = FedLex.guidance(BASE, SCOUTS, new int[] {3, 2});
        assertArrayEquals(new float[] {0.08571426570415497f, 0.0f, 1.0f, 0.0f, 1.0f}, g, 1e-7f);
        float[] grads = {0.4f, -1.0f, 0.3f, 2.0f, -0.5f};
        float[] raw = grads.clone();
        Objective inner = new Objective() {
            @Override public double loss() { return 1.5; }
            @Override public double lossAndGradient() {
                System.arraycopy(raw, 0, grads, 0, raw.length);
                return 1.5;
            }
        };
        var guided = new FedLex.GuidedObjective(inner, grads, g);
        assertEquals(1.5, guided.lossAndGradient());
        float[] w = BASE.clone();
        for (int i = 0; i < w.length; i++) w[i] -= 0.1f * grads[i];
        assertArrayEquals(new float[] {0.49657142162323f, -0.25f, 0.9700000286102295f, 0.0f, 2.049999952316284f}, w, 1e-7f);
    }

    @Test
    void eachTensorSpansZeroToOneAndAConstantSpreadIsNotGuided() {
        float[] g = FedLex.guidance(BASE, SCOUTS, new int[] {2, 3});
        for (float v : g) assertTrue(v >= 0 && v <= 1);
        // one scout moved every entry of the second tensor by the same amount: spread constant, G = 1
        float[] g2 = FedLex.guidance(new float[] {0, 0, 0, 0}, List.of(new float[] {1, 2, 3, 3}), new int[] {2, 2});
        assertArrayEquals(new float[] {0, 1, 1, 1}, g2);
    }

    @Test
    void runsOnDigitsReproduciblyAndCountTheExploration() {
        var config = FedConfig.of(List.of("strategy=fedlex", "clients=4", "rounds=2", "alpha=1", "seed=2", "fedlex_explore_epochs=1"));
        var run = ReproducibleRun.of(config);
        var first = run.simulation();
        var r = run.rounds();
        // guided SGD moves slowly (most entries of G are far below 1), but it moves downhill
        assertTrue(r.getLast().testLoss() < r.getFirst().testLoss(), r.getFirst().testLoss() + " -> " + r.getLast().testLoss());
        int d = first.global().length;
        assertEquals(4L * d * 4 + 2 * 4L * d * 4, first.uplinkBytes()); // four scouts once, four models per round
    }

    @Test
    void clearErrors() {
        assertThrows(IllegalArgumentException.class, () -> FedLex.guidance(BASE, List.of(), new int[] {5}));
        var e = assertThrows(IllegalArgumentException.class, () -> FedLex.guidance(BASE, SCOUTS, new int[] {3, 3}));
        assertTrue(e.getMessage().contains("pieces"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FedLex.GuidedObjective(() -> 0, new float[3], new float[2]));
    }
}
