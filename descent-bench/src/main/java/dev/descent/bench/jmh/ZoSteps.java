package dev.descent.bench.jmh;

import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.HyperParams;
import dev.descent.optim.ParamSet;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.tensor.PhiloxGaussian;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.Directions;
import dev.descent.zo.Mezo;
import dev.descent.zo.Perturbation;
import dev.descent.zo.ZovhBlockDiagonal;
import dev.descent.zo.ZovhOptimizers;
import java.util.Map;
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
 * What a zeroth-order step costs besides its forward passes, on the parameters of the Shakespeare GPT
 * of examples/shakespeare-char.yaml ({@link #PARAMS}, 804,096 values): the
 * objective is a constant, so every benchmark times only the optimizer's own passes over the buffer,
 * each of which regenerates one Gaussian direction from its Philox key.
 * <ul>
 *   <li>{@code gaussianFill}: one direction generated into a scratch piece by piece (the unit of work),
 *       by the scalar {@link Philox#fillGaussian};</li>
 *   <li>{@code gaussianFillVector}: the same values (same bits) by {@link PhiloxGaussian}, which the
 *       optimizers use;</li>
 *   <li>{@code perturbPass}: θ ← θ + μz in place ({@link Perturbation#add}), one regeneration;</li>
 *   <li>{@code mezoStep}: {@link Mezo} with q = 1 — three perturbation passes and one update pass;</li>
 *   <li>{@code zovhTensorStep}: {@link ZovhBlockDiagonal} with K = 3 and no reuse — 2K perturbation
 *       passes and 3n = 9 passes for ĝ, the per-tensor sums and the update.</li>
 * </ul>
 * {@code threads} is {@link Parallel#setThreads}. Run:
 * {@code java --add-modules jdk.incubator.vector -cp "descent-cli/target/lib/*" org.openjdk.jmh.Main ZoSteps}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
public class ZoSteps {
    /** The model of examples/shakespeare-char.yaml: 65 characters, block 64, 4 layers, 4 heads, width 128, no bias. */
    static final GptConfig PARAMS = new GptConfig(65, 64, 4, 4, 128, 0f, false);

    @State(Scope.Benchmark)
    public static class Buffers {
        @Param({"1", "2"})
        public int threads;

        float[] theta;
        float[] piece = new float[2048];
        int[] words = new int[4];
        Philox stream = Philox.stream(1, "zo/direction");
        PhiloxGaussian gaussian = new PhiloxGaussian();
        Directions directions = Directions.seeded(DirectionKind.GAUSSIAN, 1);
        Perturbation perturbation = new Perturbation();
        Mezo mezo;
        ZovhBlockDiagonal zovh;
        long step;

        @Setup(Level.Trial)
        public void setUp() {
            Parallel.setThreads(threads);
            Gpt model = new Gpt(PARAMS, 1337);
            ParamSet set = ParamSet.of(model.parameters());
            theta = set.values();
            mezo = new Mezo(set, () -> 1.0, 0, 1e-3, 0, 1, 1, DirectionKind.GAUSSIAN);
            zovh = (ZovhBlockDiagonal) ZovhOptimizers.build(set, model.parameters().grads(),
                    new HyperParams(Map.of("lr", "0", "mu", "1e-2", "num_histories", "0", "blocks", "tensor")), () -> 1.0);
        }
    }

    @Benchmark
    public float gaussianFill(Buffers b) {
        float sum = 0;
        int d = b.theta.length;
        for (int k = 0; k < d; k += b.piece.length) {
            int len = Math.min(b.piece.length, d - k);
            b.stream.fillGaussian(b.piece, 0, len, k, b.words);
            sum += b.piece[0];
        }
        return sum;
    }

    @Benchmark
    public float gaussianFillVector(Buffers b) {
        float sum = 0;
        int d = b.theta.length;
        for (int k = 0; k < d; k += b.piece.length) {
            int len = Math.min(b.piece.length, d - k);
            b.gaussian.fill(b.stream, b.piece, 0, len, k);
            sum += b.piece[0];
        }
        return sum;
    }

    @Benchmark
    public void perturbPass(Buffers b) {
        b.perturbation.add(b.theta, 0f, b.directions.at(b.step++, 0, b.theta.length));
    }

    @Benchmark
    public void mezoStep(Buffers b) { b.mezo.step(); }

    @Benchmark
    public void zovhTensorStep(Buffers b) { b.zovh.step(); }
}
