package dev.descent.bench.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite run store of {@code bench run} ({@code schema.sql}, version {@value #SCHEMA_VERSION}).
 * One connection; {@link #save} writes a run and all its rows in one transaction, so a crash loses
 * at most the runs in flight (SQLite's journal rolls back a half-written one on the next open).
 *
 * <p>A writer also holds an exclusive lock on {@code runs.db.lock} beside the database for its
 * lifetime, so a second {@code bench run} on the same folder stops at once instead of duplicating
 * work. Readers ({@code runs …}, reports) do not take it and may read while a benchmark runs.
 *
 * <p>Problems a user can cause become {@link IllegalArgumentException}s with one clear line: the
 * database locked by another process ({@code SQLITE_BUSY}/{@code SQLITE_LOCKED} within
 * {@value #OPEN_BUSY_MS} ms), not a SQLite file or corrupt, not a run store, a newer schema.
 */
public final class RunStore implements AutoCloseable {
    public static final int SCHEMA_VERSION = 1;
    /** How long opening waits for a lock held by another process before saying the database is locked. */
    static final int OPEN_BUSY_MS = 300;
    /** How long a save waits for readers to let go. */
    static final int SAVE_BUSY_MS = 10_000;

    /** Columns that differ between two executions of the same run (schema.sql's header), by table. */
    public static final Map<String, List<String>> TIMING_COLUMNS = Map.of(
            "runs", List.of("wall_seconds", "seconds_per_step", "throughput", "started_at", "finished_at", "env_json"),
            "steps", List.of("wall_seconds", "throughput"),
            "evals", List.of("wall_seconds"),
            "meta", List.of());

    private final Path path;
    private final Connection conn;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private RunStore(Path path, Connection conn, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.conn = conn;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    public Path path() { return path; }

    /**
     * Opens (creating when missing) the store at {@code db} for a benchmark run. Its folder must exist
     * and be writable.
     */
    public static RunStore openForWriting(Path db, String descentVersion) throws IOException {
        Path dir = db.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("output folder " + dir + " does not exist");
        if (!Files.isWritable(dir)) throw new IllegalArgumentException("output folder " + dir + " is not writable");
        Path lockFile = db.resolveSibling(db.getFileName() + ".lock");
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("output folder " + dir + " is not writable (cannot create " + lockFile.getFileName() + ")");
        }
        FileLock fl;
        try {
            fl = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            ch.close();
            throw new IllegalArgumentException(db + " is in use by another bench run (it holds " + lockFile.getFileName()
                    + "); wait for it to finish or choose another --out");
        }
        Connection c = null;
        try {
            c = connect(db, false);
            initialize(c, db, descentVersion);
            try (Statement s = c.createStatement()) {
                // Write-ahead log: a commit appends to runs.db-wal without waiting for the disk (synchronous=NORMAL),
                // which a killed process cannot lose or tear; only a power cut may lose the last commits.
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA busy_timeout = " + SAVE_BUSY_MS);
            }
            return new RunStore(db, c, ch, fl);
        } catch (SQLException e) {
            closeQuietly(c);
            fl.release();
            ch.close();
            throw userError(db, e, true);
        } catch (RuntimeException e) {
            closeQuietly(c);
            fl.release();
            ch.close();
            throw e;
        }
    }

    /** Opens an existing store read-only (for {@code runs …}). */
    public static RunStore openForReading(Path db) {
        if (!Files.isRegularFile(db)) throw new IllegalArgumentException("run store not found: " + db);
        Connection c = null;
        try {
            c = connect(db, true);
            Map<String, String> meta = readMeta(c, db);
            checkVersion(meta, db);
            return new RunStore(db, c, null, null);
        } catch (SQLException e) {
            closeQuietly(c);
            throw userError(db, e, false);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static Connection connect(Path db, boolean readOnly) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(OPEN_BUSY_MS);
        cfg.enforceForeignKeys(true);
        cfg.setReadOnly(readOnly);
        return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), cfg.toProperties());
    }

    /** Creates the schema in an empty database, or checks an existing one is a store of this version. */
    private static void initialize(Connection c, Path db, String descentVersion) throws SQLException {
        inImmediateTransaction(c, s -> {
            Set<String> tables = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            if (tables.isEmpty()) {
                for (String stmt : schemaStatements()) s.execute(stmt);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?)")) {
                    for (String[] kv : new String[][] {{"schema_version", Integer.toString(SCHEMA_VERSION)},
                            {"created_at", Instant.now().toString()}, {"descent_version", descentVersion}}) {
                        p.setString(1, kv[0]);
                        p.setString(2, kv[1]);
                        p.executeUpdate();
                    }
                }
            } else {
                checkVersion(readMeta(c, db), db);
            }
        });
    }

    /** A piece of work on the store's connection, run by {@link #inImmediateTransaction}. */
    private interface Work {
        void run(Statement s) throws SQLException;
    }

    /**
     * Runs {@code work} between {@code BEGIN IMMEDIATE} and {@code COMMIT} (so a concurrent writer waits
     * for the whole of it); when it throws, rolls back and rethrows.
     */
    private static void inImmediateTransaction(Connection c, Work work) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                work.run(s);
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // the transaction is already gone
                }
                throw e;
            }
        }
    }

    private static Map<String, String> readMeta(Connection c, Path db) throws SQLException {
        Map<String, String> meta = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'runs', 'steps', 'evals')")) {
                if (!rs.next() || rs.getInt(1) != 4) {
                    throw new IllegalArgumentException(db + " is a SQLite database but not a descent run store (tables meta, runs, steps, evals missing)");
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT key, value FROM meta")) {
                while (rs.next()) meta.put(rs.getString(1), rs.getString(2));
            }
        }
        return meta;
    }

    private static void checkVersion(Map<String, String> meta, Path db) {
        String v = meta.get("schema_version");
        if (!Integer.toString(SCHEMA_VERSION).equals(v)) {
            throw new IllegalArgumentException(db + " has run-store schema version " + v + "; this descent reads version " + SCHEMA_VERSION);
        }
    }

    /** The statements of schema.sql (comments removed; no statement there has a ';' or "--" inside a literal). */
    static List<String> schemaStatements() {
        String sql;
        try (InputStream in = RunStore.class.getResourceAsStream("/dev/descent/bench/store/schema.sql")) {
            if (in == null) throw new IllegalStateException("schema.sql is missing from the build");
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema.sql", e);
        }
        StringBuilder noComments = new StringBuilder();
        for (String line : sql.split("\n", -1)) {
            int dash = line.indexOf("--");
            noComments.append(dash >= 0 ? line.substring(0, dash) : line).append('\n');
        }
        List<String> out = new ArrayList<>();
        for (String stmt : noComments.toString().split(";")) if (!stmt.isBlank()) out.add(stmt.strip());
        return out;
    }

    /**
     * Turns the SQLite errors a user can cause into one clear line; anything else stays a bug.
     * {@code writing}: the store was opened by a benchmark run (whose hint for a lock is another
     * --out), not by a reader.
     */
    static RuntimeException userError(Path db, SQLException e, boolean writing) {
        int code = e.getErrorCode() & 0xff;
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (code == 5 || code == 6 || msg.contains("SQLITE_BUSY") || msg.contains("database is locked")) {
            return new IllegalArgumentException(db + " is locked by another process (SQLITE_BUSY); wait for it to finish"
                    + (writing ? " or choose another --out" : " and try again"));
        }
        if (code == 26 || code == 11 || msg.contains("SQLITE_NOTADB") || msg.contains("SQLITE_CORRUPT")) {
            return new IllegalArgumentException(db + " is not a SQLite database or is corrupt (" + msg + ")");
        }
        if (code == 13 || code == 8 || code == 14 || code == 10) {
            return new IllegalArgumentException("cannot write " + db + " (" + msg + ")");
        }
        return new IllegalStateException("run store " + db + ": " + msg, e);
    }

    /** Number of runs stored. */
    public int runCount() {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM runs")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw userError(path, e, lock != null);
        }
    }

    /** Run ids stored as finished or diverged: what {@code --resume} skips (failed runs are run again). */
    public Set<String> completedRunIds() {
        Set<String> out = new HashSet<>();
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT run_id FROM runs WHERE status IN ('finished', 'diverged')")) {
            while (rs.next()) out.add(rs.getString(1));
        } catch (SQLException e) {
            throw userError(path, e, lock != null);
        }
        return out;
    }

    /** Writes a run and its rows in one transaction, replacing an earlier attempt of the same run id. */
    public synchronized void save(RunRow r, List<StepRow> steps, List<EvalRow> evals) {
        try {
            inImmediateTransaction(conn, s -> {
                for (String t : List.of("evals", "steps", "runs")) {
                    try (PreparedStatement d = conn.prepareStatement("DELETE FROM " + t + " WHERE run_id = ?")) {
                        d.setString(1, r.runId());
                        d.executeUpdate();
                    }
                }
                insertRun(r);
                try (PreparedStatement p = conn.prepareStatement(
                        "INSERT INTO steps(run_id, step, loss, lr, wall_seconds, throughput) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (StepRow st : steps) {
                        p.setString(1, r.runId());
                        p.setInt(2, st.step());
                        setDouble(p, 3, st.loss());
                        setDouble(p, 4, st.lr());
                        p.setDouble(5, st.wallSeconds());
                        setDouble(p, 6, st.throughput());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                try (PreparedStatement p = conn.prepareStatement(
                        "INSERT INTO evals(run_id, step, name, value, wall_seconds) VALUES (?, ?, ?, ?, ?)")) {
                    for (EvalRow ev : evals) {
                        p.setString(1, r.runId());
                        p.setInt(2, ev.step());
                        p.setString(3, ev.name());
                        setDouble(p, 4, ev.value());
                        p.setDouble(5, ev.wallSeconds());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            });
        } catch (SQLException e) {
            throw userError(path, e, lock != null);
        }
    }

    private void insertRun(RunRow r) throws SQLException {
        try (PreparedStatement p = conn.prepareStatement("INSERT INTO runs(run_id, suite, problem, optimizer, hyper_json, seed, steps, "
                + "eval_every, config_json, env_json, status, error, started_at, finished_at, params, steps_done, final_loss, metric_name, "
                + "higher_is_better, final_metric, best_metric, loss_target, steps_to_target, state_bytes_per_param, wall_seconds, "
                + "seconds_per_step, throughput, throughput_unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            p.setString(i++, r.runId());
            p.setString(i++, r.suite());
            p.setString(i++, r.problem());
            p.setString(i++, r.optimizer());
            p.setString(i++, r.hyperJson());
            p.setLong(i++, r.seed());
            p.setInt(i++, r.steps());
            p.setInt(i++, r.evalEvery());
            p.setString(i++, r.configJson());
            p.setString(i++, r.envJson());
            p.setString(i++, r.status());
            p.setString(i++, r.error());
            p.setString(i++, r.startedAt());
            p.setString(i++, r.finishedAt());
            p.setLong(i++, r.params());
            p.setInt(i++, r.stepsDone());
            setDouble(p, i++, r.finalLoss());
            p.setString(i++, r.metricName());
            p.setInt(i++, r.higherIsBetter() ? 1 : 0);
            setDouble(p, i++, r.finalMetric());
            setDouble(p, i++, r.bestMetric());
            setDouble(p, i++, r.lossTarget());
            if (r.stepsToTarget() == null) p.setNull(i++, Types.INTEGER);
            else p.setInt(i++, r.stepsToTarget());
            p.setDouble(i++, r.stateBytesPerParam());
            p.setDouble(i++, r.wallSeconds());
            setDouble(p, i++, r.secondsPerStep());
            setDouble(p, i++, r.throughput());
            p.setString(i, r.throughputUnit());
            p.executeUpdate();
        }
    }

    private static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
        if (v == null || !Double.isFinite(v)) p.setNull(i, Types.REAL);
        else p.setDouble(i, v);
    }

    /** Runs, optionally filtered by problem and optimizer (null = any), ordered by problem, optimizer, hyperparameters, seed. */
    public List<RunRow> runs(String problem, String optimizer) {
        return queryRuns("WHERE (?1 IS NULL OR problem = ?1) AND (?2 IS NULL OR optimizer = ?2)", problem, optimizer);
    }

    /** Runs whose id starts with {@code prefix} (hex). */
    public List<RunRow> runsWithPrefix(String prefix) {
        if (!prefix.matches("[0-9a-fA-F]+")) throw new IllegalArgumentException("run id prefix '" + prefix + "' must be hexadecimal");
        return queryRuns("WHERE substr(run_id, 1, length(?1)) = lower(?1)", prefix, null);
    }

    private List<RunRow> queryRuns(String where, String a, String b) {
        List<RunRow> out = new ArrayList<>();
        String sql = "SELECT run_id, suite, problem, optimizer, hyper_json, seed, steps, eval_every, config_json, env_json, status, error, "
                + "started_at, finished_at, params, steps_done, final_loss, metric_name, higher_is_better, final_metric, best_metric, "
                + "loss_target, steps_to_target, state_bytes_per_param, wall_seconds, seconds_per_step, throughput, throughput_unit "
                + "FROM runs " + where + " ORDER BY problem, optimizer, hyper_json, seed, run_id";
        try (PreparedStatement p = conn.prepareStatement(sql)) {
            p.setString(1, a);
            if (sql.contains("?2")) p.setString(2, b);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new RunRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                            rs.getInt(7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                            rs.getString(13), rs.getString(14), rs.getLong(15), rs.getInt(16), dbl(rs, 17), rs.getString(18),
                            rs.getInt(19) != 0, dbl(rs, 20), dbl(rs, 21), dbl(rs, 22), integer(rs, 23), rs.getDouble(24), rs.getDouble(25),
                            dbl(rs, 26), dbl(rs, 27), rs.getString(28)));
                }
            }
        } catch (SQLException e) {
            throw userError(path, e, lock != null);
        }
        return out;
    }

    /** The step rows of a run, in step order; {@code limit} < 0 for all. */
    public List<StepRow> steps(String runId, int limit) {
        List<StepRow> out = new ArrayList<>();
        try (PreparedStatement p = conn.prepareStatement(
                "SELECT step, loss, lr, wall_seconds, throughput FROM steps WHERE run_id = ? ORDER BY step LIMIT ?")) {
            p.setString(1, runId);
            p.setInt(2, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(new StepRow(rs.getInt(1), dbl(rs, 2), dbl(rs, 3), rs.getDouble(4), dbl(rs, 5)));
            }
        } catch (SQLException e) {
            throw userError(path, e, lock != null);
        }
        return out;
    }

    /** The evaluation rows of a run, by step then name. */
    public List<EvalRow> evals(String runId) {
        List<EvalRow> out = new ArrayList<>();
        try (PreparedStatement p = conn.prepareStatement(
                "SELECT step, name, value, wall_seconds FROM evals WHERE run_id = ? ORDER BY step, name")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(new EvalRow(rs.getInt(1), rs.getString(2), dbl(rs, 3), rs.getDouble(4)));
            }
        } catch (SQLException e) {
            throw userError(path, e, lock != null);
        }
        return out;
    }

    private static Double dbl(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    private static Integer integer(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }

    @Override
    public void close() {
        closeQuietly(conn);
        try {
            if (lock != null) lock.release();
            if (lockChannel != null) lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
