package dev.descent.bench.peers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.descent.bench.jmh.GptShapes;
import dev.descent.bench.jmh.StepOptimizers;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The peer a Java user has today: DJL 0.36's {@code AdamW} ({@code Optimizer.adamW()}) on the
 * PyTorch 2.7.1 CPU engine, one {@code update(id, weight, grad)} per tensor of {@link GptShapes}
 * (52 NDArrays, 2^24 float32 values), with the same hyperparameters and the same decay rule as the
 * fused AdamW it is compared with: rank ≥ 2 tensors decay, biases and gains do not (DJL has no
 * per-parameter mask, so there are two optimizer instances, one with weight decay and one without).
 * State: DJL keeps a mean and a variance NDArray per tensor, 8 bytes per parameter.
 *
 * <p>libtorch and the JNI bridge come from the {@code pytorch-native-cpu} and {@code pytorch-jni}
 * jars on the class path: DJL finds {@code native/lib/pytorch.properties} and copies the libraries
 * into its cache ({@code ~/.djl.ai/pytorch}, or {@code ENGINE_CACHE_DIR}) instead of downloading.
 * {@code ai.djl.offline=true} forbids downloads; {@code PYTORCH_VERSION=2.7.1} and
 * {@code PYTORCH_FLAVOR=cpu} pin it to that bundled build, so any mismatch fails instead of fetching.
 * PyTorch's intra-op threads are set to the {@code threads} parameter ({@code ai.djl.pytorch.num_threads}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1,
        jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx3g", "-XX:+UseParallelGC"},
        jvmArgsAppend = {"-Dai.djl.offline=true", "-DPYTORCH_VERSION=2.7.1", "-DPYTORCH_FLAVOR=cpu",
                "-Dai.djl.pytorch.num_interop_threads=1"})
public class DjlAdamW {

    @State(Scope.Benchmark)
    public static class DjlState {
        @Param({"1", "2"})
        public int threads;

        NDManager manager;
        NDArray[] weights;
        NDArray[] grads;
        String[] ids;
        Optimizer[] optimizers;

        @Setup(Level.Trial)
        public void setup() {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            Engine engine = Engine.getEngine("PyTorch");
            manager = engine.newBaseManager(Device.cpu());
            float[] values = new float[GptShapes.TOTAL];
            float[] g = new float[GptShapes.TOTAL];
            GptShapes.fill(values, 42, 0.02f);
            GptShapes.fill(g, 43, 0.01f);
            Optimizer decay = adamW(StepOptimizers.ADAMW_WD);
            Optimizer noDecay = adamW(0);
            var shapes = GptShapes.shapes();
            weights = new NDArray[shapes.size()];
            grads = new NDArray[shapes.size()];
            ids = new String[shapes.size()];
            optimizers = new Optimizer[shapes.size()];
            int i = 0;
            int off = 0;
            for (var e : shapes.entrySet()) {
                int[] dims = e.getValue();
                int n = GptShapes.size(dims);
                Shape shape = new Shape(Arrays.stream(dims).asLongStream().toArray());
                weights[i] = manager.create(Arrays.copyOfRange(values, off, off + n), shape);
                grads[i] = manager.create(Arrays.copyOfRange(g, off, off + n), shape);
                ids[i] = e.getKey();
                optimizers[i] = dims.length >= 2 ? decay : noDecay;
                off += n;
                i++;
            }
        }

        static Optimizer adamW(double weightDecay) {
            return Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed((float) StepOptimizers.ADAMW_LR))
                    .optBeta1((float) StepOptimizers.ADAMW_B1)
                    .optBeta2((float) StepOptimizers.ADAMW_B2)
                    .optEpsilon(1e-8f)
                    .optWeightDecays((float) weightDecay)
                    .build();
        }

        @TearDown(Level.Trial)
        public void close() {
            manager.close();
        }
    }

    @Benchmark
    public void djlAdamwStep(DjlState s) {
        for (int i = 0; i < s.weights.length; i++) s.optimizers[i].update(s.ids[i], s.weights[i], s.grads[i]);
    }

}
