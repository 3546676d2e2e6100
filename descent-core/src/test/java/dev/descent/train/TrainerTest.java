package dev.descent.train;

import static dev.descent.train.TinyConfigs.tiny;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of the trainer on a tiny GPT: resume equality, interrupts, divergence. */
class TrainerTest {
    @TempDir
    Path tmp;

    @Test
    void resumedRunEqualsStraightRunBitForBit() throws Exception {
        Path straight = tmp.resolve("straight");
        new Trainer(tiny(straight, 12), TrainListener.NONE).run(null);

        Path split = tmp.resolve("split");
        new Trainer(tiny(split, 6), TrainListener.NONE).run(null);
        new Trainer(Trainer.configOf(split).with(List.of("max_iters=12")), TrainListener.NONE).run(split);

        List<String> a = RunOutputs.losses(straight);
        List<String> b = RunOutputs.losses(split);
        assertEquals(12, a.size());
        assertEquals(a, b);
        RunOutputs.assertSameWeights(RunOutputs.weights(straight), RunOutputs.weights(split), "split");
    }

    @Test
    void registryOptimizerWithArgumentsResumesBitForBit() throws Exception {
        String[] opt = {"optimizer=mars_adamw", "optimizer_args.gamma=0.02", "learning_rate=3e-3", "min_lr=3e-4"};
        Path straight = tmp.resolve("mars-straight");
        new Trainer(tiny(straight, 8, opt), TrainListener.NONE).run(null);
        Path split = tmp.resolve("mars-split");
        new Trainer(tiny(split, 4, opt), TrainListener.NONE).run(null);
        TrainConfig resumed = Trainer.configOf(split).with(List.of("max_iters=8"));
        assertEquals("0.02", resumed.optimizerArgs().get("gamma"));
        new Trainer(resumed, TrainListener.NONE).run(split);
        assertEquals(RunOutputs.losses(straight), RunOutputs.losses(split));
        RunOutputs.assertSameWeights(RunOutputs.weights(straight), RunOutputs.weights(split), "split");
    }

    @Test
    void unknownOptimizerArgumentIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> new Trainer(
                tiny(tmp.resolve("bad"), 2, "optimizer=grams", "optimizer_args.bogus=1"), TrainListener.NONE).run(null));
        assertTrue(e.getMessage().contains("bogus") && e.getMessage().contains("grams"), e.getMessage());
    }

    @Test
    void interruptWritesCheckpointAndResumeContinuesExactly() throws Exception {
        Path straight = tmp.resolve("straight");
        new Trainer(tiny(straight, 8), TrainListener.NONE).run(null);

        Path run = tmp.resolve("interrupted");
        Trainer[] holder = new Trainer[1];
        holder[0] = new Trainer(tiny(run, 8), new TrainListener() {
            @Override
            public void onStep(long step, long maxIters, double loss, double lr, double tps, double secs) {
                if (step == 3) holder[0].requestStop();
            }
        });
        TrainingStopped stop = assertThrows(TrainingStopped.class, () -> holder[0].run(null));
        assertTrue(stop.interrupted());
        assertEquals(3, stop.step());
        assertEquals(3, Checkpoint.info(run).step());

        new Trainer(Trainer.configOf(run), TrainListener.NONE).run(run);
        assertEquals(RunOutputs.losses(straight), RunOutputs.losses(run));
        RunOutputs.assertSameWeights(RunOutputs.weights(straight), RunOutputs.weights(run), "run");
    }

    @Test
    void nonFiniteLossStopsNamingTheStepAndKeepsLastGoodCheckpoint() throws Exception {
        Path run = tmp.resolve("diverged");
        TrainConfig cfg = tiny(run, 12, "learning_rate=1.0e30", "min_lr=0.0", "grad_clip=0.0", "warmup_iters=0",
                "decay_lr=false", "eval_interval=1");
        TrainingStopped stop = assertThrows(TrainingStopped.class, () -> new Trainer(cfg, TrainListener.NONE).run(null));
        assertFalse(stop.interrupted());
        assertTrue(stop.getMessage().contains("step " + stop.step()), stop.getMessage());
        assertTrue(stop.step() >= 1);
        // eval_interval=1: a checkpoint is attempted before every step; only finite models are saved.
        long saved = Checkpoint.info(run).step();
        assertTrue(saved <= stop.step() && saved >= 1, "saved " + saved + ", stopped " + stop.step());
        for (Tensor t : RunOutputs.weights(run).values()) {
            for (float v : t.toArray()) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void checkpointNamesAreNanoGptStateDictNames() throws Exception {
        Path run = tmp.resolve("names");
        new Trainer(tiny(run, 2, "bias=true"), TrainListener.NONE).run(null);
        Map<String, Tensor> w = RunOutputs.weights(run);
        assertTrue(w.containsKey("transformer.wte.weight"));
        assertTrue(w.containsKey("lm_head.weight"));
        assertArrayEquals(w.get("transformer.wte.weight").toArray(), w.get("lm_head.weight").toArray());
        assertTrue(w.containsKey("transformer.h.0.attn.c_attn.bias"));
        assertArrayEquals(new int[] {48, 16}, w.get("transformer.h.0.attn.c_attn.weight").shape());
        assertTrue(Files.readString(run.resolve("samples.txt")).length() > 20);
        assertTrue(Files.exists(run.resolve("config.yaml")));
    }

    @Test
    void unwritableOutputFolderIsRefusedClearly() throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(tiny(file, 2), TrainListener.NONE).run(null));
        assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
    }

    @Test
    void resumeFromFolderWithoutCheckpointIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.info(tmp.resolve("nothing-here")));
        assertTrue(e.getMessage().contains("run folder not found"), e.getMessage());
    }
}
