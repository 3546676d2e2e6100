package dev.descent.bench.jmh;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Module;
import dev.descent.nn.ParameterRole;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.util.Statistics;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code descent bench optim}: runs {@link OptimizerSteps} (and, from the peers module, the DJL
 * AdamW step) in one JMH invocation, then turns each median step time (JMH sample-time mode: every
 * step is timed) into bandwidth, bytes moved per step / time, and into a percentage of the
 * {@code copy} bandwidth at the same thread count.
 * JMH's own progress goes to stderr; the table (or one JSON line) to {@code out}. The 1-minute load
 * average (/proc/loadavg) is recorded as each benchmark starts and ends, since the machine is shared.
 */
public final class OptimBench {
    /**
     * Bytes each benchmark moves per parameter (STREAM's count: every array read once and written
     * once, write-allocate traffic not counted). AdamW reads p, g, m, v and writes p, m, v; Lion and
     * SGD-momentum read p, g, one moment and write p and the moment; copy reads and writes one array;
     * triad reads two and writes one. A composed (unfused) chain moves more than this; its figure is
     * the effective bandwidth against the fused minimum.
     */
    public static final Map<String, Integer> BYTES_PER_ELEMENT = Map.of(
            "adamwStep", 28, "lionStep", 20, "sgdMomentumStep", 20, "copy", 8, "triad", 12);

    /** What to run besides {@link OptimizerSteps} and how to report it. */
    public record Extra(String includeRegex, Map<String, Integer> bytesPerElement, Map<String, String> implementations,
                        Map<String, Double> stateBytesPerParam, String peerOf, String peerName) {}

    private OptimBench() {}

    public static void main(String[] args) {
        List<String> a = Arrays.asList(args);
        System.exit(run(a.contains("--full"), a.contains("--json"), System.out, null));
    }

    record Row(String bench, int threads, double medianMs, double minMs, long steps, double loadStart, double loadEnd) {}

    /** Runs the suite; returns a process exit code. */
    public static int run(boolean full, boolean json, PrintStream out, Extra extra) {
        Map<String, Integer> bytes = new HashMap<>(BYTES_PER_ELEMENT);
        String include = OptimizerSteps.class.getName() + "\\.";
        if (extra != null) {
            bytes.putAll(extra.bytesPerElement());
            include = "(" + include + "|" + extra.includeRegex() + ")";
        }
        ChainedOptionsBuilder ob = new OptionsBuilder()
                .include(include)
                .forks(1)
                .jvmArgs("--add-modules=jdk.incubator.vector", "-Xmx3g", "-XX:+UseParallelGC")
                .shouldFailOnError(true);
        if (full) {
            ob.warmupIterations(4).warmupTime(TimeValue.seconds(2)).measurementIterations(10).measurementTime(TimeValue.seconds(2));
        } else {
            ob.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        LoadRecorder rec = new LoadRecorder(OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL));
        double loadBefore = load1();
        Collection<RunResult> results;
        try {
            results = new Runner(ob.build(), rec).run();
        } catch (RunnerException e) {
            System.err.println("descent: bench optim failed: " + e.getMessage());
            return 1;
        }
        double loadAfter = load1();

        List<Row> rows = new ArrayList<>();
        for (RunResult rr : results) {
            for (BenchmarkResult br : rr.getBenchmarkResults()) {
                BenchmarkParams p = br.getParams();
                String name = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
                int threads = Integer.parseInt(p.getParam("threads"));
                // Sample-time mode: the statistics are over every timed step of every measured iteration.
                Statistics st = br.getPrimaryResult().getStatistics();
                double[] ld = rec.loads.getOrDefault(p.id(), new double[] {Double.NaN, Double.NaN});
                rows.add(new Row(name, threads, st.getPercentile(50), st.getMin(), st.getN(), ld[0], ld[1]));
            }
        }
        Map<String, String> impl = implementations();
        if (extra != null) impl.putAll(extra.implementations());
        Map<String, Double> stateBytes = stateBytesPerParam();
        if (extra != null) stateBytes.putAll(extra.stateBytesPerParam());
        Map<String, Double> registryBytes = new LinkedHashMap<>();
        for (OptimizerInfo info : OptimizerRegistry.defaults().all()) registryBytes.put(info.name(), 4 * info.stateFloatsPerParam());

        if (json) {
            out.println(json(rows, bytes, impl, stateBytes, registryBytes, extra, loadBefore, loadAfter, full));
        } else {
            printTable(out, rows, bytes, impl, stateBytes, registryBytes, extra, loadBefore, loadAfter, full);
        }
        return 0;
    }

    static double gbps(Row r, Map<String, Integer> bytes) {
        return gbps(r, bytes, r.medianMs());
    }

