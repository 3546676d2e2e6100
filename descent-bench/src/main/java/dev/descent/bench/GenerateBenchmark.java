package dev.descent.bench;

import dev.descent.autograd.NoGrad;
import dev.descent.nn.Generation;
import dev.descent.nn.GenerationConfig;
import dev.descent.nn.Generator;
import dev.descent.nn.Gpt;
import dev.descent.nn.GptConfig;
import dev.descent.nn.KvCache;
import dev.descent.nn.Sampling;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code descent bench generate}: sampling speed of the KV-cached {@link Generator} against the
 * scheme {@link Gpt#generate} used before the cache (re-run the whole cropped context for every
 * token, batch 1) and against nanoGPT's {@code generate} in PyTorch (run as a child process by
 * {@code bench/generate_nanogpt.py} when a nanoGPT checkout is given).
 *
 * <p>Shape: the Shakespeare-char recipe's model (n_layer 4, n_head 4, n_embd 128, vocab 65, no
 * bias) with block_size 320 instead of 64, so that a 64-token prompt plus 256 new tokens fits the
 * context and the cache is never rebuilt; 16 prompts of 64 tokens, 256 new tokens each,
 * temperature 1, no top-k (nanoGPT's defaults). Weights are the random initialisation (they do not
 * change the cost).
 *
 * <p>Each round measures, one after the other: the generator (16 × 256 tokens), the recomputing
 * loop (one sequence of 256 tokens: it is batch 1 by construction), one decode step of the 16
 * sequences with 16 and with 256 positions in the cache (median of {@value #STEP_REPS} steps each,
 * interleaved), and nanoGPT (one {@code generate} call plus its per-step forwards at context 16 and
 * 256). The report gives the median over rounds of each figure and of the per-round ratios, so that
 * a slow moment on a shared machine affects both sides of a ratio alike.
 */
public final class GenerateBenchmark {
    static final int BATCH = 16;
    static final int PROMPT = 64;
    static final int NEW = 256;
    static final int BLOCK = 320;
    static final int STEP_REPS = 20;

    private GenerateBenchmark() {}

    public static void main(String[] args) {
        System.exit(run(5, args.length > 0 ? Path.of(args[0]) : null, false, System.out));
    }

    /** Runs {@code rounds} rounds and prints a table (or one JSON line); returns a process exit code. */
    public static int run(int rounds, Path nanoGpt, boolean json, PrintStream out) {
        if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        Gpt model = new Gpt(new GptConfig(65, BLOCK, 4, 4, 128, 0f, false), 1337);
        model.train(false);
        int[][] prompts = new int[BATCH][PROMPT];
        Philox tokens = Philox.stream(7, "bench/generate");
        for (int b = 0; b < BATCH; b++) for (int i = 0; i < PROMPT; i++) prompts[b][i] = tokens.nextInt((long) b * PROMPT + i, 65);
        Generator generator = new Generator(model);

        // JIT warm-up of both paths
        generator.generate(prompts, GenerationConfig.sampling(64));
        recompute(model, prompts[0], 32, Philox.stream(0, "sample"));
        stepMillis(model, 16, 3);
        stepMillis(model, 256, 3);

        List<Double> cached = new ArrayList<>(), old = new ArrayList<>(), speedup = new ArrayList<>();
        List<Double> step16 = new ArrayList<>(), step256 = new ArrayList<>(), stepRatio = new ArrayList<>();
        List<Double> torch = new ArrayList<>(), vsTorch = new ArrayList<>(), torch16 = new ArrayList<>(), torch256 = new ArrayList<>();
        String torchNote = nanoGpt == null ? "not run (no --nanogpt DIR)" : null;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            Generation g = generator.generate(prompts, GenerationConfig.sampling(NEW).withSeed(r));
            double c = tokensPerSecond(g.batch() * NEW, t0);
            t0 = System.nanoTime();
            recompute(model, prompts[r % BATCH], NEW, Philox.stream(r, "sample"));
            double o = tokensPerSecond(NEW, t0);
            cached.add(c);
            old.add(o);
            speedup.add(c / o);
            double s16 = stepMillis(model, 16, STEP_REPS);
            double s256 = stepMillis(model, 256, STEP_REPS);
            step16.add(s16);
            step256.add(s256);
            stepRatio.add(s256 / s16);
            if (torchNote == null) {
                try {
                    double[] p = nanoGpt(nanoGpt);
                    torch.add(p[0]);
                    vsTorch.add(c / p[0]);
                    torch16.add(p[1]);
                    torch256.add(p[2]);
                } catch (IOException e) {
                    torchNote = e.getMessage();
                }
            }
        }
        String rev = revision();
        if (json) {
            out.printf(Locale.ROOT, "{\"benchmark\":\"generate\",\"revision\":\"%s\",\"threads\":%d,\"rounds\":%d,"
                            + "\"cached_tokens_per_s\":%.1f,\"recompute_tokens_per_s\":%.1f,\"speedup\":%.2f,"
                            + "\"step_ms_16\":%.3f,\"step_ms_256\":%.3f,\"step_ratio\":%.3f,"
                            + "\"nanogpt_tokens_per_s\":%s,\"vs_nanogpt\":%s,\"nanogpt_step_ms_16\":%s,\"nanogpt_step_ms_256\":%s}%n",
                    rev, Parallel.threads(), rounds, median(cached), median(old), median(speedup),
                    median(step16), median(step256), median(stepRatio),
                    orNull(torch), orNull(vsTorch), orNull(torch16), orNull(torch256));
            return 0;
        }
        out.printf(Locale.ROOT, "generate: 4-layer recipe model (n_head 4, n_embd 128, vocab 65) with block_size %d; "
                + "%d prompts x %d tokens, %d new tokens each; %d threads; medians of %d rounds; revision %s%n",
                BLOCK, BATCH, PROMPT, NEW, Parallel.threads(), rounds, rev);
        out.printf(Locale.ROOT, "  KV-cached generator          %10.1f tokens/s%n", median(cached));
        out.printf(Locale.ROOT, "  recompute per token (old)    %10.1f tokens/s   cached / old = %.1fx%n", median(old), median(speedup));
        out.printf(Locale.ROOT, "  decode step, 16 sequences:   %.3f ms with 16 cached positions, %.3f ms with 256   ratio %.2f%n",
                median(step16), median(step256), median(stepRatio));
        if (torchNote == null) {
            out.printf(Locale.ROOT, "  nanoGPT generate (PyTorch)   %10.1f tokens/s   cached / nanoGPT = %.1fx%n", median(torch), median(vsTorch));
            out.printf(Locale.ROOT, "  nanoGPT step (full forward): %.3f ms at context 16, %.3f ms at 256   ratio %.2f%n",
                    median(torch16), median(torch256), median(torch256) / median(torch16));
        } else {
            out.println("  nanoGPT: " + torchNote);
        }
        return 0;
    }

    /** The scheme of {@link Gpt#generate} before the KV cache: a full forward of the cropped context per token. */
    static int[] recompute(Gpt model, int[] prompt, int count, Philox rng) {
        int block = model.config().blockSize();
        int v = model.config().vocabSize();
        int[] seq = Arrays.copyOf(prompt, prompt.length + count);
        try (NoGrad ignored = NoGrad.open()) {
            for (int n = prompt.length; n < seq.length; n++) {
                int[] ctx = Arrays.copyOfRange(seq, Math.max(0, n - block), n);
                Tensor logits = model.forward(ctx, 1, ctx.length).value();
                float[] last = Arrays.copyOfRange(logits.data(), logits.offset() + (ctx.length - 1) * v, logits.offset() + ctx.length * v);
                seq[n] = Sampling.sample(last, 1f, 0, rng.uniform(n - prompt.length));
            }
        }
        return seq;
    }

    /** Median time of one decode step (one new token for each of 16 sequences) with {@code positions} already cached. */
    public static double stepMillis(Gpt model, int positions, int reps) {
        return stepMillis(model, BATCH, positions, reps);
    }

    /** {@link #stepMillis(Gpt, int, int)} with {@code batch} sequences instead of 16. */
    public static double stepMillis(Gpt model, int batch, int positions, int reps) {
        KvCache cache = new KvCache(model.config(), batch, positions + 1);
        int[][] chunk = new int[batch][];
        for (int b = 0; b < batch; b++) {
            chunk[b] = new int[positions];
            for (int i = 0; i < positions; i++) chunk[b][i] = (b + 3 * i) % 65;
        }
        model.forwardCached(cache, chunk, false);
        int[][] next = new int[batch][];
        for (int b = 0; b < batch; b++) next[b] = new int[] {b % 65};
        double[] ms = new double[reps];
        for (int r = 0; r < reps; r++) {
            for (int b = 0; b < batch; b++) cache.truncate(b, positions);
            long t0 = System.nanoTime();
            model.forwardCached(cache, next, false);
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    /** One run of bench/generate_nanogpt.py: {tokens/s, step ms at 16, step ms at 256}. */
    static double[] nanoGpt(Path dir) throws IOException {
        Path script = Path.of(System.getProperty("descent.home", "."), "bench", "generate_nanogpt.py");
        if (!Files.isRegularFile(script)) throw new IOException("not run: " + script + " is missing");
        if (!Files.isRegularFile(dir.resolve("model.py"))) throw new IOException("not run: no model.py in " + dir);
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString(), dir.toString(),
                "--batch", "" + BATCH, "--prompt", "" + PROMPT, "--new", "" + NEW, "--block", "" + BLOCK,
                "--threads", "" + Parallel.threads(), "--step-reps", "" + STEP_REPS);
        pb.environment().put("OMP_NUM_THREADS", "" + Parallel.threads());
        // Debian's torch finds BLAS through libblas.so.3; point it at OpenBLAS (OpenMP build) when installed
        Path openblas = Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp");
        if (Files.isDirectory(openblas)) pb.environment().merge("LD_LIBRARY_PATH", openblas.toString(), (a, b) -> b + ":" + a);
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("not run: python3 not found");
        }
        byte[] stdout = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("not run: python3 timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        String text = new String(stdout, StandardCharsets.UTF_8);
        String last = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
        if (last.contains("\"skipped\"")) throw new IOException("skipped: " + last);
        Matcher rate = Pattern.compile("\"tokens_per_s\": \\[([0-9.eE+-]+)").matcher(last);
        Matcher s16 = Pattern.compile("\"step_ms_16\": ([0-9.eE+-]+)").matcher(last);
        Matcher s256 = Pattern.compile("\"step_ms_256\": ([0-9.eE+-]+)").matcher(last);
        if (p.exitValue() != 0 || !rate.find() || !s16.find() || !s256.find()) {
            throw new IOException("failed (exit " + p.exitValue() + "): " + text.strip().lines().reduce((a, b) -> b).orElse(""));
        }
        return new double[] {Double.parseDouble(rate.group(1)), Double.parseDouble(s16.group(1)), Double.parseDouble(s256.group(1))};
    }

    private static double tokensPerSecond(int tokens, long startNanos) {
        return tokens / ((System.nanoTime() - startNanos) / 1e9);
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    private static String orNull(List<Double> xs) {
        return xs.isEmpty() ? "null" : String.format(Locale.ROOT, "%.3f", median(xs));
    }

    private static String revision() {
        try {
            Process p = new ProcessBuilder("git", "-C", System.getProperty("descent.home", "."), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? s : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
