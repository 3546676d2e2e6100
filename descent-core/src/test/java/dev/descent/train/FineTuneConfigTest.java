package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys of a fine-tuning run: {@code train_start}/{@code train_end} (a slice of the training split) and {@code init_from}. */
class FineTuneConfigTest {
    @TempDir
    Path tmp;

    private TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("sample_tokens=0", "threads=1", "dropout=0"));
        o.addAll(List.of(more));
        return TinyConfigs.tiny(out, maxIters, o.toArray(String[]::new));
    }

    @Test
    void sliceTakesTheFloorOfEachFractionOfTheSplit() {
        int[] train = new int[100];
        for (int i = 0; i < train.length; i++) train[i] = i;
        assertSame(train, Trainer.trainSlice(train, 0, 1));
        int[] head = Trainer.trainSlice(train, 0, 0.9);
        int[] tail = Trainer.trainSlice(train, 0.9, 1);
        assertEquals(90, head.length);
        assertEquals(89, head[89]);
        assertEquals(10, tail.length);
        assertEquals(90, tail[0]);
        assertEquals(99, tail[9]);
        assertArrayEquals(new int[] {33, 34, 35}, Trainer.trainSlice(train, 0.333, 0.36));
    }

    @Test
    void emptyOrReversedRangeIsRejectedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().with(List.of("train_start=0.9", "train_end=0.5")).validate());
        assertTrue(e.getMessage().contains("train_end"), e.getMessage());
        assertThrows(ConfigException.class, () -> TrainConfig.defaults().with(List.of("train_end=1.5")).validate());
        assertThrows(ConfigException.class, () -> TrainConfig.defaults().with(List.of("train_start=1.0")));
    }

    @Test
    void initFromStartsFromTheCheckpointWeightsAndEvaluatesTheSlice() throws Exception {
        Path pre = tmp.resolve("pre");
        Trainer.Result a = new Trainer(tiny(pre, 6, "train_end=0.9"), TrainListener.NONE).run(null);
        // No step: the new run must hold exactly the pre-trained weights, so its validation loss (same
        // fixed evaluation batches) is the pre-trained run's, while its train loss is that of the held-out slice.
        Path ft = tmp.resolve("ft");
        Trainer.Result b = new Trainer(tiny(ft, 0, "train_start=0.9", "init_from=" + pre), TrainListener.NONE).run(null);
        RunOutputs.assertSameWeights(RunOutputs.weights(pre), RunOutputs.weights(ft), "init_from");
        assertEquals(a.finalValLoss(), b.finalValLoss(), 0.0);
        assertNotEquals(a.finalTrainLoss(), b.finalTrainLoss());
        assertEquals(0, Checkpoint.info(ft).step());
        // From scratch, the same run has other weights.
        Trainer.Result c = new Trainer(tiny(tmp.resolve("scratch"), 0, "train_start=0.9"), TrainListener.NONE).run(null);
        assertNotEquals(a.finalValLoss(), c.finalValLoss());
    }

    @Test
    void initFromAMissingRunFolderFails() {
        Path nowhere = tmp.resolve("nowhere");
        assertThrows(IllegalArgumentException.class,
                () -> new Trainer(tiny(tmp.resolve("x"), 1, "init_from=" + nowhere), TrainListener.NONE).run(null));
    }
}