    static double gbps(Row r, Map<String, Integer> bytes, double ms) {
        return bytes.get(r.bench()) * (double) GptShapes.TOTAL / (ms * 1e-3) / 1e9;
    }

    static Row find(List<Row> rows, String bench, int threads) {
        for (Row r : rows) if (r.bench().equals(bench) && r.threads() == threads) return r;
        return null;
    }

    static void printTable(PrintStream out, List<Row> rows, Map<String, Integer> bytes, Map<String, String> impl,
                           Map<String, Double> stateBytes, Map<String, Double> registryBytes, Extra extra,
                           double loadBefore, double loadAfter, boolean full) {
        out.printf(Locale.ROOT, "Optimizer step over %,d float32 parameters (%d GPT-like tensors); JMH sample time, %s: median and min of every step timed in %s%n",
                GptShapes.TOTAL, GptShapes.shapes().size(), full ? "full" : "quick", full ? "10 × 2 s" : "5 × 1 s");
        out.printf(Locale.ROOT, "load average (1 min) before %.2f, after %.2f; %d cores%n", loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors());
        out.println("B/el: bytes moved per parameter (STREAM count, no write-allocate); GB/s and %copy/%triad from the median step,"
                + " %copy@min from the fastest step of each (least disturbed by other processes)");
        out.printf(Locale.ROOT, "%-16s %7s %9s %9s %6s %5s %7s %7s %7s %9s  %s%n",
                "benchmark", "threads", "ms/step", "min ms", "steps", "B/el", "GB/s", "%copy", "%triad", "%copy@min", "load 1m start→end");
        for (Row r : rows) {
            Row copy = find(rows, "copy", r.threads());
            Row triad = find(rows, "triad", r.threads());
            double g = gbps(r, bytes);
            out.printf(Locale.ROOT, "%-16s %7d %9.2f %9.2f %6d %5d %7.2f %7s %7s %9s  %.2f→%.2f%n",
                    r.bench(), r.threads(), r.medianMs(), r.minMs(), r.steps(), bytes.get(r.bench()), g,
                    copy == null ? "-" : String.format(Locale.ROOT, "%.1f", 100 * g / gbps(copy, bytes)),
                    triad == null ? "-" : String.format(Locale.ROOT, "%.1f", 100 * g / gbps(triad, bytes)),
                    copy == null ? "-" : String.format(Locale.ROOT, "%.1f",
                            100 * gbps(r, bytes, r.minMs()) / gbps(copy, bytes, copy.minMs())),
                    r.loadStart(), r.loadEnd());
        }
        if (extra != null && extra.peerOf() != null) {
            for (int t : new int[] {1, 2}) {
                Row ours = find(rows, extra.peerOf(), t);
                Row peer = find(rows, extra.peerName(), t);
                if (ours != null && peer != null) {
                    out.printf(Locale.ROOT, "%s vs %s, %d thread(s): ours %.2f ms, peer %.2f ms; time ours/peer = %.3f (ours %.2f× faster)%n",
                            extra.peerOf(), extra.peerName(), t, ours.medianMs(), peer.medianMs(),
                            ours.medianMs() / peer.medianMs(), peer.medianMs() / ours.medianMs());
                }
            }
        }
        out.println("Implementations measured:");
        for (var e : impl.entrySet()) out.printf("  %-16s %s%n", e.getKey(), e.getValue());
        out.println("State bytes per parameter (measured from the optimizers above):");
        for (var e : stateBytes.entrySet()) out.printf(Locale.ROOT, "  %-16s %.1f%n", e.getKey(), e.getValue());
        out.println("State bytes per parameter of every registered optimizer (4 × stateFloatsPerParam):");
        if (registryBytes.isEmpty()) out.println("  (no optimizer family is registered on this classpath)");
        for (var e : registryBytes.entrySet()) out.printf(Locale.ROOT, "  %-16s %.1f%n", e.getKey(), e.getValue());
    }

