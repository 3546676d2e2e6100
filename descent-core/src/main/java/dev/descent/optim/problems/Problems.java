package dev.descent.optim.problems;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The canonical optimizer problems by name. */
public final class Problems {
    private static final Map<String, Supplier<Problem>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("rosenbrock", Rosenbrock::new);
        ALL.put("quadratic", Quadratic::new);
        ALL.put("matrix-fit", MatrixFit::new);
    }

    private Problems() {}

    public static Problem byName(String name) {
        Supplier<Problem> p = ALL.get(name);
        if (p == null) throw new IllegalArgumentException("unknown problem '" + name + "'; valid: " + String.join(", ", ALL.keySet()));
        return p.get();
    }

    public static java.util.Set<String> names() { return ALL.keySet(); }
}
