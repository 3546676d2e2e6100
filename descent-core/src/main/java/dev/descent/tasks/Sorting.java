package dev.descent.tasks;

import java.util.Arrays;
import java.util.Map;

/**
 * Sorting a list of {@code length} integers (default 5), each uniform in [0, {@code max_value}]
 * (default 99), written comma-separated: prompt {@code "31,5,72,5,0="}, reference {@code "0,5,5,31,72"}
 * (ascending, duplicates kept, no leading zeros, no spaces).
 *
 * <p>Verifier (exact): reward 1 when the completion is exactly the reference text, 0 otherwise; a
 * list that is sorted but has spaces or leading zeros is wrong, since the format is part of what
 * the policy learns.
 */
public final class Sorting implements Task {
    public static final String NAME = "sorting";
    private final int length;
    private final int maxValue;

    public Sorting(int length, int maxValue) {
        this.length = length;
        this.maxValue = maxValue;
    }

    /** Reads {@code length} (1–50) and {@code max_value} (1–999999). */
    public static Sorting of(TaskSettings s) {
        Sorting t = new Sorting(s.integer("length", 5, 1, 50), s.integer("max_value", 99, 1, 999_999));
        s.checkAllUsed(NAME);
        return t;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public Problem problem(long seed, long index) {
        Draws d = new Draws(NAME, seed, index);
        int[] values = new int[length];
        for (int i = 0; i < length; i++) values[i] = d.between(0, maxValue);
        String prompt = join(values) + "=";
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        String reference = join(sorted);
        return new Problem(prompt, reference, Map.of("values", join(values), "sorted", reference));
    }

    private static String join(int[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) b.append(',');
            b.append(v[i]);
        }
        return b.toString();
    }

    @Override
    public double reward(Problem problem, String completion) {
        String sorted = problem.data().get("sorted");
        return sorted != null && sorted.equals(completion) ? 1.0 : 0.0;
    }

    @Override
    public String alphabet() { return "0123456789,=" + stop(); }

    @Override
    public char stop() { return '\n'; }
}
