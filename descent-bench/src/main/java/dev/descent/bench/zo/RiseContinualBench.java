package dev.descent.bench.zo;

import dev.descent.continual.Streams;
import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.nn.FlatParameters;
import dev.descent.optim.GradientTransformation;
import dev.descent.optim.Objective;
import dev.descent.optim.ParamSet;
import dev.descent.optim.TransformOptimizer;
import dev.descent.optim.Transforms;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.train.TrainingLoop;
import dev.descent.zo.Rise;
import java.util.List;
import java.util.Locale;

/**
 * Continual split digits: does RISE keep FO's plasticity with less forgetting?
 *
 * <p>Five tasks of two classes each — {0,1}, {2,3}, {4,5}, {6,7}, {8,9} — trained one after another
 * on optdigits-train (features /16), each for {@code steps} SGD steps of batch 32 from the task's
 * rows only; after every task, accuracy on each task's rows of digits.csv. One MLP 64-64-10 with a
 * <b>shared 10-way head</b>, trained with the 10-way cross-entropy on the original labels and
 * evaluated task-aware (argmax over the task's two classes), so forgetting measures damage to the
 * shared features and to the old classes' relative logits.
 *
 * <p>Arms, all plain SGD (no momentum) at the same learning rate, so the norm-matched arms take steps
 * of the FO step's expected squared norm:
 * <ul>
 *   <li>FO: the exact minibatch gradient.</li>
 *   <li>norm-matched ZO: central finite differences (f(θ + εu_i) − f(θ − εu_i))/(2ε), ε = 1e-3, of the
 *       minibatch loss along q Gaussian directions over the whole parameter vector (one block,
 *       d = 4810), ĝ = c·(1/q)Σ D_i u_i with c = sqrt(q/(d + q + 1)); 2q forward passes per step.</li>
 *   <li>RISE: {@link Rise#shape} of the exact gradient, q directions per row block.</li>
 *   <li>RISE per tensor: the same with one block per tensor.</li>
 * </ul>
 * Metrics over seeds (model init, batches and directions): average final accuracy over the five
 * tasks, average forgetting over the first four (max accuracy during the sequence − final), and
 * average accuracy on each task right after learning it (plasticity), and the abstract's diagnostic at
 * each task switch t ≥ 1 (before training task t): κ_g = gᵀHg/‖g‖² for the new task's gradient g
 * (on 256 of its rows) against the isotropic floor κ̄ = tr H/d (Hutchinson, 60 Rademacher probes; its standard error is printed with it only through the spread over seeds),
 * H the Hessian of the retention loss (512 of the earlier tasks' training rows), Hessian-vector products by
 * central differences of gradients (ε = 1e-3 along unit vectors). The abstract predicts norm-matched
 * shaping to forget less than FO exactly when κ_g &gt; κ̄.
 *
 * <p>Usage: {@code bin/descent experiment run rise-continual [--set steps=N] [--set seeds=K] [--set q=Q]
 * [--set lr=LR] [--set eval=task|class]}, or {@code RiseContinualBench [steps per task] [seeds] [q] [lr]
 * [task|class]} (defaults 300, 3, 4, 0.05, task). {@code class} evaluates class-incrementally instead: the argmax over all ten
 * classes, still reported per task.
 */
public final class RiseContinualBench {
    private RiseContinualBench() {}

