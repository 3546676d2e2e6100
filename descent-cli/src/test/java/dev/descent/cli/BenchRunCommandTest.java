package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.bench.problems.BenchProblems;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRunCommandTest {
    /** A grid of 2 optimizers x 2 problems x 2 seeds, 20 steps each (ReportCommandTest runs it too). */
    static final String CONFIG = """
            name: tiny
            seeds: 2
            eval_every: 10
            optimizers:
              - {name: sgd, hyper: {lr: 0.05}}
              - {name: adamw, hyper: {lr: 0.05}}
            problems:
              - {name: quadratic, steps: 20}
              - {name: rosenbrock, steps: 20}
            """;

    /** Writes {@code text} to {@code dir}/tiny.yaml. */
    static Path config(Path dir, String text) throws Exception {
        Path p = dir.resolve("tiny.yaml");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void runsAGridThenListsShowsAndComparesIt(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, CONFIG);
        Path out = dir.resolve("out");
        CliRun r = run("bench", "run", "--config", cfg.toString(), "--out", out.toString(), "--jobs", "2");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("8 runs to do", lines.get(0));
        assertEquals(8, lines.stream().filter(l -> l.matches("\\[\\d/8\\] .*: (finished|diverged), loss .*")).count(), r.out());
        assertTrue(r.out().contains("tiny: 8 runs in "), r.out());
        assertTrue(r.out().contains("compare: bin/descent runs compare --db "), r.out());
        Path db = out.resolve("runs.db");
        assertTrue(Files.isRegularFile(db));

        CliRun list = run("runs", "list", "--db", db.toString(), "--problem", "quadratic");
        assertEquals(0, list.exit(), list.err());
        List<String> rows = list.out().lines().toList();
        assertEquals(5, rows.size(), list.out()); // header + 2 optimizers × 2 seeds
        assertTrue(rows.get(0).startsWith("run "), rows.get(0));
        assertTrue(rows.get(1).contains("quadratic") && rows.get(1).contains("adamw") && rows.get(1).contains("{lr:0.05}"), rows.get(1));

        String prefix = rows.get(1).substring(0, 10);
        CliRun show = run("runs", "show", prefix, "--db", db.toString());
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().startsWith("run " + prefix), show.out());
        assertTrue(show.out().contains("\"problem\":\"quadratic\""), show.out());
        assertTrue(show.out().contains("\"jdk\":"), show.out());
        assertTrue(show.out().contains("steps (20 stored, 20 asked"), show.out());
        assertTrue(show.out().contains("step     20  loss"), show.out());

        CliRun cmp = run("runs", "compare", "--db", db.toString());
        assertEquals(0, cmp.exit(), cmp.err());
        assertTrue(cmp.out().contains("quadratic — loss (lower is better)"), cmp.out());
        assertTrue(cmp.out().contains("rosenbrock — loss (lower is better)"), cmp.out());
        assertTrue(cmp.out().lines().filter(l -> l.contains("{lr:0.05}")).count() == 4, cmp.out());
        CliRun one = run("runs", "compare", "--db", db.toString(), "--problem", "rosenbrock");
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("rosenbrock — loss (lower is better)"), one.out());
        assertTrue(!one.out().contains("quadratic"), one.out());

        // The same out folder again: refused without --resume, nothing to do with it.
        run("bench", "run", "--config", cfg.toString(), "--out", out.toString()).assertBadInput("already holds 8 runs; pass --resume to continue it, or choose another --out");
        CliRun resumed = run("bench", "run", "--config", cfg.toString(), "--out", out.toString(), "--resume");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().startsWith("0 runs to do (8 already stored, skipped)"), resumed.out());
        // --seeds 3 adds the third seed's runs only.
        CliRun more = run("bench", "run", "--config", cfg.toString(), "--out", out.toString(), "--resume", "--seeds", "3");
        assertEquals(0, more.exit(), more.err());
        assertTrue(more.out().startsWith("4 runs to do (8 already stored, skipped)"), more.out());
    }

    @Test
    void unknownProblemOrOptimizerListsTheValidNames(@TempDir Path dir) throws Exception {
        CliRun r = run("bench", "run", "--config", config(dir, CONFIG.replace("rosenbrock", "rosenbrok")).toString(), "--out", dir.resolve("o").toString());
        r.assertBadInput("problems[1]: unknown problem 'rosenbrok'; valid: " + String.join(", ", BenchProblems.names()));
        r = run("bench", "run", "--config", config(dir, CONFIG.replace("name: adamw", "name: adamx")).toString(), "--out", dir.resolve("o").toString());
        r.assertBadInput("optimizers[1].name: unknown optimizer 'adamx'; valid: ");
        for (OptimizerInfo i : OptimizerRegistry.defaults().all()) assertTrue(r.err().contains(i.name()), r.err());
        assertTrue(!Files.exists(dir.resolve("o")), "nothing is created before the grid is valid");
    }

    @Test
    void configErrorsNameTheKey(@TempDir Path dir) throws Exception {
        run("bench", "run", "--config", config(dir, CONFIG.replace("{name: rosenbrock, steps: 20}", "{name: rosenbrock, stepz: 20}")).toString()).assertBadInput("unknown key 'stepz' at problems[1].stepz");
        run("bench", "run", "--config", config(dir, CONFIG).toString(), "--set", "problems[1].stepz=20").assertBadInput("unknown key 'stepz' at problems[1].stepz");
        run("bench", "run", "--config", config(dir, CONFIG).toString(), "--set", "steps=0").assertBadInput("config key 'steps' = 0 is out of range; allowed: an integer >= 1");
        run("bench", "run", "--config", config(dir, CONFIG.replace("{lr: 0.05}}\n  - {name: adamw", "{lr: 0.05, momentun: 0.9}}\n  - {name: adamw")).toString()).assertBadInput("unknown hyperparameter 'momentun' for sgd; valid: ");
        run("bench", "run", "--config", dir.resolve("missing.yaml").toString()).assertBadInput("config file not found: " + dir.resolve("missing.yaml"));
        run("bench", "run").assertBadInput("give exactly one of --suite NAME or --config FILE");
        run("bench", "run", "--suite", "quik").assertBadInput("unknown suite 'quik'; valid: quick, standard, full");
    }

    @Test
    void unusableOutputFoldersAndDatabasesAreBadInput(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, CONFIG);
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        run("bench", "run", "--config", cfg.toString(), "--out", file.resolve("sub").toString()).assertBadInput("cannot create output folder " + file.resolve("sub") + ": Not a directory");
        run("bench", "run", "--config", cfg.toString(), "--out", file.toString()).assertBadInput("cannot create output folder " + file + ": a file of that name exists and is not a folder");
        if (Files.isDirectory(Path.of("/proc/self"))) { // Linux: /proc takes no new folders, and the JDK gives no reason
            CliRun proc = run("bench", "run", "--config", cfg.toString(), "--out", "/proc/descent-x/y");
            proc.assertBadInput("cannot create output folder /proc/descent-x/y: the file system at /proc does not allow new folders "
                    + "(at /proc/descent-x)");
            assertTrue(!proc.err().contains("null"), proc.err());
            proc = run("bench", "run", "--config", cfg.toString(), "--out", "/proc/descent-x");
            proc.assertBadInput("cannot create output folder /proc/descent-x: the file system at /proc does not allow new folders");
        }

        Path corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.writeString(corrupt.resolve("runs.db"), "not a database at all; ".repeat(100));
        run("bench", "run", "--config", cfg.toString(), "--out", corrupt.toString()).assertBadInput("is not a SQLite database or is corrupt");
        run("runs", "list", "--db", corrupt.resolve("runs.db").toString()).assertBadInput("is not a SQLite database or is corrupt");

        Path locked = dir.resolve("locked");
        Files.createDirectories(locked);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + locked.resolve("runs.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x)");
            s.execute("BEGIN EXCLUSIVE");
            run("bench", "run", "--config", cfg.toString(), "--out", locked.toString()).assertBadInput("is locked by another process (SQLITE_BUSY)");
            s.execute("ROLLBACK");
        }
    }

    @Test
    void runsCommandsNeedAStoreWithRuns(@TempDir Path dir) throws Exception {
        run("runs", "list", "--db", dir.resolve("none.db").toString()).assertBadInput("run store not found: " + dir.resolve("none.db"));
        // An empty store (created, no run finished yet).
        Path out = dir.resolve("empty");
        CliRun r = run("bench", "run", "--config", config(dir, CONFIG).toString(), "--out", out.toString(), "--seeds", "1");
        assertEquals(0, r.exit(), r.err());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out.resolve("runs.db")); Statement s = c.createStatement()) {
            s.execute("DELETE FROM steps");
            s.execute("DELETE FROM evals");
            s.execute("DELETE FROM runs");
        }
        String db = out.resolve("runs.db").toString();
        run("runs", "list", "--db", db).assertBadInput("holds no runs");
        run("runs", "compare", "--db", db).assertBadInput("holds no runs");
        run("runs", "show", "abc", "--db", db).assertBadInput("no run in " + db + " has an id starting with 'abc'");
        run("runs", "show", "xyz", "--db", db).assertBadInput("run id prefix 'xyz' must be hexadecimal");
    }

    @Test
    void aGridTooLargeIsRefusedWithItsSize() {
        run("bench", "run", "--suite", "quick", "--seeds", "100000000").assertBadInput("makes quick a grid of", "runs; the limit is 100000");
    }

    @Test
    void runsListOptionsHaveHelp() {
        CliRun r = run("runs", "list", "--help");
        assertTrue(r.out().lines().anyMatch(l -> l.contains("--optimizer=O") && l.contains("only runs of this optimizer")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("--problem=P") && l.contains("only runs of this problem")), r.out());
    }
}
