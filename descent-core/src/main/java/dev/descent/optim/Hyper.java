package dev.descent.optim;

/** Checks of hyperparameter values; each failure names the hyperparameter and the allowed range. */
public final class Hyper {
    private Hyper() {}

    public static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
    }

    public static void unitInterval(String name, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
    }

    public static void positiveCount(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be a positive integer, got " + v);
    }

    public static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
    }

    public static void closedUnitInterval(String name, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
    }
}
