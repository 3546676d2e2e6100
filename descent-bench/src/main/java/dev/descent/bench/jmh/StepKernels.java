package dev.descent.bench.jmh;

import dev.descent.autograd.ActivationArena;
import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The operations of a GPT training step other than its plain linear layers, forward and backward,
 * at the shapes of one layer of the middle size (6 layers, width 192, 6 heads, block 128, batch 32:
 * 4096 tokens), in an {@link ActivationArena} reset before each pass as the training objective does:
 *
 * <ul>
 *   <li>{@code gelu}: the MLP's GELU on {@code [4096, 768]};</li>
 *   <li>{@code layerNorm}: a layer norm with gain and bias on {@code [4096, 192]};</li>
 *   <li>{@code attention}: the fused causal attention on {@code qkv [32, 128, 576]} (its GEMMs, the
 *       softmax of rows of i + 1 entries and its backward);</li>
 *   <li>{@code crossEntropy}: the loss on {@code [4096, 65]} logits (vocabulary of Tiny Shakespeare);</li>
 *   <li>{@code linear}: {@code c_fc}, {@code [4096, 192] x [768, 192]ᵀ} without bias, for scale.</li>
 * </ul>
 * Each pass starts from an identity embedding lookup (the way a graph enters an arena) and back-
 * propagates a fixed seed gradient, so the gather and its scatter-add are included in every figure.
 * On {@code threads} threads (default 1: the kernels without the scheduling noise of a shared
 * machine). To compare two builds of the library, run this benchmark from the same descent-bench
 * jar with each build's descent-core jar first on the class path, alternately:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp "old-core.jar:descent-cli/target/lib/*" org.openjdk.jmh.Main StepKernels</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class StepKernels {
    static final int BATCH = 32, BLOCK = 128, WIDTH = 192, HEADS = 6, VOCAB = 65;
    static final int TOKENS = BATCH * BLOCK;

    @Param({"gelu", "layerNorm", "attention", "crossEntropy", "linear"})
    public String op;

    @Param({"1"})
    public int threads;

    ActivationArena arena;
    Variable table;
    int[] identity;
    Variable gain;
    Variable bias;
    Variable weight;
    int[] targets;
    Tensor seed;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        SplittableRandom r = new SplittableRandom(42);
        int width = switch (op) {
            case "gelu" -> 4 * WIDTH;
            case "attention" -> 3 * WIDTH;
            case "crossEntropy" -> VOCAB;
            default -> WIDTH;
        };
        table = new Variable(random(r, 1f, TOKENS, width), true);
        identity = new int[TOKENS];
        for (int i = 0; i < TOKENS; i++) identity[i] = i;
        gain = new Variable(random(r, 1f, WIDTH), true);
        bias = new Variable(random(r, 0.1f, WIDTH), true);
        weight = new Variable(random(r, 0.05f, 4 * WIDTH, WIDTH), true);
        targets = new int[TOKENS];
        for (int i = 0; i < TOKENS; i++) targets[i] = r.nextInt(VOCAB);
        int outWidth = op.equals("attention") ? WIDTH : op.equals("linear") ? 4 * WIDTH : width;
        seed = random(r, 1e-3f, TOKENS, outWidth);
        arena = new ActivationArena();
    }

    private static Tensor random(SplittableRandom r, float scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return t;
    }

    @Benchmark
    public Tensor forwardBackward() {
        arena.reset();
        Variable x = F.embedding(table, identity, arena);
        switch (op) {
            case "gelu" -> F.gelu(x).backward(seed);
            case "layerNorm" -> F.layerNorm(x, gain, bias, 1e-5f).backward(seed);
            case "attention" -> F.reshape(F.causalSelfAttention(F.reshape(x, BATCH, BLOCK, 3 * WIDTH), HEADS, 0f, null),
                    TOKENS, WIDTH).backward(seed);
            case "crossEntropy" -> F.crossEntropy(x, targets).backward();
            case "linear" -> F.linear(x, weight, null).backward(seed);
            default -> throw new IllegalArgumentException("op must be gelu, layerNorm, attention, crossEntropy or linear; got " + op);
        }
        return table.grad();
    }
}
