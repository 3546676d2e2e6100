package dev.descent.bench.problems;

import java.util.function.Supplier;

/** A value computed once, on first use, then shared (datasets parsed from the jar once per JVM). */
final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> compute;
    private volatile T value;

    Lazy(Supplier<T> compute) {
        this.compute = compute;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) value = v = compute.get();
            }
        }
        return v;
    }
}
