package dev.descent.optim;

/**
 * A per-thread setting that is set for a scope and restored when the scope closes (scopes nest):
 * what {@link CurvatureContext} and {@link dev.descent.zo.ZoContext} hand to optimizers built by name.
 *
 * @param <T> the value's type
 */
public final class ThreadScoped<T> {
    private final ThreadLocal<T> current = new ThreadLocal<>();

    /** The value set on this thread, or null. */
    public T get() { return current.get(); }

    /**
     * Sets {@code value} on this thread and returns the action that restores the previous value;
     * running the action more than once restores only once.
     */
    public Runnable set(T value) {
        T previous = current.get();
        current.set(value);
        boolean[] restored = {false};
        return () -> {
            if (restored[0]) return;
            restored[0] = true;
            if (previous == null) current.remove();
            else current.set(previous);
        };
    }
}
