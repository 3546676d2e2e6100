package dev.descent.bench.jmh;

import dev.descent.tensor.Gemm;
import dev.descent.tensor.Parallel;
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
 * The GEMMs with a transposed left operand, {@code C += A^T B}, that a GPT training step runs, at
 * nanoGPT's Shakespeare recipe (4 layers, width 128, 12 x 64 tokens) and a middle size (6 layers,
 * width 192, 32 x 128 tokens):
 *
 * <ul>
 *   <li>weight gradients of the linear layers, {@code dW [out, in] += dY^T X} with dY
 *       {@code [tokens, out]} and X {@code [tokens, in]}: m = out, n = in, k = tokens (768 or 4096),
 *       on {@code threads} threads ({@code F.linear}'s backward calls it with the pool's, 2 on a
 *       2-core machine; one thread measures the kernel without the scheduling noise of a shared
 *       machine);</li>
 *   <li>the attention's {@code dV += P^T dY} and {@code dK += dS^T Q} of one (batch, head) pair:
 *       m = k = block size, n = head width 32, P {@code T x T}, the head's columns of dY
 *       ({@code ld = C}) and of the gradient of qkv ({@code ld = 3C}), on one thread, as
 *       {@code CausalAttention} runs them inside its parallel loop over pairs.</li>
 * </ul>
 * Shape {@code "m x n x k"}; a trailing {@code " attn"} marks the attention layout. Average time per
 * call. To compare two builds of the library, run this benchmark from the same descent-bench jar
 * with each build's descent-core jar first on the class path, alternately:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp "descent-cli/target/lib/*" org.openjdk.jmh.Main TransposedGemm -p threads=1</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class TransposedGemm {
    @Param({
        "384x128x768", "128x128x768", "512x128x768", "128x512x768", "64x32x64 attn",
        "576x192x4096", "192x192x4096", "768x192x4096", "192x768x4096", "128x32x128 attn"})
    public String shape;

    /** Threads of the weight-gradient products (the attention products always run on one). */
    @Param({"2"})
    public int threads;

    int m;
    int n;
    int k;
    int lda;
    int ldb;
    int ldc;
    float[] a;
    float[] b;
    float[] c;

    @Setup(Level.Trial)
    public void setup() {
        boolean attention = shape.endsWith(" attn");
        String[] p = shape.replace(" attn", "").split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        // attention heads of 32: 4 at the recipe's width 128 (block 64), 6 at the middle size's 192
        int width = m == 64 ? 128 : 192;
        lda = m;
        ldb = attention ? width : n;
        ldc = attention ? 3 * width : n;
        Parallel.setThreads(attention ? 1 : threads);
        SplittableRandom r = new SplittableRandom(42);
        a = new float[k * lda];
        b = new float[k * ldb];
        c = new float[m * ldc];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextDouble() * 2 - 1);
    }

    /** Accumulates into C (beta = 1), as the backward passes do. */
    @Benchmark
    public float[] transposedA() {
        Gemm.gemm(true, false, m, n, k, 1f, a, 0, lda, b, 0, ldb, 1f, c, 0, ldc);
        return c;
    }
}
