package dev.descent.bench.problems;

import dev.descent.optim.problems.MatrixFit;
import dev.descent.optim.problems.Quadratic;
import dev.descent.optim.problems.Rosenbrock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The benchmark problems by name. Each is built once per process, on first use (a data-backed
 * problem loads its dataset then, and its instances share it read-only).
 */
public final class BenchProblems {
    private static final Map<String, Supplier<BenchProblem>> FACTORIES = new LinkedHashMap<>();
    private static final Map<String, BenchProblem> BUILT = new LinkedHashMap<>();

    static {
        // Canonical optimizer problems: full batch, metric = loss. Steps and evaluation interval are defaults a suite may override.
        add("quadratic", () -> new ToyProblem(Quadratic::new, 200, 20));
        add("rosenbrock", () -> new ToyProblem(Rosenbrock::new, 500, 50));
        add("matrix-fit", () -> new ToyProblem(MatrixFit::new, 300, 30));
        // Data-backed problems (DataProblems lists the same, in the same order).
        add("logreg-breast-cancer", LogisticRegressionProblem::breastCancer);
        add("logreg-wine", LogisticRegressionProblem::wine);
        add("mlp-digits", MlpDigitsProblem::standard);
        add("mlp-mnist", MlpMnistProblem::standard);
        add("gpt-shakespeare", GptShakespeareProblem::standard);
    }

    private BenchProblems() {}

    private static void add(String name, Supplier<BenchProblem> factory) {
        if (FACTORIES.putIfAbsent(name, factory) != null) throw new IllegalStateException("benchmark problem '" + name + "' registered twice");
    }

    /** The problem called {@code name}; an unknown name fails listing the valid ones. */
    public static synchronized BenchProblem byName(String name) {
        BenchProblem p = BUILT.get(name);
        if (p != null) return p;
        Supplier<BenchProblem> f = FACTORIES.get(name);
        if (f == null) throw new IllegalArgumentException("unknown problem '" + name + "'; valid: " + String.join(", ", FACTORIES.keySet()));
        p = f.get();
        if (!p.name().equals(name)) throw new IllegalStateException("problem registered as '" + name + "' calls itself '" + p.name() + "'");
        BUILT.put(name, p);
        return p;
    }

    /** True when {@code name} is registered. */
    public static boolean contains(String name) { return FACTORIES.containsKey(name); }

    /** Registered names, in registration order. */
    public static Set<String> names() { return Collections.unmodifiableSet(FACTORIES.keySet()); }
}
