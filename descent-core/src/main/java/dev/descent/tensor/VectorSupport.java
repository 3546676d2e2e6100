package dev.descent.tensor;

/**
 * Checks that the incubating Vector API is present, so that a missing
 * {@code --add-modules jdk.incubator.vector} is reported in one clear sentence instead of a
 * {@code NoClassDefFoundError} deep inside a kernel.
 */
public final class VectorSupport {
    private static volatile Boolean present;

    private VectorSupport() {}

    public static boolean isPresent() {
        Boolean p = present;
        if (p == null) {
            p = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            present = p;
        }
        return p;
    }

    /** Throws an {@link IllegalStateException} that says how to fix a missing Vector API module. */
    public static void require() {
        if (!isPresent()) {
            throw new IllegalStateException("Descent's kernels use the Vector API: start the JVM (JDK 25 or newer) with "
                    + "--add-modules jdk.incubator.vector (bin/descent and the Maven build already do)");
        }
    }
}
