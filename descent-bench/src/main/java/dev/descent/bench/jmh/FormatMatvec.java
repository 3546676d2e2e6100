package dev.descent.bench.jmh;

import dev.descent.tensor.Parallel;
import dev.descent.tensor.StorageFormat;
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
 * Batch-1 matrix-vector product y = W·x of a 4096 × 4096 layer stored in each {@link StorageFormat}
 * ({@link StoredTensor#matvec}), the memory-bound operation of token-by-token inference. Bytes read
 * per call are the matrix's {@link StoredTensor#storageBytes()} plus x (16 KiB): F32 64 MiB, BF16
 * and F16 32 MiB, Q8 17 MiB, Q4 9 MiB; {@link #setup} prints them. Sample-time mode, so a report
 * can take the median call on a shared machine.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp "descent-cli/target/lib/*" org.openjdk.jmh.Main FormatMatvec</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class FormatMatvec {
    static final int ROWS = 4096;
    static final int COLS = 4096;

    @Param({"F32", "BF16", "F16", "Q8", "Q4"})
    public StorageFormat format;

    @Param({"1", "2"})
    public int threads;

    StoredTensor w;
    float[] x;
    float[] y;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        SplittableRandom r = new SplittableRandom(42);
        float[] v = new float[ROWS * COLS];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1) * 0.02f;
        w = StoredTensor.encode(Tensor.of(v, ROWS, COLS), format);
        x = new float[COLS];
        for (int i = 0; i < COLS; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        y = new float[ROWS];
        System.err.printf("%s: %d bytes read per matvec%n", format, w.storageBytes() + 4L * COLS);
    }

    @Benchmark
    public float[] matvec() {
        w.matvec(x, 0, y, 0);
        return y;
    }
}
