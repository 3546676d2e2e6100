package dev.descent.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A program that forgets {@code --add-modules jdk.incubator.vector} is told so in one line when it makes
 * its first tensor, instead of failing with a {@code NoClassDefFoundError} inside a kernel. The program
 * runs in a child JVM started without the flag; before this check it died in {@code Variable.backward}.
 */
class VectorSupportTest {
    /** The child program: autograd on a leaf, no module constructed (the path that used to crash in a kernel). */
    public static void main(String[] args) {
        Variable x = new Variable(Tensor.of(new float[] {0.5f, -1f}, 2), true);
        F.sum(F.tanh(x)).backward();
        System.out.println("gradient " + x.grad().get(0));
    }

    @Test
    void presentInTheTestJvm() {
        assertTrue(VectorSupport.isPresent());
        VectorSupport.require();
    }

    @Test
    void missingFlagIsReportedInOneLineNamingIt() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), VectorSupportTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertNotEquals(0, child.exitValue(), out);
        String first = out.lines().findFirst().orElse("");
        assertTrue(first.contains("IllegalStateException") && first.contains("--add-modules jdk.incubator.vector"), out);
        assertFalse(out.contains("NoClassDefFoundError"), out);
        assertFalse(out.contains("gradient"), out);
        assertEquals(1, out.lines().filter(l -> l.contains("jdk.incubator.vector")).count(), out);
    }
}
