package dev.descent.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.descent.autograd.ActivationArena;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Philox;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A GPT's training step with its graph in an {@link ActivationArena}: the same numbers, and no tensor storage allocated per step. */
class GptArenaTest {
    static final int V = 13, BLOCK = 16, BATCH = 4;

    static int[] tokens(long seed, int n) {
        Philox p = Philox.stream(seed, "tokens");
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = p.nextInt(i, V);
        return t;
    }

    /** Loss and flat gradient of steps 0..steps-1 (dropout masks of each step), with or without an arena. */
    static float[][] train(int steps, ActivationArena arena) {
        Gpt model = new Gpt(new GptConfig(V, BLOCK, 2, 2, 16, 0.2f, false), 7);
        FlatParameters flat = model.parameters();
        float[][] out = new float[2 * steps][];
        for (int k = 0; k < steps; k++) {
            model.beginStep(k);
            flat.zeroGrad();
            if (arena != null) arena.reset();
            int[] x = tokens(k, BATCH * BLOCK);
            int[] y = tokens(100 + k, BATCH * BLOCK);
            Variable loss = model.loss(x, y, BATCH, BLOCK, arena);
            out[2 * k] = new float[] {loss.item()};
            loss.backward();
            out[2 * k + 1] = flat.grads().clone();
        }
        return out;
    }

    @Test
    void arenaGivesBitIdenticalLossesAndGradients() {
        float[][] plain = train(3, null);
        float[][] pooled = train(3, new ActivationArena());
        for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], pooled[i], "entry " + i);
    }

    /**
     * After warm-up, a forward and backward pass in the arena allocates no tensor storage: compared
     * with the same pass without an arena (run alternately, minimum over steps, since the JVM's
     * other threads and not yet compiled vector code allocate too), it allocates at least the
     * arena's whole storage less. The arena holds one step's activations and the gradients alive at
     * once, and a pass without it allocates those and every other gradient afresh.
     */
    @Test
    void steadyStateStepAllocatesNoTensorStorage() {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Gpt model = new Gpt(new GptConfig(V, BLOCK, 2, 2, 32, 0.2f, false), 7);
        FlatParameters flat = model.parameters();
        ActivationArena arena = new ActivationArena();
        int[] x = tokens(1, BATCH * BLOCK);
        int[] y = tokens(2, BATCH * BLOCK);
        long best = Long.MAX_VALUE;
        long bestPlain = Long.MAX_VALUE;
        for (int k = 0; k < 30; k++) {
            model.beginStep(k);
            flat.zeroGrad();
            long before = mx.getTotalThreadAllocatedBytes();
            arena.reset();
            model.loss(x, y, BATCH, BLOCK, arena).backward();
            long mid = mx.getTotalThreadAllocatedBytes();
            model.loss(x, y, BATCH, BLOCK).backward();
            long after = mx.getTotalThreadAllocatedBytes();
            if (k >= 5) {
                best = Math.min(best, mid - before); // the minimum over steps: other threads of the JVM may allocate too
                bestPlain = Math.min(bestPlain, after - mid);
            }
        }
        long storage = arena.bytes();
        assertTrue(storage > 0);
        assertTrue(bestPlain > storage, "without the arena a step allocates its storage: " + bestPlain + " vs " + storage);
        assertTrue(bestPlain - best >= storage, "a step allocated " + best + " bytes with the arena, " + bestPlain
                + " without; the arena holds " + storage);
        assertEquals(storage, arena.bytes(), "the arena stopped growing");
    }
}
