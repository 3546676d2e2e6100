package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    @TempDir
    Path dir;

    /** A store with the harness's schema and, unless {@code empty}, one finished run of two steps and one evaluation. */
    private Path store(boolean empty) throws Exception {
        Path db = dir.resolve(empty ? "empty.sqlite" : "runs.sqlite");
        String schema;
        try (InputStream in = getClass().getResourceAsStream("/dev/descent/bench/store/schema.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("--[^\n]*", "");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String stmt : schema.split(";")) {
                if (!stmt.isBlank()) s.executeUpdate(stmt);
            }
            s.executeUpdate("INSERT INTO meta VALUES ('schema_version', '1'), ('descent_version', 'test')");
            if (!empty) {
                s.executeUpdate("INSERT INTO runs VALUES ('r1', 'smoke', 'quadratic', 'sgd', '{\"lr\":\"0.1\"}', 0, 2, 2, '{}', "
                        + "'{\"jdk\":\"25\",\"cores\":2}', 'finished', NULL, '2026-11-24T00:00:00Z', '2026-11-24T00:00:01Z', 2, 2, 0.5, "
                        + "'val_loss', 0, 0.6, 0.6, NULL, NULL, 4, 0.02, 0.01, 100, 'examples')");
                s.executeUpdate("INSERT INTO steps VALUES ('r1', 1, 1.0, 0.1, 0.01, 100), ('r1', 2, 0.5, 0.1, 0.02, 100)");
                s.executeUpdate("INSERT INTO evals VALUES ('r1', 0, 'val_loss', 1.2, 0), ('r1', 2, 'val_loss', 0.6, 0.02)");
            }
        }
        return db;
    }

    @Test
    void writesAReport() throws Exception {
        Path out = dir.resolve("report.html");
        CliRun r = run("report", "--db", store(false).toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote " + out + ": 1 runs, 1 problems, 3 charts"), r.out());
        String html = Files.readString(out);
        assertTrue(html.contains("<svg class=\"chart\""));
        assertTrue(html.contains("data-optimizer=\"sgd\""));
    }

    @Test
    void missingStoreIsBadInput() {
        CliRun r = run("report", "--db", dir.resolve("missing.sqlite").toString(), "--out", dir.resolve("r.html").toString());
        r.assertBadInput("run store not found: " + dir.resolve("missing.sqlite"));
        assertTrue(r.err().startsWith("descent: run store not found: "), r.err());
    }

    @Test
    void corruptStoreIsBadInput() throws Exception {
        Path junk = dir.resolve("junk.sqlite");
        Files.writeString(junk, "this is not a database, just text that is long enough to look like a header\n".repeat(100));
        run("report", "--db", junk.toString(), "--out", dir.resolve("r.html").toString()).assertBadInput("not a database");
    }

    @Test
    void emptyStoreIsBadInput() throws Exception {
        run("report", "--db", store(true).toString(), "--out", dir.resolve("r.html").toString()).assertBadInput("holds no runs");
    }

    @Test
    void aStoreLockedByAnotherConnectionIsOneLineForEveryReader() throws Exception {
        Path db = store(false);
        Path html = dir.resolve("r.html");
        // The fixture keeps SQLite's rollback journal, where an exclusive lock keeps readers out too.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            run("report", "--db", db.toString(), "--out", html.toString()).assertBadInput("locked");
            for (String[] cmd : new String[][] {{"runs", "list"}, {"runs", "compare"}, {"runs", "show", "ab"}}) {
                String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(cmd), java.util.stream.Stream.of("--db", db.toString()))
                        .toArray(String[]::new);
                CliRun r = run(args);
                r.assertBadInput(db + " is locked by another process (SQLITE_BUSY); wait for it to finish and try again");
                assertFalse(r.err().contains("--out"), "a reader takes no --out: " + r.err());
            }
            s.execute("ROLLBACK");
        }
        assertFalse(Files.exists(html));
        // Unlocked, the same store reads.
        CliRun list = run("runs", "list", "--db", db.toString());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().lines().skip(1).findFirst().orElseThrow().startsWith("r1 "), "a short id is shown whole: " + list.out());
        // The hand-made run's config is "{}": show takes the steps asked from the run's row (given a hex id, as show needs).
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String table : new String[] {"runs", "steps", "evals"}) s.executeUpdate("UPDATE " + table + " SET run_id = 'ab1'");
        }
        CliRun show = run("runs", "show", "ab", "--db", db.toString());
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().contains("steps (2 stored, 2 asked; first and last five)"), show.out());
    }

    @Test
    void aTruncatedRealStoreIsOneLine() throws Exception {
        Path cfg = BenchRunCommandTest.config(dir, BenchRunCommandTest.CONFIG.replace("steps: 20", "steps: 40"));
        Path out = dir.resolve("bench");
        CliRun bench = run("bench", "run", "--config", cfg.toString(), "--out", out.toString(), "--jobs", "1");
        assertEquals(0, bench.exit(), bench.err());
        Path db = out.resolve("runs.db");
        assertFalse(Files.exists(out.resolve("runs.db-wal")), "closing the store folds its log into runs.db");
        assertEquals(0, run("report", "--db", db.toString(), "--out", dir.resolve("whole.html").toString()).exit());

        long size = Files.size(db);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size / 2);
        }
        Path html = dir.resolve("half.html");
        // Measured: "cannot read run store …/runs.db: [SQLITE_CORRUPT] The database disk image is malformed (…)".
        run("report", "--db", db.toString(), "--out", html.toString()).assertBadInput("cannot read run store " + db + ": ");
        assertFalse(Files.exists(html));
    }

    @Test
    void unwritableOutputIsBadInput() throws Exception {
        Path out = dir.resolve("missing-folder").resolve("r.html");
        run("report", "--db", store(false).toString(), "--out", out.toString()).assertBadInput("cannot write report");
        assertFalse(Files.exists(out));
    }

    @Test
    void tooFewPointsIsBadInput() throws Exception {
        run("report", "--db", store(false).toString(), "--out", dir.resolve("r.html").toString(), "--max-points", "2")
                .assertBadInput("--max-points must be at least 3, got 2");
    }

    @Test
    void dbAndOutAreRequired() {
        run("report", "--out", "x.html").assertBadInput("Missing required option: '--db=FILE'", "(see: descent report --help)");
        run("report", "--db", "x.sqlite").assertBadInput("Missing required option: '--out=FILE'");
    }

    @Test
    void optimizersAndFamiliesCanBeChosen() throws Exception {
        Path out = dir.resolve("chosen.html");
        Path db = store(false);
        run("report", "--db", db.toString(), "--out", out.toString(), "--optimizers", "adamz")
                .assertBadInput("--optimizers: 'adamz' has no run in ", "; stored: sgd");
        CliRun r = run("report", "--db", db.toString(), "--out", out.toString(), "--optimizers", "sgd", "--by-family");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.readString(out).contains("<h3 class=\"family\">Classic optimizers</h3>"));
    }
}
