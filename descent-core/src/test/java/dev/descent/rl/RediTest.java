package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** REDI's asymmetric loss: a case by hand, the reference formula in torch (value and gradient), the weights. */
class RediTest {
    @Test
    void uniformLogitsByHand() {
        // every token has probability 1/4, so each sequence's mean NLL is ln 4 and a pair's loss is (1 − 0.8)·ln 4
        float[] z = new float[2 * 2 * 4];
        int[] y = {1, 3, 0, 2};
        float[] mask = {1, 1, 1, 0};
        Variable loss = Redi.loss(new Variable(Tensor.of(z, 4, 4), false), y, mask, new boolean[] {true, false}, 1.0, Redi.ALPHA);
        assertEquals(0.2 * Math.log(4), loss.item(), 1e-6);
        // the same from the pair formula with summed log-probabilities: −(−2 ln 4)/2 + 0.8·(−ln 4)/1
        assertEquals(0.2 * Math.log(4), Redi.pairLoss(-2 * Math.log(4), 2, -Math.log(4), 1, 1.0, 0.8), 1e-15);
        assertArrayEquals(new double[] {2, -1.6, -1.6, 2}, Redi.weights(new boolean[] {true, false, false, true}, 1, 0.8), 0);
        assertThrows(IllegalArgumentException.class, () -> Redi.weights(new boolean[] {true, true, false}, 1, 0.8));
    }

    /**
     * Golden values from the reference code's formula in torch 1.13, float64:
     * <pre>
     *   torch.manual_seed(0); z = round(randn(12, 3)·10)/10 (printed below); lp = log_softmax(z).gather(y)·m
     *   seq = lp.view(4, 3).sum(1); len = m.view(4, 3).sum(1).clamp(min=1)
     *   loss = mean over pairs (0, 1), (3, 2) of −seq[w]/len[w] + 0.8·seq[l]/len[l];  loss.backward()
     * </pre>
     */
    @Test
    void matchesTheReferenceFormulaInTorch() {
        float[] z = {-2.3f, -0.4f, -1.1f, 1.0f, -0.9f, -1.3f, -0.6f, -0.9f, -1.3f, 1.5f, 0.3f, 2.0f, 1.1f, -1.2f, 0.1f, 0.3f, 0.2f, -0.6f,
                -1.3f, -0.7f, -1.3f, -1.1f, 1.2f, 0.9f, 0.8f, 0.2f, 0.1f, -0.0f, -0.3f, 0.2f, -1.3f, 0.2f, -0.0f, -0.2f, -1.7f, 0.9f};
        int[] y = {2, 0, 1, 1, 1, 0, 0, 2, 2, 1, 0, 2};
        float[] mask = {1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1};
        double[] grad = {0.02271485933538656, 0.1518691517876163, -0.17458401112300287, -0.0499723902603077, 0.029917853395169888,
                0.020054536865137786, 0.0, 0.0, 0.0, -0.04519903506362784, 0.11971964558815196, -0.07452061052452413, -0.09081796633546524,
                0.12422802903928307, -0.033410062703817814, 0.07564841291611615, -0.0521954744499246, -0.02345293846619153, 0.295346005477608,
                -0.19069201095521593, -0.10465399452239205, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05626408963311941, -0.12498520389638246,
                0.06872111426326305, -0.1484536925194826, 0.0816248871737846, 0.06682880534569798, 0.039426304523857925, 0.008797197642469182,
                -0.048223502166327106};
        Variable logits = new Variable(Tensor.of(z.clone(), 12, 3), true);
        Variable loss = Redi.loss(logits, y, mask, new boolean[] {true, false, false, true}, 1.0, 0.8);
        assertEquals(-0.2978833533320029, loss.item(), 1e-6);
        loss.backward();
        Tensor g = logits.grad();
        for (int i = 0; i < grad.length; i++) assertEquals(grad[i], g.data()[g.offset() + i], 1e-6, "gradient " + i);
    }
}
