package dev.descent.bench.jmh;

import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.optim.ParamSet;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.train.GptObjective;
import dev.descent.zo.DirectionKind;
import dev.descent.zo.Mezo;
import java.util.Collection;
import java.util.Locale;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One MeZO step against one forward pass on the recipe GPT (examples/shakespeare-char.yaml: 65
 * characters, block 64, 4 layers, 4 heads, width 128, no bias; batch 12), in one JMH run:
 * <ul>
 *   <li>{@code forward}: the objective's loss on a fixed batch (no tape, dropout off: what MeZO evaluates);</li>
 *   <li>{@code mezoStep}: one {@link Mezo} step with q = 1 on the same objective — two forward passes
 *       plus three passes over the 804,096 parameters, each regenerating the Gaussian direction.</li>
 * </ul>
 * The tokens are uniform random characters from a Philox stream (the cost of a forward pass does not
 * depend on them). {@link #main} runs both and prints the medians and their ratio:
 * {@code java --add-modules jdk.incubator.vector -cp "descent-cli/target/lib/*" dev.descent.bench.jmh.MezoCost [threads]}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:+UseParallelGC"})
public class MezoCost {
    static final GptConfig RECIPE = new GptConfig(65, 64, 4, 4, 128, 0f, false);
    static final int BATCH = 12;

    @State(Scope.Benchmark)
    public static class Setting {
        @Param({"2"})
        public int threads;

        GptObjective objective;
        Mezo mezo;

        @Setup(Level.Trial)
        public void setUp() {
            Parallel.setThreads(threads);
            Gpt model = new Gpt(RECIPE, 1337);
            int[] tokens = new int[100_000];
            Philox rng = Philox.stream(7, "bench/tokens");
            for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(i, RECIPE.vocabSize());
            objective = new GptObjective(model, tokens, BATCH, RECIPE.blockSize(), 1, 1.0);
            objective.prepare(0);
            mezo = new Mezo(ParamSet.of(model.parameters()), objective, 1e-6, 1e-3, 0, 1, 1, DirectionKind.GAUSSIAN);
        }
    }

    @Benchmark
    public double forward(Setting s) { return s.objective.loss(); }

    @Benchmark
    public void mezoStep(Setting s) { s.mezo.step(); }

    /** Runs both benchmarks at the given thread count (default 2) and prints the medians and their ratio. */
    public static void main(String[] args) throws RunnerException {
        String threads = args.length > 0 ? args[0] : "2";
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(MezoCost.class.getName() + "\\.").param("threads", threads).build()).run();
        double forward = Double.NaN, step = Double.NaN;
        for (RunResult r : results) {
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            if (r.getParams().getBenchmark().endsWith(".forward")) forward = median;
            else step = median;
        }
        System.out.printf(Locale.ROOT, "threads %s: forward %.2f ms, MeZO step %.2f ms, step/forward %.2f (medians)%n",
                threads, forward, step, step / forward);
    }
}
