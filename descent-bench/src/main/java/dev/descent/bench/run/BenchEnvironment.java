package dev.descent.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.tensor.Parallel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Where the runs ran: stored as {@code runs.env_json}, one object for the whole invocation. */
public final class BenchEnvironment {
    /** The system property that names the project root ({@code bin/descent} passes it). */
    public static final String HOME_PROPERTY = "descent.home";

    private BenchEnvironment() {}

    /**
     * JDK version and vendor, OS name and version, architecture, available processors, kernel
     * threads per run ({@link Parallel#threads()}), runner jobs, the git revision of the project
     * ({@link #projectRoot()}; {@link #gitRevision(Path)}) and whether its tree had uncommitted changes
     * ({@link #gitDirty(Path)}; null when unknown), Descent version and host name, as a JSON object
     * with sorted keys.
     */
    public static String json(int jobs) {
        Path root = projectRoot();
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("arch", System.getProperty("os.arch"));
        n.put("cores", Runtime.getRuntime().availableProcessors());
        n.put("descent_version", descentVersion());
        n.put("git_dirty", gitDirty(root));
        n.put("git_revision", gitRevision(root));
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

    /**
     * The folder whose git revision the runs record: the system property {@value #HOME_PROPERTY}
     * ({@code bin/descent} sets it to the project root, so the revision is right wherever the command
     * is started), else the working directory.
     */
    public static Path projectRoot() {
        String home = System.getProperty(HOME_PROPERTY);
        return Path.of(home != null && !home.isBlank() ? home : "").toAbsolutePath();
    }

    /**
     * HEAD of the git repository around {@code root} ({@code git -C root rev-parse HEAD}, 2 s
     * timeout), or "unknown" when git, the folder or the repository is missing.
     */
    public static String gitRevision(Path root) {
        String out = git(root, "rev-parse", "HEAD");
        return out != null && out.strip().matches("[0-9a-f]{40,64}") ? out.strip() : "unknown";
    }

    /**
     * Whether the tree around {@code root} has uncommitted changes or untracked files
     * ({@code git -C root status --porcelain} prints anything), or null when that cannot be told.
     */
    public static Boolean gitDirty(Path root) {
        String out = git(root, "status", "--porcelain");
        return out == null ? null : !out.isBlank();
    }

    /** The standard output of {@code git -C root args…}, or null when git is missing, fails or takes over 2 s. */
    private static String git(Path root, String... args) {
        if (!Files.isDirectory(root)) return null;
        List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // Read before waiting: a large status would fill the pipe and stall git.
            FutureTask<String> out = new FutureTask<>(() -> new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            Thread.ofVirtual().start(out);
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out.get(2, TimeUnit.SECONDS) : null;
        } catch (IOException | ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
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
