package dev.descent.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.tensor.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Where the runs ran: stored as {@code runs.env_json}, one object for the whole invocation. */
public final class BenchEnvironment {
    private BenchEnvironment() {}

    /**
     * JDK version and vendor, OS name and version, architecture, available processors, kernel
     * threads per run ({@link Parallel#threads()}), runner jobs, git revision of the working
     * directory ({@code git rev-parse HEAD}, 2 s timeout, else "unknown"), Descent version and host
     * name, as a JSON object with sorted keys.
     */
    public static String json(int jobs) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("arch", System.getProperty("os.arch"));
        n.put("cores", Runtime.getRuntime().availableProcessors());
        n.put("descent_version", descentVersion());
        n.put("git_revision", gitRevision());
        n.put("host", host());
        n.put("jdk", System.getProperty("java.version"));
        n.put("jdk_vendor", System.getProperty("java.vendor"));
        n.put("jobs", jobs);
        n.put("kernel_threads", Parallel.threads());
        n.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return n.toString();
    }

    /** The version in descent-core's jar (Maven's pom.properties), or "unknown" when run from classes. */
    public static String descentVersion() {
        try (InputStream in = dev.descent.optim.Optimizer.class.getResourceAsStream("/META-INF/maven/dev.descent/descent-core/pom.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** HEAD of the git repository around the working directory, or "unknown". */
    public static String gitRevision() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40,64}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h.strip();
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
