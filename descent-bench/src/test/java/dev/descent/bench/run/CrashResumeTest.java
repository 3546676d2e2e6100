package dev.descent.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.bench.store.RunStore;
import dev.descent.bench.store.StoreDump;
import dev.descent.optim.OptimizerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: a child JVM runs a grid, is killed with SIGKILL once a few runs are stored (possibly
 * in the middle of a transaction), and the store is then resumed here; it must equal the store of an
 * uninterrupted run.
 */
class CrashResumeTest {
    private static final OptimizerRegistry REGISTRY = TestOptimizers.registry();

    /** 12 runs of 60 steps that each sleep 2 ms, plus fast sgd runs interleaved. */
    static final String GRID = """
            name: crash
            seeds: 3
            eval_every: 20
            optimizers:
              - {name: test_slow, hyper: {lr: [0.001, 0.002]}}
              - {name: sgd, hyper: {lr: 0.001}}
            problems:
              - {name: quadratic, steps: 60}
              - {name: matrix-fit, steps: 60}
            """;

    static List<RunSpec> grid() {
        return SuiteConfig.parse(GRID, "crash.yaml", "crash", REGISTRY).expand(null);
    }

    /** The child: runs the grid into args[0] with 2 jobs. */
    public static void main(String[] args) throws Exception {
        try (RunStore store = RunStore.openForWriting(Path.of(args[0]), "test")) {
            new BenchRunner(REGISTRY, 2).run(grid(), "crash", store, false, RunListener.NONE);
        }
    }

    private static int storedRuns(Path db) {
        if (!Files.exists(db)) return 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM runs")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (Exception e) {
            return 0; // not created yet, or busy: look again
        }
    }

    @Test
    void killedWithSigkillThenResumedEqualsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        List<RunSpec> specs = grid();
        assertEquals(18, specs.size());
        Path whole = dir.resolve("whole.db");
        try (RunStore store = RunStore.openForWriting(whole, "test")) {
            new BenchRunner(REGISTRY, 2).run(specs, "crash", store, false, RunListener.NONE);
        }

        Path db = dir.resolve("crashed.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CrashResumeTest.class.getName(), db.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int seen = 0;
        while (child.isAlive() && System.nanoTime() < deadline) {
            seen = storedRuns(db);
            if (seen >= 4) break;
            Thread.sleep(10);
        }
        child.destroyForcibly(); // SIGKILL on Unix
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        int stored = storedRuns(db);
        assertTrue(stored >= 4 && stored < specs.size(), "killed after " + stored + " of " + specs.size() + " runs (" + Files.readString(dir.resolve("child.log")) + ")");

        BenchRunner.Outcome rest;
        try (RunStore store = RunStore.openForWriting(db, "test")) {
            rest = new BenchRunner(REGISTRY, 2).run(specs, "crash", store, true, RunListener.NONE);
        }
        assertEquals(specs.size() - stored, rest.total());
        assertEquals(StoreDump.of(whole), StoreDump.of(db));
    }
}