    /** The split of the continual streams ({@link Streams#pairs}): five tasks of two classes. */
    private static final int[][] TASKS = Streams.pairs();

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int q = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        double lr = args.length > 3 ? Double.parseDouble(args[3]) : 0.05;
        boolean taskAware = args.length <= 4 || args[4].equals("task");
        run(steps, seeds, q, lr, taskAware, System.out);
    }

    /** Runs every arm and prints the Markdown table to {@code out} (parameters as in the class comment). */
    public static void run(int steps, int seeds, int q, double lr, boolean taskAware, java.io.PrintStream out) {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
        if (q < 1) throw new IllegalArgumentException("q must be >= 1, got " + q);
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        ClassificationData train = Datasets.digitsTrain().scaled(1f / 16);
        ClassificationData test = Datasets.digitsTest().scaled(1f / 16);
        out.printf(Locale.ROOT, "Split digits, 5 tasks × %d steps of batch 32, SGD lr %s, q = %d, %d seeds, %s evaluation, %d threads%n%n",
                steps, lr, q, seeds, taskAware ? "task-aware" : "class-incremental", Parallel.threads());
        out.println("| method | final accuracy (avg over tasks) | forgetting (avg over tasks 1-4) | accuracy right after learning | κ_g at task switches | κ̄ at task switches | forward passes per step | wall time per run |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (String arm : List.of("FO sgd", "norm-matched ZO (finite differences)", "RISE (row blocks)", "RISE (tensor blocks)")) {
            double[] fin = new double[seeds], forg = new double[seeds], plast = new double[seeds], kappaG = new double[seeds], kappaBar = new double[seeds];
            double seconds = 0;
            for (int s = 0; s < seeds; s++) {
                long t0 = System.nanoTime();
                double[][] r = run(arm, train, test, steps, q, lr, s + 1, taskAware);
                seconds += (System.nanoTime() - t0) / 1e9 / seeds;
                int last = TASKS.length - 1;
                kappaG[s] = r[TASKS.length][0];
                kappaBar[s] = r[TASKS.length][1];
                for (int j = 0; j < TASKS.length; j++) {
                    fin[s] += r[last][j] / TASKS.length;
                    plast[s] += r[j][j] / TASKS.length;
                    if (j < last) {
                        double best = 0;
                        for (int t = j; t <= last; t++) best = Math.max(best, r[t][j]);
                        forg[s] += (best - r[last][j]) / last;
                    }
                }
            }
            String passes = arm.startsWith("norm-matched") ? (2 * q + 1) + " (forward only)" : "1 forward + 1 backward";
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.1f s |%n", arm, DeepZeroBench.meanSd(fin), DeepZeroBench.meanSd(forg),
                    DeepZeroBench.meanSd(plast), DeepZeroBench.meanSd(kappaG), DeepZeroBench.meanSd(kappaBar), passes, seconds);
        }
    }

    /** acc[t][j]: accuracy on task j after training task t; acc[5][0], acc[5][1]: mean κ_g and κ̄ over the task switches. */
    static double[][] run(String arm, ClassificationData train, ClassificationData test, int steps, int q, double lr, long seed, boolean taskAware) {
        DigitsMlp net = new DigitsMlp(seed, 64, 64, 10);
        FlatParameters params = net.model.parameters();
        GradientTransformation shaping = switch (arm) {
            case "RISE (row blocks)" -> Rise.shape(q, Rise.Blocks.parse("row"), Rise.Directions.GAUSSIAN, seed);
            case "RISE (tensor blocks)" -> Rise.shape(q, Rise.Blocks.parse("tensor"), Rise.Directions.GAUSSIAN, seed);
            default -> Transforms.identity();
        };
        TransformOptimizer opt = new TransformOptimizer("continual", ParamSet.of(params), params.grads(),
                Transforms.chain(shaping, Transforms.scaleByLearningRate(lr)));
        boolean zo = arm.startsWith("norm-matched");
        double[][] acc = new double[TASKS.length + 1][TASKS.length];
        ClassificationData[] taskTest = new ClassificationData[TASKS.length];
        for (int j = 0; j < TASKS.length; j++) taskTest[j] = Streams.onlyClasses(test, "test/" + j, TASKS[j]);
        for (int t = 0; t < TASKS.length; t++) {
            ClassificationData task = Streams.onlyClasses(train, "train/" + t, TASKS[t]);
            if (t > 0) {
                int[] old = new int[2 * t];
                for (int k = 0; k < 2 * t; k++) old[k] = TASKS[k / 2][k % 2];
                double[] k = curvature(net, Streams.onlyClasses(train, "retention", old), task, seed, t);
                acc[TASKS.length][0] += k[0] / (TASKS.length - 1);
                acc[TASKS.length][1] += k[1] / (TASKS.length - 1);
            }
            // The steps of task t are the loop's steps t·steps … (t+1)·steps − 1 (the ZO directions are keyed by them).
            Objective objective = new TaskObjective(net, params, task, seed * 100 + t, (long) t * steps, zo, q, seed);
            try {
                new TrainingLoop(opt, objective, params.grads()).onNonFinite(TrainingLoop.NonFinite.CONTINUE)
                        .run((long) t * steps, (long) (t + 1) * steps);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // no callback writes anything
            }
            for (int j = 0; j < TASKS.length; j++) acc[t][j] = net.accuracy(taskTest[j], taskAware ? TASKS[j] : null);
        }
        return acc;
    }

    /**
     * One task's objective: step k's batch is the 32 rows at position (k − first) mod (epoch length)
     * of the epoch's shuffle ({@link DeepZeroBench#shuffle} keyed by the task and the epoch); the
     * gradient is exact, or for the norm-matched ZO arm the finite-difference estimate
     * ({@link #finiteDifferenceZo}, whose loss is the mean of its f(θ + εu)).
     */
    private static final class TaskObjective implements Objective {
        private final DigitsMlp net;
        private final FlatParameters params;
        private final ClassificationData task;
        private final long shuffleSeed;
        private final long first;
        private final boolean zo;
        private final int q;
        private final long seed;
        private int[] order = new int[0];
        private long epoch = -1;
        private long step;

        TaskObjective(DigitsMlp net, FlatParameters params, ClassificationData task, long shuffleSeed, long first, boolean zo, int q, long seed) {
            this.net = net;
            this.params = params;
            this.task = task;
            this.shuffleSeed = shuffleSeed;
            this.first = first;
            this.zo = zo;
            this.q = q;
            this.seed = seed;
        }

        @Override
        public void prepare(long k) {
            step = k;
            long perEpoch = task.rows() / 32;
            long e = (k - first) / perEpoch;
            if (e != epoch) {
                order = DeepZeroBench.shuffle(task.rows(), shuffleSeed, (int) e);
                epoch = e;
            }
            int pos = (int) ((k - first) % perEpoch) * 32;
            net.setBatch(DigitsMlp.batch(task, java.util.Arrays.copyOfRange(order, pos, pos + 32)));
        }

        @Override
        public double loss() { return net.loss(); }

        @Override
        public double lossAndGradient() {
            if (zo) return finiteDifferenceZo(net, params, q, seed, step);
            var loss = net.lossWithTape();
            loss.backward();
            return loss.item();
        }
    }

    /** {κ_g, κ̄} of the retention loss on {@code retention} for the gradient of {@code task} (see the class comment). */
    static double[] curvature(DigitsMlp net, ClassificationData retention, ClassificationData task, long seed, int t) {
        FlatParameters params = net.model.parameters();
        int d = params.size();
        int[] rows = DeepZeroBench.shuffle(task.rows(), seed * 100 + t, 999);
        net.setBatch(DigitsMlp.batch(task, java.util.Arrays.copyOf(rows, Math.min(256, task.rows()))));
        double[] g = gradient(net);
        int[] kept = DeepZeroBench.shuffle(retention.rows(), seed * 100 + t, 998);
        net.setBatch(DigitsMlp.batch(retention, java.util.Arrays.copyOf(kept, Math.min(512, retention.rows()))));
        double kappaG = rayleigh(net, g);
        Philox rng = Philox.stream(seed, "bench/hutchinson").derive(t);
        float[] u = new float[d];
        double kappaBar = 0;
        int probes = 60;
        for (int p = 0; p < probes; p++) {
            rng.fillUniform(u, 0, d, (long) p * d);
            double[] v = new double[d];
            for (int k = 0; k < d; k++) v[k] = u[k] < 0.5f ? -1 : 1;
            kappaBar += rayleigh(net, v) / probes;
        }
        params.zeroGrad();
        return new double[] {kappaG, kappaBar};
    }

    /** vᵀHv/‖v‖² by a central difference of gradients along v/‖v‖. */
    private static double rayleigh(DigitsMlp net, double[] v) {
        float[] theta = net.model.parameters().values();
        float[] saved = theta.clone();
        double norm = 0;
        for (double x : v) norm += x * x;
        norm = Math.sqrt(norm);
        double eps = 1e-3;
        for (int k = 0; k < theta.length; k++) theta[k] = (float) (saved[k] + eps * v[k] / norm);
        double[] plus = gradient(net);
        for (int k = 0; k < theta.length; k++) theta[k] = (float) (saved[k] - eps * v[k] / norm);
        double[] minus = gradient(net);
        System.arraycopy(saved, 0, theta, 0, theta.length);
        double r = 0;
        for (int k = 0; k < theta.length; k++) r += (v[k] / norm) * (plus[k] - minus[k]) / (2 * eps);
        return r;
    }

    private static double[] gradient(DigitsMlp net) {
        FlatParameters params = net.model.parameters();
        params.zeroGrad();
        net.lossWithTape().backward();
        float[] g = params.grads();
        double[] out = new double[g.length];
        for (int k = 0; k < g.length; k++) out[k] = g[k];
        return out;
    }

    /** Writes the norm-matched central-difference ZO estimate into the gradient buffer; returns the mean of f(θ + εu_i). */
    static double finiteDifferenceZo(DigitsMlp net, FlatParameters params, int q, long seed, long step) {
        float[] theta = params.values();
        float[] g = params.grads();
        int d = theta.length;
        float[] saved = theta.clone();
        float[] u = new float[d];
        double eps = 1e-3;
        double[] acc = new double[d];
        double plusSum = 0;
        Philox rng = Philox.stream(seed, "bench/zo-directions").derive(step);
        for (int i = 0; i < q; i++) {
            rng.fillGaussian(u, 0, d, (long) i * d);
            for (int k = 0; k < d; k++) theta[k] = (float) (saved[k] + eps * u[k]);
            double plus = net.loss();
            plusSum += plus;
            for (int k = 0; k < d; k++) theta[k] = (float) (saved[k] - eps * u[k]);
            double minus = net.loss();
            System.arraycopy(saved, 0, theta, 0, d);
            double dd = (plus - minus) / (2 * eps);
            for (int k = 0; k < d; k++) acc[k] += dd * u[k];
        }
        double c = Rise.normConstant(d, q, Rise.Directions.GAUSSIAN) / q;
        for (int k = 0; k < d; k++) g[k] = (float) (c * acc[k]);
        return plusSum / q;
    }
}
