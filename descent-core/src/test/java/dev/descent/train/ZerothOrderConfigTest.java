package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPT trainer driven by a config naming a zeroth-order optimizer ({@code zo_sgd} with momentum,
 * {@code zovh} in both block forms, {@code deepzero}): the run finishes with finite losses, the
 * parameters move, and a run stopped after N/2 steps and resumed equals N straight steps bit for bit
 * (losses of every step and every weight). The 1-layer, 16-wide GPT of {@link TinyConfigs}, with
 * few queries/coordinates so each optimizer takes about a second.
 */
class ZerothOrderConfigTest {
    private static final int STEPS = 6;

    @TempDir
    Path tmp;

    private static TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("sample_tokens=0", "eval_interval=100", "eval_iters=1", "final_eval_iters=1"));
        o.addAll(List.of(more));
        return TinyConfigs.tiny(out, maxIters, o.toArray(String[]::new));
    }

    /**
     * Straight N steps, and N/2 steps then resumed to N: finite losses, the weights after N/2 differ
     * from those after N (the updates reach the parameters), and the two runs agree bit for bit.
     */
    private void finishesMovesAndResumes(String label, String... opt) throws Exception {
        Path straight = tmp.resolve(label + "-straight");
        new Trainer(tiny(straight, STEPS, opt), TrainListener.NONE).run(null);
        List<String> a = RunOutputs.losses(straight);
        assertEquals(STEPS, a.size(), label + " logs every step: " + a);
        for (String l : a) {
            double v = Double.parseDouble(l.substring(l.indexOf('=') + 1));
            assertTrue(Double.isFinite(v) && v > 0, label + " loss " + l);
        }

        Path split = tmp.resolve(label + "-split");
        new Trainer(tiny(split, STEPS / 2, opt), TrainListener.NONE).run(null);
        Map<String, Tensor> half = RunOutputs.weights(split);
        Map<String, Tensor> wa = RunOutputs.weights(straight);
        double moved = 0;
        for (String k : half.keySet()) {
            float[] x = half.get(k).toArray();
            float[] y = wa.get(k).toArray();
            for (int i = 0; i < x.length; i++) moved += Math.abs((double) y[i] - x[i]);
        }
        assertTrue(moved > 0, label + ": the parameters did not move between steps " + STEPS / 2 + " and " + STEPS);

        new Trainer(Trainer.configOf(split).with(List.of("max_iters=" + STEPS)), TrainListener.NONE).run(split);
        assertEquals(a, RunOutputs.losses(split), label + " losses after resume");
        RunOutputs.assertSameWeights(wa, RunOutputs.weights(split), label);
    }

    /** ZO-SGD with torch momentum 0.9: the momentum buffer goes through the checkpoint. */
    @Test
    void zoSgdWithMomentum() throws Exception {
        finishesMovesAndResumes("zo_sgd", "optimizer=zo_sgd", "optimizer_args.momentum=0.9", "optimizer_args.mu=1e-2",
                "optimizer_args.q=2", "learning_rate=1e-3", "min_lr=1e-4");
    }

    /** ZoVH as one vector (the paper's form): the query history goes through the checkpoint. */
    @Test
    void zovhVector() throws Exception {
        finishesMovesAndResumes("zovh", "optimizer=zovh", "optimizer_args.num_queries=3", "optimizer_args.num_histories=2",
                "optimizer_args.mu=1e-2", "learning_rate=1e-3", "min_lr=1e-4");
    }

    /** ZoVH per tensor (the language-model form at inference memory). */
    @Test
    void zovhTensorBlocks() throws Exception {
        finishesMovesAndResumes("zovh-tensor", "optimizer=zovh", "optimizer_args.blocks=tensor", "optimizer_args.num_queries=3",
                "optimizer_args.num_histories=2", "optimizer_args.mu=1e-2", "learning_rate=1e-3", "min_lr=1e-4");
    }

    /**
     * DeepZero: ZO-GraSP mask from 4 queries keeping 10 % of the coordinates, 16 of them estimated per
     * step (forward differences), momentum 0.9; the mask is recomputed every 2 steps so the resumed
     * run must rebuild it exactly.
     */
    @Test
    void deepzero() throws Exception {
        finishesMovesAndResumes("deepzero", "optimizer=deepzero", "optimizer_args.sparsity=0.9", "optimizer_args.grasp_queries=4",
                "optimizer_args.coords_per_step=16", "optimizer_args.mask_interval=2", "optimizer_args.momentum=0.9",
                "optimizer_args.mu=5e-3", "learning_rate=1e-2", "min_lr=1e-3");
    }
}
