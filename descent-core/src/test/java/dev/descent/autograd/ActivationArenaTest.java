package dev.descent.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.descent.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ActivationArenaTest {
    @Test
    void buffersComeBackZeroedAfterAReset() {
        ActivationArena arena = new ActivationArena();
        Tensor a = arena.zeros(2, 3);
        Tensor b = arena.zeros(6);
        assertNotSame(a.data(), b.data(), "two lent buffers of the same size are distinct");
        a.fill(7f);
        b.fill(9f);
        assertEquals(2 * 6 * 4, arena.bytes());
        arena.reset();
        Tensor c = arena.zeros(3, 2);
        Tensor d = arena.zeros(6);
        Tensor e = arena.zeros(6);
        assertArrayEquals(new float[6], c.toArray(), "a reused buffer is zero-filled");
        assertArrayEquals(new float[6], d.toArray());
        assertNotSame(c.data(), d.data());
        assertEquals(3 * 6 * 4, arena.bytes(), "the third buffer of six floats is new");
        assertArrayEquals(new int[] {3, 2}, c.shape());
        arena.reset();
        arena.trim();
        assertEquals(0, arena.bytes());
        assertNotSame(e.data(), arena.zeros(6).data(), "after trim buffers are allocated anew");
        assertEquals(6 * 4, arena.bytes());
    }

    @Test
    void recycledGradientIsLentAgainBeforeTheReset() {
        ActivationArena arena = new ActivationArena();
        Tensor g = arena.zeros(4);
        arena.recycle(g);
        arena.recycle(g); // a second recycle is ignored: the buffer is lent only once
        Tensor h = arena.zeros(4);
        Tensor k = arena.zeros(4);
        assertSame(g.data(), h.data());
        assertNotSame(h.data(), k.data());
        arena.recycle(Tensor.zeros(4)); // storage the arena never lent is ignored
        arena.reset();
        assertEquals(2 * 4 * 4, arena.bytes());
    }

    /**
     * The same small graph with and without an arena gives bit-identical gradients, run three times
     * on one arena (so later passes reuse dirty buffers), and backward releases the intermediate
     * gradients.
     */
    @Test
    void gradientsWithAnArenaEqualThoseWithout() {
        float[] table = new float[5 * 4];
        for (int i = 0; i < table.length; i++) table[i] = (float) Math.sin(1.7 * i);
        float[] w = new float[3 * 4];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.cos(0.9 * i);
        int[] idx = {0, 3, 4, 3, 1, 2};
        int[] targets = {2, 0, 1, -1, 1, 2};
        float[][] reference = run(table, w, idx, targets, null);
        ActivationArena arena = new ActivationArena();
        for (int pass = 0; pass < 3; pass++) {
            arena.reset();
            float[][] got = run(table, w, idx, targets, arena);
            assertArrayEquals(reference[0], got[0], "embedding gradient, pass " + pass);
            assertArrayEquals(reference[1], got[1], "weight gradient, pass " + pass);
            assertArrayEquals(reference[2], got[2], "loss, pass " + pass);
        }
    }

    private static float[][] run(float[] table, float[] w, int[] idx, int[] targets, ActivationArena arena) {
        Variable t = new Variable(Tensor.of(table.clone(), 5, 4), true);
        Variable weight = new Variable(Tensor.of(w.clone(), 3, 4), true);
        Variable x = F.embedding(t, idx, arena);
        assertSame(arena, x.arena());
        Variable h = F.gelu(F.layerNorm(x, null, null, 1e-5f));
        Variable y = F.add(h, F.tanh(x));
        Variable logits = F.linear(F.scale(y, 0.5f), weight, null);
        assertSame(arena, logits.arena(), "results inherit the arena of their inputs");
        Variable loss = F.crossEntropy(logits, targets);
        loss.backward();
        assertNull(logits.grad(), "an intermediate gradient is released by backward");
        return new float[][] {t.grad().toArray(), weight.grad().toArray(), {loss.item()}};
    }
}
