package dev.descent.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
    static RunRow row(String id, String status, Double metric) {
        return new RunRow(id, "suite", "quadratic", "sgd", "{\"lr\":\"0.1\"}", 1, 10, 5, "{\"x\":1}", "{\"jdk\":\"25\"}", status,
                status.equals("failed") ? "IllegalStateException: boom" : null, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", 10, 10, 0.5,
                "loss", false, metric, 0.25, 0.0275, status.equals("finished") ? 7 : null, 4.0, 0.01, 0.001, 1000.0, "examples");
    }

    @Test
    void aSavedRunReadsBackExactly(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("runs.db");
        RunRow r = row("ab12", "finished", 0.125);
        List<StepRow> steps = List.of(new StepRow(1, 27.5, 0.1, 0.001, 1000.0), new StepRow(2, null, 0.1, 0.002, null));
        List<EvalRow> evals = List.of(new EvalRow(0, "loss", 27.5, 0), new EvalRow(2, "loss", null, 0.002));
        try (RunStore store = RunStore.openForWriting(db, "0.1.0")) {
            assertEquals(0, store.runCount());
            store.save(r, steps, evals);
            store.save(row("cd34", "failed", null), List.of(), List.of());
            store.save(row("ef56", "diverged", null), List.of(), List.of());
        }
        try (RunStore store = RunStore.openForReading(db)) {
            assertEquals(3, store.runCount());
            assertEquals(List.of(r), store.runsWithPrefix("AB"));
            assertEquals(steps, store.steps("ab12", -1));
            assertEquals(steps.subList(0, 1), store.steps("ab12", 1));
            assertEquals(evals, store.evals("ab12"));
            assertEquals(Set.of("ab12", "ef56"), store.completedRunIds());
            assertEquals(3, store.runs("quadratic", "sgd").size());
            assertEquals(0, store.runs("rosenbrock", null).size());
        }
        // Saving a run again replaces it and its rows.
        try (RunStore store = RunStore.openForWriting(db, "0.1.0")) {
            store.save(r, steps.subList(0, 1), List.of());
            assertEquals(1, store.steps("ab12", -1).size());
            assertEquals(0, store.evals("ab12").size());
            assertEquals(3, store.runCount());
        }
    }

    @Test
    void theSchemaIsSchemaSqlAndTheVersionIsRecorded(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("runs.db");
        try (RunStore store = RunStore.openForWriting(db, "9.9")) {
            assertEquals(0, store.runCount());
        }
        List<String> dump = StoreDump.of(db);
        assertTrue(dump.contains("meta: key=schema_version value=1"), dump.toString());
        assertTrue(dump.contains("meta: key=descent_version value=9.9"), dump.toString());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name IN ('meta', 'runs', 'steps', 'evals', 'runs_by_problem')")) {
            rs.next();
            assertEquals(5, rs.getInt(1));
        }
        assertEquals(5, RunStore.schemaStatements().size());
    }

    @Test
    void aSecondWriterIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("runs.db");
        try (RunStore first = RunStore.openForWriting(db, "x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunStore.openForWriting(db, "x"));
            assertTrue(e.getMessage().contains("is in use by another bench run"), e.getMessage());
            // Readers are welcome meanwhile.
            try (RunStore reader = RunStore.openForReading(db)) {
                assertEquals(0, reader.runCount());
            }
        }
        RunStore.openForWriting(db, "x").close(); // released
    }

    @Test
    void aDatabaseLockedByAnotherProcessIsReportedQuickly(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("runs.db");
        RunStore.openForWriting(db, "x").close();
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = other.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            long t0 = System.nanoTime();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunStore.openForWriting(db, "x"));
            assertTrue(e.getMessage().contains("is locked by another process (SQLITE_BUSY)"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            s.execute("ROLLBACK");
        }
    }

    @Test
    void aFileThatIsNotARunStoreIsRefused(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.db");
        Files.writeString(junk, "this is not a database, just some text that is long enough to have a header ".repeat(20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunStore.openForWriting(junk, "x"));
        assertTrue(e.getMessage().contains("is not a SQLite database or is corrupt"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunStore.openForReading(junk));
        assertTrue(e.getMessage().contains("is not a SQLite database or is corrupt"), e.getMessage());

        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x)");
        }
        e = assertThrows(IllegalArgumentException.class, () -> RunStore.openForWriting(other, "x"));
        assertTrue(e.getMessage().contains("is a SQLite database but not a descent run store"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> RunStore.openForReading(dir.resolve("missing.db")));
        assertTrue(e.getMessage().contains("run store not found"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("missing.db")), "reading must not create a store");
    }

    @Test
    void comparisonAggregatesSeedsAndSortsBestFirst() {
        List<RunRow> rows = List.of(
                named("a", "sgd", "finished", 2.0, 10), named("b", "sgd", "finished", 4.0, null),
                named("c", "adamw", "finished", 1.0, 4), named("d", "adamw", "finished", 1.0, 6),
                named("e", "lion", "diverged", null, null), named("f", "lion", "finished", 0.5, 2));
        List<Comparison.Group> g = Comparison.of(rows);
        assertEquals(List.of("adamw", "sgd", "lion"), g.stream().map(Comparison.Group::optimizer).toList());
        Comparison.Group sgd = g.get(1);
        assertEquals(3.0, sgd.mean());
        assertEquals(Math.sqrt(2), sgd.std(), 1e-15);
        assertEquals(1, sgd.reachedTarget());
        assertEquals(10.0, sgd.meanStepsToTarget());
        assertEquals(0.0, g.get(0).std());
        assertEquals(5.0, g.get(0).meanStepsToTarget());
        assertEquals(1, g.get(2).diverged());
        assertEquals(0.5, g.get(2).mean());
        assertEquals(null, g.get(2).std());
    }

    private static RunRow named(String id, String opt, String status, Double metric, Integer stt) {
        RunRow r = row(id, status, metric);
        return new RunRow(r.runId(), r.suite(), r.problem(), opt, "{}", r.seed(), r.steps(), r.evalEvery(), r.configJson(), r.envJson(), status,
                r.error(), r.startedAt(), r.finishedAt(), r.params(), r.stepsDone(), r.finalLoss(), r.metricName(), false, metric, metric,
                r.lossTarget(), stt, 4.0, 0.01, 0.001, 1.0, "examples");
    }
}
