package dev.descent.continual;

import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The continual streams by name. Every stream is a pure function of its name and options (the run's
 * seed does not change the data), so every strategy and seed sees the same tasks.
 *
 * <ul>
 *   <li>{@code split-digits-class}, {@code split-digits-task}: optdigits (train 3,823 rows, test
 *       1,797; features /16) in five tasks of two classes, {0,1}, {2,3}, {4,5}, {6,7}, {8,9} — the
 *       split of the RISE benchmark — class- or task-incremental.</li>
 *   <li>{@code split-mnist-class}, {@code split-mnist-task}: the MNIST t10k set (pixels /255),
 *       shuffled once ({@link ClassificationData#split} with seed 0) into 8,000 training and 2,000
 *       test rows; training keeps the first {@code per_class} rows of each class in that order; the
 *       same five pairs.</li>
 *   <li>{@code permuted-mnist}: {@code tasks} tasks over the same MNIST rows (all ten classes), task 0
 *       the original pixels, task t ≥ 1 the pixels permuted by a fixed permutation (Philox
 *       {@code (t, "continual/permuted-mnist")}); domain-incremental.</li>
 *   <li>{@code label-permuted-digits}: {@code tasks} tasks over the same optdigits rows, task 0 the
 *       true labels, task t ≥ 1 the labels mapped through a fixed permutation of the ten classes
 *       (Philox {@code (t, "continual/label-permuted")}): the input distribution stays, the mapping
 *       changes, so old knowledge is useless and only plasticity counts (the label-permuted streams of
 *       Elsayed &amp; Mahmood's UPGD paper, there on EMNIST and CIFAR-10 with hundreds of tasks).</li>
 * </ul>
 */
public final class Streams {
    private Streams() {}

    /** Options of the streams that have them; the others ignore them. */
    public record Options(int tasks, int perClass) {
        public static final Options DEFAULTS = new Options(0, 200);

        public Options {
            if (tasks < 0) throw new IllegalArgumentException("tasks must be >= 0 (0: the stream's default), got " + tasks);
            if (perClass < 1) throw new IllegalArgumentException("per_class must be >= 1, got " + perClass);
        }
    }

    private static final int[][] PAIRS = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}};

    /** The five two-class tasks of the split streams, {0,1}, {2,3}, {4,5}, {6,7}, {8,9} (a copy). */
    public static int[][] pairs() {
        int[][] p = new int[PAIRS.length][];
        for (int i = 0; i < p.length; i++) p[i] = PAIRS[i].clone();
        return p;
    }

    private static final Map<String, Function<Options, ContinualStream>> ALL = new java.util.LinkedHashMap<>();

    static {
        ALL.put("split-digits-class", o -> splitDigits(Scenario.CLASS_INCREMENTAL));
        ALL.put("split-digits-task", o -> splitDigits(Scenario.TASK_INCREMENTAL));
        ALL.put("split-mnist-class", o -> splitMnist(Scenario.CLASS_INCREMENTAL, o.perClass()));
        ALL.put("split-mnist-task", o -> splitMnist(Scenario.TASK_INCREMENTAL, o.perClass()));
        ALL.put("permuted-mnist", o -> permutedMnist(o.tasks() == 0 ? 5 : o.tasks(), o.perClass()));
        ALL.put("label-permuted-digits", o -> labelPermutedDigits(o.tasks() == 0 ? 10 : o.tasks()));
    }

    /** Every stream name. */
    public static List<String> names() { return List.copyOf(ALL.keySet()); }

    /** The stream {@code name}; an unknown name is refused with the valid ones. */
    public static ContinualStream create(String name, Options options) {
        Function<Options, ContinualStream> f = ALL.get(name);
        if (f == null) throw new IllegalArgumentException("unknown stream '" + name + "'; valid: " + String.join(", ", ALL.keySet()));
        return f.apply(options);
    }

    /** Split optdigits, class- or task-incremental (see the class comment). */
    public static ContinualStream splitDigits(Scenario scenario) {
        return split("split-digits-" + suffix(scenario), scenario, Datasets.digitsTrain().scaled(1f / 16), Datasets.digitsTest().scaled(1f / 16));
    }

    /** Split MNIST t10k, class- or task-incremental, {@code perClass} training rows per class. */
    public static ContinualStream splitMnist(Scenario scenario, int perClass) {
        ClassificationData.Split s = mnist(perClass);
        return split("split-mnist-" + suffix(scenario), scenario, s.train(), s.test());
    }

    /** Permuted MNIST: {@code tasks} pixel permutations (task 0 the identity) of the same rows. */
    public static ContinualStream permutedMnist(int tasks, int perClass) {
        if (tasks < 1) throw new IllegalArgumentException("tasks must be >= 1, got " + tasks);
        ClassificationData.Split s = mnist(perClass);
        int[] all = allClasses(s.train().classes());
        List<ContinualTask> list = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int[] perm = t == 0 ? identity(s.train().cols()) : Philox.stream(t, "continual/permuted-mnist").permutation(s.train().cols());
            list.add(new ContinualTask(t, "permutation " + t, all, permuteColumns(s.train(), perm), permuteColumns(s.test(), perm)));
        }
        return new ContinualStream("permuted-mnist", Scenario.DOMAIN_INCREMENTAL, s.train().cols(), 10, list);
    }

    /** Label-permuted optdigits: {@code tasks} relabellings (task 0 the true labels) of the same rows. */
    public static ContinualStream labelPermutedDigits(int tasks) {
        if (tasks < 1) throw new IllegalArgumentException("tasks must be >= 1, got " + tasks);
        ClassificationData train = Datasets.digitsTrain().scaled(1f / 16);
        ClassificationData test = Datasets.digitsTest().scaled(1f / 16);
        int[] all = allClasses(train.classes());
        List<ContinualTask> list = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int[] map = t == 0 ? identity(train.classes()) : Philox.stream(t, "continual/label-permuted").permutation(train.classes());
            list.add(new ContinualTask(t, "labels " + t, all, relabel(train, map), relabel(test, map)));
        }
        return new ContinualStream("label-permuted-digits", Scenario.DOMAIN_INCREMENTAL, train.cols(), train.classes(), list);
    }

    /** The rows of {@code data} whose label is in {@code classes}, in order, labels kept (not relabelled). */
    public static ClassificationData onlyClasses(ClassificationData data, String name, int... classes) {
        boolean[] keep = new boolean[data.classes()];
        for (int c : classes) keep[c] = true;
        int n = 0;
        for (int l : data.labels()) if (keep[l]) n++;
        int[] idx = new int[n];
        n = 0;
        for (int i = 0; i < data.rows(); i++) if (keep[data.labels()[i]]) idx[n++] = i;
        return data.subset(name, idx);
    }

    private static ContinualStream split(String name, Scenario scenario, ClassificationData train, ClassificationData test) {
        if (scenario == Scenario.DOMAIN_INCREMENTAL) throw new IllegalArgumentException("a split stream is class- or task-incremental, not " + scenario);
        List<ContinualTask> list = new ArrayList<>();
        for (int t = 0; t < PAIRS.length; t++) {
            list.add(new ContinualTask(t, "classes " + Arrays.toString(PAIRS[t]), PAIRS[t],
                    onlyClasses(train, "train/" + t, PAIRS[t]), onlyClasses(test, "test/" + t, PAIRS[t])));
        }
        return new ContinualStream(name, scenario, train.cols(), train.classes(), list);
    }

    /** MNIST t10k /255 split 8,000/2,000 (seed 0), the training part cut to {@code perClass} rows per class. */
    private static ClassificationData.Split mnist(int perClass) {
        if (perClass < 1) throw new IllegalArgumentException("per_class must be >= 1, got " + perClass);
        ClassificationData.Split s = Datasets.mnistT10k().scaled(1f / 255).split(8000, 0);
        int[] seen = new int[s.train().classes()];
        int[] keep = new int[s.train().rows()];
        int n = 0;
        for (int i = 0; i < s.train().rows(); i++) {
            int l = s.train().labels()[i];
            if (seen[l] < perClass) {
                seen[l]++;
                keep[n++] = i;
            }
        }
        return new ClassificationData.Split(s.train().subset("mnist/train", Arrays.copyOf(keep, n)), s.test());
    }

    private static ClassificationData permuteColumns(ClassificationData d, int[] perm) {
        float[] f = new float[d.features().length];
        int c = d.cols();
        for (int i = 0; i < d.rows(); i++) for (int j = 0; j < c; j++) f[i * c + j] = d.features()[i * c + perm[j]];
        return new ClassificationData(d.name(), f, d.labels(), d.rows(), c, d.classes());
    }

    private static ClassificationData relabel(ClassificationData d, int[] map) {
        int[] l = new int[d.rows()];
        for (int i = 0; i < l.length; i++) l[i] = map[d.labels()[i]];
        return new ClassificationData(d.name(), d.features(), l, d.rows(), d.cols(), d.classes());
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    private static int[] allClasses(int n) { return identity(n); }

    private static String suffix(Scenario s) { return s == Scenario.CLASS_INCREMENTAL ? "class" : "task"; }
}
