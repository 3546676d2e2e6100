package dev.descent.bench;

import dev.descent.tensor.Gemm;
import dev.descent.tensor.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code descent bench gemm}: float32 {@code C = A * B} on square matrices, ours against
 * numpy/OpenBLAS run as a child process (when {@code python3} with numpy is present).
 *
 * <p>After a global JIT warm-up, for each size and thread count: a short warm-up, then
 * {@value #SAMPLES} timed samples, each averaging enough calls to last at least ~20 ms; the median
 * sample gives GFLOPS = 2n^3 / t. The Python side ({@code gemm_numpy.py}, a resource next to this
 * class) measures the same way with {@code OPENBLAS_NUM_THREADS} set to the thread count and
 * {@code OPENBLAS_CORETYPE} / {@code OPENBLAS_L2_SIZE} removed from its environment, so OpenBLAS
 * detects the machine itself.
 */
public final class GemmBenchmark {
    static final int[] SIZES = {256, 512, 1024};
    static final int[] THREADS = {1, 2};
    static final int SAMPLES = 11;

    private GemmBenchmark() {}

    public static void main(String[] args) {
        boolean json = Arrays.asList(args).contains("--json");
        System.exit(run(json, System.out));
    }

    /** Runs the benchmark and prints a table (or one JSON line); returns a process exit code. */
    public static int run(boolean json, PrintStream out) {
        int savedThreads = Parallel.threads();
        Map<String, Double> ours = new HashMap<>();
        try {
            warmUp();
            for (int t : THREADS) {
                Parallel.setThreads(t);
                for (int n : SIZES) ours.put(n + "/" + t, measureOurs(n));
            }
        } finally {
            Parallel.setThreads(savedThreads);
        }
        Map<String, Double> blas = new HashMap<>();
        String blasNote = null;
        for (int t : THREADS) {
            try {
                Map<String, Double> r = measureNumpy(t);
                for (var e : r.entrySet()) blas.put(e.getKey() + "/" + t, e.getValue());
            } catch (Exception e) {
                blasNote = "numpy/OpenBLAS not measured: " + e.getMessage();
                blas.clear();
                break;
            }
        }
        if (json) {
            StringBuilder sb = new StringBuilder("{\"benchmark\":\"gemm\",\"op\":\"C=A*B float32 square\",\"results\":[");
            boolean first = true;
            for (int t : THREADS) {
                for (int n : SIZES) {
                    Double o = ours.get(n + "/" + t), b = blas.get(n + "/" + t);
                    if (!first) sb.append(',');
                    first = false;
                    sb.append(String.format(Locale.ROOT, "{\"n\":%d,\"threads\":%d,\"ours_gflops\":%.1f,\"openblas_gflops\":%s,\"ratio\":%s}",
                            n, t, o, b == null ? "null" : String.format(Locale.ROOT, "%.1f", b),
                            b == null ? "null" : String.format(Locale.ROOT, "%.3f", o / b)));
                }
            }
            sb.append(']');
            if (blasNote != null) sb.append(",\"note\":\"").append(blasNote.replace("\\", "\\\\").replace("\"", "'")).append('"');
            sb.append('}');
            out.println(sb);
        } else {
            out.printf(Locale.ROOT, "GEMM C = A*B, float32, square; median of %d samples (GFLOPS = 2n^3/t)%n", SAMPLES);
            out.printf(Locale.ROOT, "%6s %8s %12s %16s %7s%n", "n", "threads", "ours GFLOPS", "OpenBLAS GFLOPS", "ratio");
            for (int t : THREADS) {
                for (int n : SIZES) {
                    Double o = ours.get(n + "/" + t), b = blas.get(n + "/" + t);
                    out.printf(Locale.ROOT, "%6d %8d %12.1f %16s %7s%n", n, t, o,
                            b == null ? "-" : String.format(Locale.ROOT, "%.1f", b),
                            b == null ? "-" : String.format(Locale.ROOT, "%.2f", o / b));
                }
            }
            if (blasNote != null) out.println(blasNote + " (ours only)");
        }
        return 0;
    }

    /**
     * JIT warm-up before any timing: the Vector API kernel is very slow until C2 has compiled it
     * (interpreted vector code allocates), which takes a second or more on a busy machine.
     */
    static void warmUp() {
        int n = 512;
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int t : THREADS) {
            Parallel.setThreads(t);
            long end = System.nanoTime() + 1_250_000_000L;
            while (System.nanoTime() < end) {
            Gemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                Gemm.gemm(false, false, 256, 256, 256, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            }
        }
    }

    /** Median GFLOPS of our GEMM for one size at the current thread count. */
    static double measureOurs(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        Runnable call = () -> Gemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        // warm-up, at least 0.5 s, and choose calls per sample (>= ~20 ms)
        int inner = 1;
        long deadline = System.nanoTime() + 500_000_000L;
        while (true) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) call.run();
            long dt = System.nanoTime() - t0;
            if (dt >= 20_000_000L && System.nanoTime() >= deadline) break;
            if (dt < 20_000_000L) inner *= 2;
        }
        double[] times = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) call.run();
            times[s] = (System.nanoTime() - t0) / 1e9 / inner;
        }
        Arrays.sort(times);
        return 2.0 * n * n * n / times[SAMPLES / 2] / 1e9;
    }

    /** Runs the numpy script with the given OpenBLAS thread count; size to median GFLOPS. */
    static Map<String, Double> measureNumpy(int threads) throws IOException, InterruptedException {
        Path script = Files.createTempFile("descent-gemm-", ".py");
        try {
            try (InputStream in = GemmBenchmark.class.getResourceAsStream("gemm_numpy.py")) {
                if (in == null) throw new IOException("resource gemm_numpy.py missing");
                Files.write(script, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of("python3", script.toString(),
                    String.join(",", Arrays.stream(SIZES).mapToObj(String::valueOf).toList()), String.valueOf(SAMPLES)));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().remove("OPENBLAS_CORETYPE");
            pb.environment().remove("OPENBLAS_L2_SIZE");
            pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
            pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads)); // an OpenMP build of OpenBLAS reads this one
            pb.redirectErrorStream(false);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IOException("python3 not found");
            }
            byte[] stdout = p.getInputStream().readAllBytes();
            byte[] stderr = p.getErrorStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("python3 timed out");
            }
            if (p.exitValue() == 3) throw new IOException("python3 has no numpy");
            if (p.exitValue() != 0) {
                throw new IOException("python3 exited with " + p.exitValue() + ": "
                        + new String(stderr, StandardCharsets.UTF_8).strip());
            }
            Map<String, Double> r = new HashMap<>();
            Matcher m = Pattern.compile("\"(\\d+)\"\\s*:\\s*([0-9.eE+-]+)").matcher(new String(stdout, StandardCharsets.UTF_8));
            while (m.find()) r.put(m.group(1), Double.parseDouble(m.group(2)));
            if (r.isEmpty()) throw new IOException("unexpected output from python3: " + new String(stdout, StandardCharsets.UTF_8));
            return r;
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
