package dev.descent.continual;

import dev.descent.data.ClassificationData;
import dev.descent.optim.ParamSet;
import dev.descent.optim.TransformOptimizer;
import dev.descent.optim.Transforms;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FeTrIL, feature translation for exemplar-free class-incremental learning (Petit et al., WACV 2023),
 * after the authors' code (GregoirePetit/FeTrIL, {@code codes/compute_distances.py} at commit
 * e010af091e2774408c4b5ff590a59eb27d99933c):
 * <ol>
 *   <li>the first task trains the whole network; afterwards the feature extractor (every layer but the
 *       output layer) is frozen;</li>
 *   <li>each class's centroid μ_c of its real features is stored when the class is learned (no
 *       exemplars are kept);</li>
 *   <li>at task t, every past class c gets pseudo-features translated from the new class n whose
 *       centroid is nearest to μ_c (Euclidean): f̂ = f − μ_n + μ_c for every real feature f of class n;</li>
 *   <li>a linear classifier over all classes seen so far is trained from scratch on the real features of
 *       the new classes and the pseudo-features of the past ones.</li>
 * </ol>
 * Open choice: the authors train a LinearSVC per state; here the classifier is a softmax linear layer
 * trained by SGD on the one loop ({@code head_steps} steps of batch {@code head_batch}, learning rate
 * {@code head_lr}), so its scores come out of the same code path as every other head.
 */
public final class Fetril implements Strategy {
    private final int headSteps;
    private final int headBatch;
    private final double headLr;
    private final long seed;
    private final Map<Integer, double[]> centroids = new LinkedHashMap<>();
    private Learner head;

    public Fetril(int headSteps, int headBatch, double headLr, long seed) {
        if (headSteps < 1) throw new IllegalArgumentException("head_steps must be >= 1, got " + headSteps);
        if (headBatch < 1) throw new IllegalArgumentException("head_batch must be >= 1, got " + headBatch);
        if (!(headLr > 0) || !Double.isFinite(headLr)) throw new IllegalArgumentException("head_lr must be > 0, got " + headLr);
        this.headSteps = headSteps;
        this.headBatch = headBatch;
        this.headLr = headLr;
        this.seed = seed;
    }

    @Override
    public String name() { return "fetril"; }

    @Override
    public boolean trainsOn(int t) { return t == 0; }

    @Override
    public void afterTask(Learner learner, ContinualStream stream, int t) {
        if (stream.scenario() == Scenario.DOMAIN_INCREMENTAL) {
            throw new IllegalArgumentException("fetril needs new classes in each task (a class- or task-incremental stream), not " + stream.name());
        }
        ClassificationData real = learner.features(stream.task(t).train());
        int[] fresh = stream.task(t).classes();
        for (int c : fresh) centroids.put(c, centroid(real, c));
        ClassificationData train = translate(real, fresh, centroids);
        head = new Learner(seed, real.cols(), learner.classes());
        int[][] allowed = new int[learner.classes()][];
        int[] seen = seen();
        for (int c : seen) allowed[c] = seen;
        TransformOptimizer opt = new TransformOptimizer("fetril-head", ParamSet.of(head.parameters()), head.parameters().grads(), Transforms.scaleByLearningRate(headLr));
        ContinualRun.train(head, opt, train, allowed, Penalty.NONE, headBatch, seed, 1000 + t, 0, headSteps);
    }

    @Override
    public int[] predict(Learner learner, ClassificationData data, int[] among) {
        return Learner.argmax(head.logits(learner.features(data)), among != null ? among : seen());
    }

    /**
     * The classifier's training set at a task: the real features of the new classes {@code fresh}
     * and, for every other class c with a centroid, the features of the nearest new class n
     * translated by μ_c − μ_n (labelled c).
     */
    static ClassificationData translate(ClassificationData real, int[] fresh, Map<Integer, double[]> centroids) {
        int h = real.cols();
        int rows = real.rows();
        Map<Integer, Integer> nearest = new LinkedHashMap<>();
        for (var e : centroids.entrySet()) {
            if (Learner.contains(fresh, e.getKey())) continue;
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int n : fresh) {
                double d = 0;
                double[] mn = centroids.get(n);
                for (int k = 0; k < h; k++) d += (e.getValue()[k] - mn[k]) * (e.getValue()[k] - mn[k]);
                if (d < bestD) {
                    bestD = d;
                    best = n;
                }
            }
            nearest.put(e.getKey(), best);
            rows += count(real, best);
        }
        float[] f = Arrays.copyOf(real.features(), rows * h);
        int[] l = Arrays.copyOf(real.labels(), rows);
        int at = real.rows();
        for (var e : nearest.entrySet()) {
            double[] mc = centroids.get(e.getKey());
            double[] mn = centroids.get(e.getValue());
            for (int i = 0; i < real.rows(); i++) {
                if (real.labels()[i] != e.getValue()) continue;
                for (int k = 0; k < h; k++) f[at * h + k] = (float) (real.features()[i * h + k] - mn[k] + mc[k]);
                l[at++] = e.getKey();
            }
        }
        return new ClassificationData(real.name() + "/translated", f, l, rows, h, real.classes());
    }

    /** The mean of the rows of class {@code c}. */
    static double[] centroid(ClassificationData d, int c) {
        double[] m = new double[d.cols()];
        int n = 0;
        for (int i = 0; i < d.rows(); i++) {
            if (d.labels()[i] != c) continue;
            n++;
            for (int k = 0; k < d.cols(); k++) m[k] += d.features()[i * d.cols() + k];
        }
        if (n == 0) throw new IllegalArgumentException("class " + c + " has no rows in " + d.name());
        for (int k = 0; k < m.length; k++) m[k] /= n;
        return m;
    }

    private static int count(ClassificationData d, int c) {
        int n = 0;
        for (int l : d.labels()) if (l == c) n++;
        return n;
    }

    private int[] seen() {
        return centroids.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
