package dev.descent.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.FreshJvm;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
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
    void unzeroedBuffersKeepWhatTheirLastUserWrote() {
        ActivationArena arena = new ActivationArena();
        Tensor a = arena.unzeroed(2, 3);
        assertArrayEquals(new float[6], a.toArray(), "a new buffer is zero, as every new array");
        a.fill(7f);
        arena.reset();
        Tensor b = arena.unzeroed(6);
        assertSame(a.data(), b.data());
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, b.toArray(), "a reused buffer is not zero-filled");
        assertEquals(6 * 4, arena.bytes());
        arena.reset();
        assertArrayEquals(new float[6], arena.buffer(6), "buffer() still zero-fills");
        assertEquals(6 * 4, arena.bytes());
    }

    /**
     * Every operation that takes its output from {@link ActivationArena#unzeroed} writes all of it
     * before reading any: with every free buffer of the arena filled with NaN before the pass, a
     * graph through all of them (embedding, layer norm, linear with and without bias, attention with
     * dropout, dropout, GELU, ReLU, tanh, exp, log, scale, the four binary operations, matmul,
     * softmax, log-softmax, cross-entropy) gives the same loss and gradients, bit for bit, as
     * without an arena.
     */
    @Test
    void poisonedFreeBuffersChangeNoResult() throws ReflectiveOperationException {
        float[][] reference = everyOperation(null);
        ActivationArena arena = new ActivationArena();
        everyOperation(arena); // fills the arena
        for (int pass = 0; pass < 2; pass++) {
            arena.reset();
            fillFreeBuffers(arena, Float.NaN);
            float[][] got = everyOperation(arena);
            for (int i = 0; i < reference.length; i++) assertArrayEquals(reference[i], got[i], "entry " + i + ", pass " + pass);
        }
    }

    @SuppressWarnings("unchecked")
    private static void fillFreeBuffers(ActivationArena arena, float v) throws ReflectiveOperationException {
        Field f = ActivationArena.class.getDeclaredField("free");
        f.setAccessible(true);
        for (ArrayDeque<float[]> list : ((Map<Integer, ArrayDeque<float[]>>) f.get(arena)).values()) {
            for (float[] b : list) Arrays.fill(b, v);
        }
    }

    private static float[][] everyOperation(ActivationArena arena) {
        int batch = 2, t = 5, c = 8, vocab = 7;
        Variable table = new Variable(values(1.3, vocab, c), true);
        Variable wQkv = new Variable(values(0.7, 3 * c, c), true);
        Variable bQkv = new Variable(values(2.1, 3 * c), true);
        Variable wOut = new Variable(values(0.4, vocab, c), true);
        Variable m = new Variable(values(1.9, vocab, vocab), true);
        int[] idx = new int[batch * t];
        int[] targets = new int[batch * t];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (3 * i + 1) % vocab;
            targets[i] = i == 4 ? -1 : (5 * i + 2) % vocab;
        }
        Variable x = F.embedding(table, idx, arena);
        Variable h = F.layerNorm(x, null, null, 1e-5f);
        Variable qkv = F.reshape(F.linear(h, wQkv, bQkv), batch, t, 3 * c);
        Variable att = F.reshape(F.causalSelfAttention(qkv, 2, 0.25f, Philox.stream(3, "attention")), batch * t, c);
        Variable y = F.add(h, F.dropout(F.gelu(att), 0.3f, Philox.stream(4, "dropout")));
        y = F.sub(F.relu(y), F.scale(F.tanh(y), 0.5f));
        Variable logits = F.linear(y, wOut, null);
        Variable p = F.softmax(F.matmul(logits, m));
        Variable r = F.div(F.mul(F.log(F.add(p, F.exp(F.scale(p, -1f)))), logits), F.exp(F.scale(p, 0.1f)));
        Variable loss = F.add(F.crossEntropy(F.add(r, F.logSoftmax(logits)), targets), F.mean(p));
        loss.backward();
        return new float[][] {{loss.item()}, table.grad().toArray(), wQkv.grad().toArray(), bQkv.grad().toArray(),
                wOut.grad().toArray(), m.grad().toArray()};
    }

    private static Tensor values(double freq, int... shape) {
        float[] v = new float[Tensor.sizeOf(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (0.5 * Math.sin(freq * (i + 1)));
        return Tensor.of(v, shape);
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

    /**
     * Once compiled, a forward and backward pass in an arena allocates only its graph's nodes and
     * closures (under 2 KB in each graph of {@link StepScratchAllocation}): the kernels' scratch is
     * per-thread and reused. With new scratch arrays per call the attention graph allocated 329,632
     * bytes a round and the layer norm and GELU 18,320. Run in a fresh JVM on one thread, as
     * {@code KernelsTest} runs the softmax's allocation check.
     */
    @Test
    void kernelScratchIsReusedFromCallToCall() throws Exception {
        String out = FreshJvm.run(StepScratchAllocation.class);
        for (String graph : new String[] {"attention", "norm and gelu"}) {
            var m = java.util.regex.Pattern.compile(graph + " least (\\d+) bytes").matcher(out);
            assertTrue(m.find(), out);
            assertTrue(Long.parseLong(m.group(1)) < 4096, graph + ": " + out);
        }
    }
}
