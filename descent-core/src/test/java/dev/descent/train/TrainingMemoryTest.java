package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.ActivationArena;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingMemoryTest {
    private static final long GIB = 1L << 30;

    private static TrainConfig config(String... overrides) {
        return TrainConfig.defaults().with(List.of(overrides)).validate();
    }

    @Test
    void theParameterTermCountsWhatTheModelAllocates() {
        // Invariant: P in the estimate is the GPT's real parameter count (values + gradients = 8 bytes each).
        TrainConfig c = config("n_layer=2", "n_head=2", "n_embd=64", "block_size=32", "bias=true");
        Gpt model = new Gpt(new GptConfig(65, 32, 2, 2, 64, 0f, true), 0);
        long count = model.parameters().size();
        assertEquals(8 * count, TrainingMemory.estimate(c, 65).parameters());
        assertEquals(8 * count, TrainingMemory.estimate(c, 65).optimizerState()); // adamw: m and v
        // Activations by hand (dropout 0.2): 4·(B·T·(L·(18C + 2C + H·T + 4) + 17C + C + 3V + 2) + 2·T·C + 1).
        assertEquals(4L * 64 * 32 * (2 * (18 * 64 + 2 * 64 + 2 * 32 + 4) + 17 * 64 + 64 + 3 * 65 + 2) + 4L * 2 * 32 * 64 + 4,
                TrainingMemory.estimate(c, 65).activations());
    }

    /**
     * The activation term is what a training step's arena really holds once it is steady: measured
     * (two steps of forward and backward in one arena) for models with and without dropout.
     */
    @Test
    void theActivationTermEqualsAMeasuredArena() {
        int[][] sizes = {{2, 2, 64, 32, 4, 0}, {2, 2, 64, 32, 4, 1}, {3, 4, 96, 24, 3, 1}};
        for (int[] z : sizes) {
            int l = z[0], h = z[1], c = z[2], t = z[3], b = z[4];
            float p = z[5] == 1 ? 0.2f : 0f;
            Gpt model = new Gpt(new GptConfig(65, t, l, h, c, p, false), 3);
            model.parameters();
            ActivationArena arena = new ActivationArena();
            int[] x = new int[b * t];
            int[] y = new int[b * t];
            for (int i = 0; i < x.length; i++) {
                x[i] = (5 * i) % 65;
                y[i] = (7 * i + 1) % 65;
            }
            for (int k = 0; k < 2; k++) {
                model.beginStep(k);
                arena.reset();
                model.loss(x, y, b, t, arena).backward();
            }
            assertEquals(arena.bytes(), TrainingMemory.activationBytes(b, t, l, h, c, 65, p > 0),
                    "n_layer=" + l + " n_head=" + h + " n_embd=" + c + " block_size=" + t + " batch_size=" + b + " dropout=" + p);
        }
    }

    @Test
    void aModelLargerThanTheHeapIsRefusedWithWhatFits() {
        // n_embd=8192 n_layer=8 used to end in a raw OutOfMemoryError: 6.4e9 parameters, 51 GiB before activations.
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainingMemory.check(config("n_embd=8192", "n_layer=8", "n_head=8"), 65, 6 * GIB));
        assertTrue(e.getMessage().contains("n_layer=8 n_embd=8192") && e.getMessage().contains("the heap holds at most 6 GiB")
                && e.getMessage().contains("the parameters and optimizer state alone do not fit"), e.getMessage());
        // batch_size=65536 block_size=65536 used to overflow an int inside TextDataset.batch.
        e = assertThrows(ConfigException.class,
                () -> TrainingMemory.check(config("batch_size=65536", "block_size=65536"), 65, 6 * GIB));
        assertTrue(e.getMessage().contains("not even batch_size=1 fits"), e.getMessage());
        // The default recipe needs about 4 GiB (measured: it runs out of memory with -Xmx2g): refused at 2 GiB, the largest batch named.
        e = assertThrows(ConfigException.class, () -> TrainingMemory.check(config(), 65, 2 * GIB));
        assertTrue(e.getMessage().matches(".*at most batch_size=\\d+ fits with this model"), e.getMessage());
        int fits = Integer.parseInt(e.getMessage().replaceAll(".*at most batch_size=(\\d+) .*", "$1"));
        assertDoesNotThrow(() -> TrainingMemory.check(config("batch_size=" + fits), 65, 2 * GIB));
        assertThrows(ConfigException.class, () -> TrainingMemory.check(config("batch_size=" + (fits + 1)), 65, 2 * GIB));
        assertDoesNotThrow(() -> TrainingMemory.check(config(), 65, 6 * GIB));
    }
}
