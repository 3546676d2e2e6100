package dev.descent.autograd;

/**
 * A scope in which operations record nothing (evaluation, sampling, zeroth-order forward passes):
 * <pre>try (var scope = NoGrad.open()) { ... }</pre>
 * Scopes nest; the setting is per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private NoGrad() {
        DEPTH.get()[0]++;
    }

    public static NoGrad open() {
        return new NoGrad();
    }

    /** True when operations on this thread record their backward. */
    public static boolean enabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
