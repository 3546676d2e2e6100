package dev.descent.optim.problems;

/** The exact-Hessian test functions by name, for {@code descent zo hessian} and the ZoVH benchmarks. */
public final class SmoothFunctions {
    /** Valid names. */
    public static final String NAMES = "quadratic, rosenbrock, logreg-breast-cancer";
    /** The logistic-regression dimension: breast_cancer's 30 features plus the bias. */
    public static final int LOGREG_DIM = 31;

    private SmoothFunctions() {}

    /** Default dimension of {@code name} when none is given (quadratic 20, rosenbrock 10, logreg 31). */
    public static int defaultDim(String name) {
        return switch (name) {
            case "quadratic" -> 20;
            case "rosenbrock" -> 10;
            case "logreg-breast-cancer" -> LOGREG_DIM;
            default -> throw unknown(name);
        };
    }

    /**
     * The function {@code name} in dimension {@code dim} ({@code null}: the default); {@code condition}
     * is the quadratic's condition number (ignored by the others).
     */
    public static SmoothFunction byName(String name, Integer dim, double condition) {
        int d = dim == null ? defaultDim(name) : dim;
        return switch (name) {
            case "quadratic" -> new IllConditionedQuadratic(d, condition);
            case "rosenbrock" -> new Rosenbrock(d);
            case "logreg-breast-cancer" -> {
                if (d != LOGREG_DIM) throw new IllegalArgumentException("--dim is fixed by the data for logreg-breast-cancer: "
                        + LOGREG_DIM + " (30 features + bias), got " + d);
                yield RegularizedLogistic.breastCancer();
            }
            default -> throw unknown(name);
        };
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown function '" + name + "'; valid: " + NAMES);
    }
}