    static String json(List<Row> rows, Map<String, Integer> bytes, Map<String, String> impl, Map<String, Double> stateBytes,
                       Map<String, Double> registryBytes, Extra extra, double loadBefore, double loadAfter, boolean full) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"benchmark\":\"optim\",\"params\":").append(GptShapes.TOTAL)
                .append(",\"tensors\":").append(GptShapes.shapes().size())
                .append(",\"mode\":\"").append(full ? "full" : "quick").append('"')
                .append(",\"load_before\":").append(num(loadBefore)).append(",\"load_after\":").append(num(loadAfter))
                .append(",\"results\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Row copy = find(rows, "copy", r.threads());
            double g = gbps(r, bytes);
            if (i > 0) sb.append(',');
            sb.append("{\"benchmark\":\"").append(r.bench()).append("\",\"threads\":").append(r.threads())
                    .append(",\"ms_per_step\":").append(num(r.medianMs())).append(",\"min_ms\":").append(num(r.minMs()))
                    .append(",\"steps_timed\":").append(r.steps())
                    .append(",\"bytes_per_param\":").append(bytes.get(r.bench()))
                    .append(",\"gb_per_s\":").append(num(g))
                    .append(",\"pct_of_copy\":").append(copy == null ? "null" : num(100 * g / gbps(copy, bytes)))
                    .append(",\"pct_of_copy_at_min\":").append(copy == null ? "null"
                            : num(100 * gbps(r, bytes, r.minMs()) / gbps(copy, bytes, copy.minMs())))
                    .append(",\"load_start\":").append(num(r.loadStart())).append(",\"load_end\":").append(num(r.loadEnd()))
                    .append('}');
        }
        sb.append("],\"implementations\":").append(strMap(impl));
        sb.append(",\"state_bytes_per_param\":").append(numMap(stateBytes));
        sb.append(",\"registry_state_bytes_per_param\":").append(numMap(registryBytes));
        sb.append('}');
        return sb.toString();
    }

    static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : "null";
    }

    static String strMap(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        for (var e : m.entrySet()) {
            if (sb.length() > 1) sb.append(',');
            sb.append('"').append(e.getKey()).append("\":\"").append(e.getValue().replace("\"", "\\\"")).append('"');
        }
        return sb.append('}').toString();
    }

    static String numMap(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        for (var e : m.entrySet()) {
            if (sb.length() > 1) sb.append(',');
            sb.append('"').append(e.getKey()).append("\":").append(num(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** The 1-minute load average, or NaN where /proc/loadavg is missing. */
    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A tiny model with a matrix and a vector, to build each optimizer cheaply in this JVM. */
    static final class Tiny extends Module {
        Tiny() {
            parameter("weight", ParameterRole.HIDDEN_MATRIX, 64, 32);
            parameter("bias", ParameterRole.BIAS, 32);
        }
    }

    private static Map<String, Optimizer> tinyOptimizers() {
        Map<String, Optimizer> m = new LinkedHashMap<>();
        m.put("adamwStep", StepOptimizers.adamw(FlatParameters.of(new Tiny())));
        m.put("lionStep", StepOptimizers.lion(FlatParameters.of(new Tiny())));
        m.put("sgdMomentumStep", StepOptimizers.sgdMomentum(FlatParameters.of(new Tiny())));
        return m;
    }

    /** Which class each step benchmark measures (decided exactly as in the forks). */
    static Map<String, String> implementations() {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : tinyOptimizers().entrySet()) m.put(e.getKey(), StepOptimizers.implementation(e.getValue()));
        m.put("copy", "System.arraycopy, split over Parallel threads");
        m.put("triad", "FloatVector a = b + s*c, " + OptimizerSteps.S.length() + " lanes, split over Parallel threads");
        return m;
    }

    /** State floats of each benchmarked optimizer, counted from its state tensors, × 4 bytes. */
    static Map<String, Double> stateBytesPerParam() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (var e : tinyOptimizers().entrySet()) {
            long n = 0;
            for (Tensor t : e.getValue().state().values()) n += t.size();
            m.put(e.getKey(), 4.0 * n / (64 * 32 + 32));
        }
        return m;
    }

    /** Passes JMH's output through and notes the load average as each benchmark starts and ends. */
    static final class LoadRecorder implements OutputFormat {
        final OutputFormat d;
        final Map<String, double[]> loads = new HashMap<>();

        LoadRecorder(OutputFormat d) { this.d = d; }

        @Override
        public void iteration(BenchmarkParams b, IterationParams p, int i) { d.iteration(b, p, i); }

        @Override
        public void iterationResult(BenchmarkParams b, IterationParams p, int i, IterationResult r) { d.iterationResult(b, p, i, r); }

        @Override
        public void startBenchmark(BenchmarkParams b) {
            loads.put(b.id(), new double[] {load1(), Double.NaN});
            d.startBenchmark(b);
        }

        @Override
        public void endBenchmark(BenchmarkResult r) {
            double[] l = loads.get(r.getParams().id());
            if (l != null) l[1] = load1();
            d.endBenchmark(r);
        }

        @Override
        public void startRun() { d.startRun(); }

        @Override
        public void endRun(Collection<RunResult> r) { d.endRun(r); }

        @Override
        public void print(String s) { d.print(s); }

        @Override
        public void println(String s) { d.println(s); }

        @Override
        public void flush() { d.flush(); }

        @Override
        public void close() { d.close(); }

        @Override
        public void verbosePrintln(String s) { d.verbosePrintln(s); }

        @Override
        public void write(int b) { d.write(b); }

        @Override
        public void write(byte[] b) throws IOException { d.write(b); }
    }
}
