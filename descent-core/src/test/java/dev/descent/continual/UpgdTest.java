package dev.descent.continual;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.optim.GradientTransformation;
import dev.descent.optim.OptState;
import dev.descent.optim.ParamSet;
import dev.descent.optim.Transforms;
import dev.descent.tensor.Philox;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpgdTest {
    private static final float[][] XI = {
        {-0.69114417f, -0.33165872f, -1.8172135f, 0.44288534f, -2.9309075f, 0.90273166f, -0.22971633f, 0.10633354f, 1.1361985f},
        {-1.8436853f, -0.5431044f, 1.0590606f, -1.3377074f, 1.6290838f, 0.76145345f, -0.07843689f, -1.4109429f, 0.5421802f}};

    /**
     * Two steps of chain(upgd(β 0.9, σ 0.5, λ 0.1), lr 0.1) on a 2×3 weight and a 3-bias against
     * bench/golden/upgd_golden.py (an independent float64 numpy transcription of the reference
     * FirstOrderGlobalUPGD, fed the same noise, which is asserted first).
     */
    @Test
    void twoStepsMatchTheNumpyTranscription() {
        float[] theta = {0.5f, -1.0f, 0.25f, 2.0f, -0.5f, 1.5f, 0.1f, -0.2f, 0.3f};
        float[][] grads = {{0.2f, 0.4f, -0.1f, 0.3f, -0.6f, 0.05f, 1.0f, -0.5f, 0.2f}, {-0.1f, 0.3f, 0.2f, -0.4f, 0.1f, 0.5f, -0.3f, 0.2f, 0.6f}};
        double[][] expected = {
            {0.5084529251570002, -0.9900010630847969, 0.2826645836852481, 1.9278557489510473, -0.28856879887085535, 1.4415297896647103,
             0.01720034136637638, -0.15670627256008138, 0.23420216580165193},
            {0.5624083562932615, -0.9801157094469616, 0.23841962621177004, 1.9230792499007752, -0.36556334687270226, 1.339200899012766,
             0.03954087708482765, -0.12403440883775643, 0.1598987214571698}};
        for (int t = 1; t <= 2; t++) {
            float[] xi = new float[9];
            Philox.stream(7, "continual/upgd").derive(t).fillGaussian(xi, 0, 9, 0);
            assertArrayEquals(XI[t - 1], xi, 0f, "the noise the golden script was given");
        }
        ParamSet set = ParamSet.of(theta, List.of("w", "b"), List.of(new int[] {2, 3}, new int[] {3}));
        GradientTransformation tx = Transforms.chain(Upgd.transformation(0.9, 0.5, 0.1, 7), Transforms.scaleByLearningRate(0.1));
        OptState st = tx.init(set);
        for (int t = 0; t < 2; t++) {
            tx.step(grads[t].clone(), st, set);
            for (int i = 0; i < 9; i++) assertEquals(expected[t][i], theta[i], 2e-6, "step " + (t + 1) + " element " + i);
        }
    }

    /** With σ = 0 and every utility equal the update is the gradient scaled by 1 − sigmoid(1). */
    @Test
    void withoutNoiseEqualUtilitiesScaleTheGradient() {
        float[] theta = {1, 1};
        ParamSet set = ParamSet.of(theta, List.of("w"), List.of(new int[] {2}));
        GradientTransformation tx = Upgd.transformation(0, 0, 0, 1);
        OptState st = tx.init(set);
        float[] u = {-1, -1}; // utility −g·θ = 1 for both: ū = sigmoid(1)
        tx.update(u, st, set);
        double expected = -(1 - 1 / (1 + Math.exp(-1)));
        assertEquals(expected, u[0], 1e-7);
        assertEquals(expected, u[1], 1e-7);
    }

    @Test
    void refusesBadHyperparameters() {
        assertThrows(IllegalArgumentException.class, () -> Upgd.transformation(1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Upgd.transformation(0.5, -1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Upgd.transformation(0.5, 0, -1, 1));
    }
}
