package dev.descent.autograd;

import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * For {@link ActivationArenaTest}, in a JVM of its own and on one thread (so every allocation is the
 * caller's): rounds of a forward and backward pass in an {@link ActivationArena}, until 3,000 rounds
 * have run or a round allocated less than 4 KB; prints the least number of bytes a round allocated,
 * for two graphs. Attention: causal attention with dropout at B = 2, T = 128, 2 heads of 32, whose
 * per-call T x T scratch (dP, the uniforms, P̃: 64 KB each) used to be new arrays. Norm and GELU: a
 * layer norm of 256 rows of 768 (x̂, dx̂ and the weight and bias sums: 3 KB each) and a GELU over
 * the same 196,608 values (a 4 KB block of Φ(x)). What is left is the graph's nodes and closures.
 */
final class StepScratchAllocation {
    private StepScratchAllocation() {}

    public static void main(String[] args) {
        Parallel.setThreads(1);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ActivationArena arena = new ActivationArena();
        Random r = new Random(3);

        int b = 2, t = 128, c = 64;
        Tensor qkv = random(r, b, t, 3 * c);
        Tensor attentionSeed = random(r, b, t, c);
        Philox rng = Philox.stream(5, "attention");
        long leastAttention = Long.MAX_VALUE;
        for (int round = 0; round < 3000 && leastAttention >= 4096; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            arena.reset();
            Variable x = new Variable(qkv, true).inArena(arena);
            F.causalSelfAttention(x, 2, 0.1f, rng).backward(attentionSeed);
            leastAttention = Math.min(leastAttention, mx.getCurrentThreadAllocatedBytes() - before);
        }

        int rows = 256, n = 768;
        Tensor in = random(r, rows, n);
        Tensor normSeed = random(r, rows, n);
        Variable w = new Variable(random(r, n), true);
        Variable bias = new Variable(random(r, n), true);
        long leastNorm = Long.MAX_VALUE;
        for (int round = 0; round < 3000 && leastNorm >= 4096; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            arena.reset();
            Variable x = new Variable(in, true).inArena(arena);
            F.gelu(F.layerNorm(x, w, bias, 1e-5f)).backward(normSeed);
            leastNorm = Math.min(leastNorm, mx.getCurrentThreadAllocatedBytes() - before);
        }
        System.out.println("attention least " + leastAttention + " bytes");
        System.out.println("norm and gelu least " + leastNorm + " bytes");
    }

    private static Tensor random(Random r, int... shape) {
        Tensor x = Tensor.zeros(shape);
        for (int i = 0; i < x.size(); i++) x.set(i, (float) r.nextGaussian());
        return x;
    }
}
