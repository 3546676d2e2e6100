package dev.descent.tensor;

/**
 * Checks that the incubating Vector API is present, so that a missing
 * {@code --add-modules jdk.incubator.vector} is reported in one clear sentence instead of a
 * {@code NoClassDefFoundError} deep inside a kernel. Every {@link Tensor} is created through a
 * constructor that calls {@link #require()}, so the first tensor, variable, module or optimizer a
 * program makes reports the missing flag before any kernel class is loaded.
 */
public final class VectorSupport {
    /** Whether the boot layer has the module; fixed for the life of the JVM. */
    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {}

    public static boolean isPresent() { return PRESENT; }

    /** Throws an {@link IllegalStateException} that says how to fix a missing Vector API module. */
    public static void require() {
        if (!PRESENT) {
            throw new IllegalStateException("Descent's kernels use the Vector API: start the JVM (JDK 25 or newer) with "
                    + "--add-modules jdk.incubator.vector (bin/descent and the Maven build already do)");
        }
    }
}
