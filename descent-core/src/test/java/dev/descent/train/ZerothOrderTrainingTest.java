package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.data.TextDataset;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.tensor.Philox;
import dev.descent.optim.Objective;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPT trainer with zeroth-order optimizers: no backward, the loss decreases, resume is exact. */
class ZerothOrderTrainingTest {
    @TempDir
    Path tmp;

    private TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("sample_tokens=0"));
        o.addAll(List.of(more));
        return TinyConfigs.tiny(out, maxIters, o.toArray(String[]::new));
    }

    /**
     * MeZO on one fixed batch of a 1-layer GPT (~10k parameters) decreases the batch loss. ZO-SGD's
     * stable step is ~1/(L·(d + 2)) (d ≈ 10⁴), so lr 1e-3 with μ 1e-2 (μ large enough that the
     * float32 loss difference, ~μ·|zᵀ∇f| ≈ 1e-2·√d·|∇f|/√d, is far above the loss's rounding noise).
     */
    @Test
    void mezoDecreasesTheLossOfAFixedBatch() {
        Gpt model = new Gpt(new GptConfig(32, 16, 1, 2, 16, 0.1f, false), 3);
        int[] x = new int[4 * 16];
        int[] y = new int[4 * 16];
        Philox r = Philox.stream(1, "test/tokens");
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(2 * i, 32);
            y[i] = (x[i] * 7 + 3) % 32; // a learnable map
        }
        // The fixed batch without a tape and with dropout off, as GptObjective evaluates it.
        Objective f = () -> {
            model.train(false);
            try (var ignored = dev.descent.autograd.NoGrad.open()) {
                return model.loss(x, y, 4, 16).item();
            } finally {
                model.train(true);
            }
        };
        Optimizer opt = OptimizerRegistry.defaults().create("mezo", model.parameters(), new HyperParams(Map.of("lr", "1e-3", "mu", "1e-2")));
        double start = f.loss();
        float[] grads = model.parameters().grads();
        long queries = 0;
        for (int s = 0; s < 60; s++) queries += opt.step(f).queries();
        double end = f.loss();
        assertTrue(end < start - 0.05, "loss " + start + " -> " + end);
        for (float g : grads) assertEquals(0f, g, "mezo never writes the gradient buffer");
        assertEquals(120.0, opt.scalars().get("queries"));
        assertEquals(120, queries, "the step reports add up to the queries counter");
    }

    /** Like TrainerTest's registry-optimizer resume check, for MeZO (no state tensors) and ZO-AdaMM (moments through the gradient buffer). */
    @Test
    void zerothOrderRunsResumeBitForBit() throws Exception {
        for (String name : new String[] {"mezo", "zo_adam"}) {
            String[] opt = {"optimizer=" + name, "optimizer_args.mu=1e-2", "learning_rate=1e-3", "min_lr=1e-4"};
            Path straight = tmp.resolve(name + "-straight");
            new Trainer(tiny(straight, 8, opt), TrainListener.NONE).run(null);
            Path split = tmp.resolve(name + "-split");
            new Trainer(tiny(split, 4, opt), TrainListener.NONE).run(null);
            new Trainer(Trainer.configOf(split).with(List.of("max_iters=8")), TrainListener.NONE).run(split);
            List<String> a = RunOutputs.losses(straight);
            assertEquals(8, a.size(), name);
            assertEquals(a, RunOutputs.losses(split), name);
            RunOutputs.assertSameWeights(RunOutputs.weights(straight), RunOutputs.weights(split), name);
            assertFalse(a.get(0).endsWith("=NaN"), name);
        }
    }
}
