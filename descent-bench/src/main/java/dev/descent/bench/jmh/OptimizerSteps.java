package dev.descent.bench.jmh;

import dev.descent.nn.FlatParameters;
import dev.descent.optim.Optimizer;
import dev.descent.tensor.Parallel;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * One optimizer step over the {@link GptShapes} parameters (2^24 float32 values in 52 tensors),
 * beside two memory-bandwidth references over arrays of the same length: {@code copy}
 * (System.arraycopy, 8 bytes per element moved) and {@code triad} (a = b + s·c, 12 bytes).
 * {@code threads} is {@link Parallel#setThreads}. Bytes per parameter for each benchmark are in
 * {@link OptimBench#BYTES_PER_ELEMENT}. Sample-time mode: every step is timed, so the report can take the
 * median step (robust on a shared machine, where preemption inflates an iteration's average).
 * Run through {@link OptimBench}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx3g", "-XX:+UseParallelGC"})
public class OptimizerSteps {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Model parameters, gradients and one optimizer; gradients restored before each step when the step consumes them. */
    abstract static class StepState {
        FlatParameters flat;
        Optimizer optimizer;
        float[] pristineGrads;

        void setUp(int threads) {
            Parallel.setThreads(threads);
            flat = GptShapes.model(42);
            optimizer = make(flat);
            pristineGrads = StepOptimizers.consumesGradients(optimizer) ? flat.grads().clone() : null;
        }

        abstract Optimizer make(FlatParameters flat);

        void restoreGrads() {
            if (pristineGrads != null) System.arraycopy(pristineGrads, 0, flat.grads(), 0, pristineGrads.length);
        }
    }

    @State(Scope.Benchmark)
    public static class AdamWState extends StepState {
        @Param({"1", "2"})
        public int threads;

        @Setup(Level.Trial)
        public void setup() { setUp(threads); }

        @Override
        Optimizer make(FlatParameters flat) { return StepOptimizers.adamw(flat); }
    }

    @State(Scope.Benchmark)
    public static class LionState extends StepState {
        @Param({"1", "2"})
        public int threads;

        @Setup(Level.Trial)
        public void setup() { setUp(threads); }

        @Setup(Level.Invocation)
        public void grads() { restoreGrads(); }

        @Override
        Optimizer make(FlatParameters flat) { return StepOptimizers.lion(flat); }
    }

    @State(Scope.Benchmark)
    public static class SgdState extends StepState {
        @Param({"1", "2"})
        public int threads;

        @Setup(Level.Trial)
        public void setup() { setUp(threads); }

        @Setup(Level.Invocation)
        public void grads() { restoreGrads(); }

        @Override
        Optimizer make(FlatParameters flat) { return StepOptimizers.sgdMomentum(flat); }
    }

    @State(Scope.Benchmark)
    public static class Arrays3 {
        @Param({"1", "2"})
        public int threads;
        float[] a;
        float[] b;
        float[] c;

        @Setup(Level.Trial)
        public void setup() {
            Parallel.setThreads(threads);
            a = new float[GptShapes.TOTAL];
            b = new float[GptShapes.TOTAL];
            c = new float[GptShapes.TOTAL];
            GptShapes.fill(b, 1, 1f);
            GptShapes.fill(c, 2, 1f);
        }
    }

    @Benchmark
    public void adamwStep(AdamWState s) { s.optimizer.step(); }

    @Benchmark
    public void lionStep(LionState s) { s.optimizer.step(); }

    @Benchmark
    public void sgdMomentumStep(SgdState s) { s.optimizer.step(); }

    /** a ← b by System.arraycopy, split over the threads like the optimizer kernels. */
    @Benchmark
    public void copy(Arrays3 s) {
        float[] src = s.b;
        float[] dst = s.a;
        Parallel.forRange(src.length, 1 << 15, (from, to) -> System.arraycopy(src, from, dst, from, to - from));
    }

    /** STREAM's triad a ← b + s·c with the preferred vector width. */
    @Benchmark
    public void triad(Arrays3 s) {
        float[] a = s.a;
        float[] b = s.b;
        float[] c = s.c;
        float k = 3f;
        Parallel.forRange(a.length, 1 << 15, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector.fromArray(S, c, i).mul(k).add(FloatVector.fromArray(S, b, i)).intoArray(a, i);
            }
            for (; i < to; i++) a[i] = b[i] + k * c[i];
        });
    }
}
