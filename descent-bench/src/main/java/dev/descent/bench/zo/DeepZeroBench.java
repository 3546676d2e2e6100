package dev.descent.bench.zo;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.optim.HyperParams;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerRegistry;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DeepZero on digits: an MLP 64-32-10 trained on optdigits-train (3823 rows, features /16) and
 * tested on digits.csv (1797 rows), by zeroth-order CGE with ZO-GraSP sparsity ({@code deepzero})
 * and by first-order SGD and Adam, with the same minibatches (batch 64, Philox-shuffled per seed).
 * Prints a Markdown table: test accuracy (mean ± sd over seeds), forward passes (ZO: objective
 * evaluations; FO: one forward and one backward per step), wall time.
 *
 * <p>Usage: {@code bin/descent experiment run deepzero-digits [--set steps=N] [--set seeds=K]} (defaults 600
 * steps, 3 seeds), or {@code DeepZeroBench [steps] [seeds]}.
 */
public final class DeepZeroBench {
    private DeepZeroBench() {}

    record Arm(String label, String optimizer, Map<String, String> hyper) {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        run(steps, seeds, System.out);
    }

    /** Runs every arm for {@code steps} steps and {@code seeds} seeds and prints the Markdown table to {@code out}. */
    public static void run(int steps, int seeds, java.io.PrintStream out) {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
        ClassificationData train = Datasets.digitsTrain().scaled(1f / 16);
        ClassificationData test = Datasets.digitsTest().scaled(1f / 16);
        List<Arm> arms = List.of(
                new Arm("FO sgd (lr 0.1, momentum 0.9)", "sgd", Map.of("lr", "0.1", "momentum", "0.9")),
                new Arm("FO adam (lr 1e-3)", "adam", Map.of("lr", "1e-3")),
                new Arm("deepzero sparsity 0.9, mask grasp", "deepzero", Map.of("sparsity", "0.9", "lr", "0.1", "momentum", "0.9")),
                new Arm("deepzero sparsity 0.9, mask layer_random (every 100 steps)", "deepzero",
                        Map.of("sparsity", "0.9", "mask", "layer_random", "mask_interval", "100", "lr", "0.1", "momentum", "0.9")),
                new Arm("deepzero sparsity 0 (dense CGE)", "deepzero", Map.of("sparsity", "0", "lr", "0.1", "momentum", "0.9")),
                new Arm("deepzero sparsity 0.9, 64 random coordinates per step", "deepzero",
                        Map.of("sparsity", "0.9", "coords_per_step", "64", "lr", "0.1", "momentum", "0.9")));
        out.printf("MLP 64-32-10 on digits, %d steps of batch 64, %d seeds, %d threads%n%n", steps, seeds, Parallel.threads());
        out.println("| method | test accuracy | forward passes per run | wall time per run |");
        out.println("|---|---|---|---|");
        for (Arm arm : arms) {
            double[] acc = new double[seeds];
            double passes = 0;
            double seconds = 0;
            for (int s = 0; s < seeds; s++) {
                long t0 = System.nanoTime();
                double[] r = run(arm, train, test, steps, s + 1);
                seconds += (System.nanoTime() - t0) / 1e9 / seeds;
                acc[s] = r[0];
                passes += r[1] / seeds;
            }
            out.printf(Locale.ROOT, "| %s | %s | %.3g | %.1f s |%n", arm.label(), meanSd(acc), passes, seconds);
        }
    }

    /** Returns {test accuracy, forward passes}. */
    static double[] run(Arm arm, ClassificationData train, ClassificationData test, int steps, long seed) {
        DigitsMlp net = new DigitsMlp(seed, 64, 32, 10);
        Optimizer opt;
        HyperParams h = new HyperParams(withSeed(arm, seed));
        opt = OptimizerRegistry.defaults().create(arm.optimizer(), net.model.parameters(), h);
        long queries = 0;
        int[] order = new int[0];
        int pos = train.rows();
        int epoch = 0;
        for (int t = 0; t < steps; t++) {
            if (pos + 64 > train.rows()) {
                order = shuffle(train.rows(), seed, epoch++);
                pos = 0;
            }
            net.setBatch(DigitsMlp.batch(train, java.util.Arrays.copyOfRange(order, pos, pos + 64)));
            pos += 64;
            if (opt.needsGradients()) {
                opt.zeroGrad();
                net.lossWithTape().backward();
                opt.step();
            } else {
                queries += opt.step(net).queries(); // zeroth order: the optimizer evaluates the network (on replicas)
            }
        }
        double passes = opt.needsGradients() ? steps : queries;
        return new double[] {net.accuracy(test, null), passes};
    }

    private static Map<String, String> withSeed(Arm arm, long seed) {
        if (!arm.optimizer().equals("deepzero")) return arm.hyper();
        var m = new java.util.LinkedHashMap<>(arm.hyper());
        m.put("seed", Long.toString(seed));
        return m;
    }

    static int[] shuffle(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Philox rng = Philox.stream(seed, "bench/batches").derive(epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i, i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    static String meanSd(double[] x) {
        return dev.descent.bench.report.Stats.meanSd(x, 3);
    }
}
