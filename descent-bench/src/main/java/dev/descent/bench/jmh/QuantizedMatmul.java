package dev.descent.bench.jmh;

import dev.descent.quant.NormalFloat4;
import dev.descent.quant.QuantizedGemm;
import dev.descent.tensor.Float32Tensor;
import dev.descent.tensor.Gemm;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A linear layer y = x Wᵀ with W [out, in] in float32 against the same W in NF4 (blocks of 64,
 * double-quantized scales, as {@code descent quantize --format nf4} writes it):
 *
 * <ul>
 *   <li>{@code matvecF32} / {@code matvecNf4}: batch 1, as in sampling — {@link StoredTensor#matvec}
 *       on the {@link Float32Tensor} and on the NF4 tensor (what {@code QuantizedLinear} runs for one row);</li>
 *   <li>{@code gemmF32} / {@code gemmNf4}: {@code batch} rows — {@link Gemm#gemm} on the float32 W
 *       (what {@code Linear} runs) against {@link QuantizedGemm#forward}, which decodes W tile by tile
 *       inside the GEMM.</li>
 * </ul>
 * Shapes: the GPT MLP's 1536 × 384 and 384 × 1536 ({@code c_fc}, {@code c_proj}) and 4096 × 4096.
 * Setup prints the bytes each W occupies. Sample-time mode: a report takes medians.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp "descent-cli/target/lib/*" org.openjdk.jmh.Main QuantizedMatmul</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx3g", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class QuantizedMatmul {
    /** out x in. */
    @Param({"1536x384", "384x1536", "4096x4096"})
    public String shape;

    @Param({"64"})
    public int batch;

    @Param({"1"})
    public int threads;

    int out;
    int in;
    Tensor w32;
    StoredTensor f32;
    StoredTensor nf4;
    float[] x;
    float[] y;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        String[] p = shape.split("x");
        out = Integer.parseInt(p[0]);
        in = Integer.parseInt(p[1]);
        SplittableRandom r = new SplittableRandom(42);
        float[] v = new float[out * in];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.02f;
        w32 = Tensor.of(v, out, in);
        f32 = new Float32Tensor(w32);
        nf4 = NormalFloat4.quantize(w32, true).tensor();
        x = new float[batch * in];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        y = new float[batch * out];
        System.err.printf("%s: float32 %d bytes, NF4 %d bytes in memory (%.4f)%n", shape, f32.storageBytes(), nf4.storageBytes(),
                (double) nf4.storageBytes() / f32.storageBytes());
    }

    @Benchmark
    public float[] matvecF32() {
        f32.matvec(x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] matvecNf4() {
        nf4.matvec(x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] gemmF32() {
        Gemm.gemm(false, true, batch, out, in, 1f, x, 0, in, w32.data(), 0, in, 0f, y, 0, out);
        return y;
    }

    @Benchmark
    public float[] gemmNf4() {
        QuantizedGemm.forward(nf4, x, 0, batch, 0f, y, 0);
        return y;
    }
}
