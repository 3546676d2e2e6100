package dev.descent.bench.report;

import dev.descent.bench.run.Divergence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * What a report shows, read from a run store ({@code bench/store/schema.sql}, version 1) with plain
 * JDBC: the {@code meta} pairs and every run up front; the curves ({@code steps} and the
 * {@code evals} rows of each run's {@code metric_name}) one problem at a time through
 * {@link #curves(String)}, so memory follows the largest problem, not the whole store.
 *
 * <p>The database is opened read-only, so a report never changes or creates a store. A missing file,
 * a file that is not SQLite, a SQLite file without the run tables and a store without runs are all
 * bad input: {@link IllegalArgumentException} with one line naming the file.
 */
public record ReportData(Path db, Map<String, String> meta, List<RunRecord> runs) {

    /** The curves of the finished runs of one problem, by run id. */
    public record Curves(Map<String, RunSeries> losses, Map<String, RunSeries> metrics) {
        /** The training-loss series of a run (empty when the run recorded no steps). */
        public RunSeries loss(String runId) {
            return losses.getOrDefault(runId, RunSeries.EMPTY);
        }

        /** The metric series of a run (empty when the run recorded no evaluation of its metric). */
        public RunSeries metric(String runId) {
            return metrics.getOrDefault(runId, RunSeries.EMPTY);
        }
    }

    public static ReportData load(Path db) {
        if (!Files.isRegularFile(db)) {
            throw new IllegalArgumentException("run store not found: " + db + (Files.isDirectory(db) ? " is a folder" : ""));
        }
        try (Connection c = open(db)) {
            requireTables(c, db);
            List<RunRecord> runs = readRuns(c);
            if (runs.isEmpty()) throw new IllegalArgumentException("run store " + db + " holds no runs");
            return new ReportData(db, readMeta(c), runs);
        } catch (SQLException e) {
            throw unreadable(db, e);
        }
    }

    /**
     * The loss and metric curves of the problem's finished runs (only those are drawn). Reads the
     * store again, one problem at a time.
     */
    public Curves curves(String problem) {
        try (Connection c = open(db)) {
            return new Curves(
                    readSeries(c, "SELECT s.run_id, s.step, s.loss, s.wall_seconds FROM steps s JOIN runs r ON r.run_id = s.run_id "
                            + "WHERE r.problem = ? AND r.status = 'finished' ORDER BY s.run_id, s.step", problem),
                    readSeries(c, "SELECT e.run_id, e.step, e.value, e.wall_seconds FROM evals e JOIN runs r ON r.run_id = e.run_id "
                            + "AND e.name = r.metric_name WHERE r.problem = ? AND r.status = 'finished' ORDER BY e.run_id, e.step", problem));
        } catch (SQLException e) {
            throw unreadable(db, e);
        }
    }

    private static Connection open(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), config.toProperties());
    }

    private static IllegalArgumentException unreadable(Path db, SQLException e) {
        return new IllegalArgumentException("cannot read run store " + db + ": " + firstLine(e.getMessage()), e);
    }

    private static void requireTables(Connection c, Path db) throws SQLException {
        List<String> missing = new ArrayList<>(List.of("meta", "runs", "steps", "evals"));
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) missing.remove(rs.getString(1));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(db + " is a SQLite database but not a run store (no table "
                    + String.join(", ", missing) + ")");
        }
    }

    private static Map<String, String> readMeta(Connection c) throws SQLException {
        Map<String, String> meta = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM meta ORDER BY key")) {
            while (rs.next()) meta.put(rs.getString(1), rs.getString(2));
        }
        return meta;
    }

    private static List<RunRecord> readRuns(Connection c) throws SQLException {
        List<RunRecord> runs = new ArrayList<>();
        String sql = "SELECT run_id, suite, problem, optimizer, hyper_json, seed, steps, env_json, status, error, params, "
                + "steps_done, final_loss, metric_name, higher_is_better, final_metric, best_metric, loss_target, "
                + "steps_to_target, state_bytes_per_param, wall_seconds, seconds_per_step, throughput, throughput_unit, "
                + "(SELECT s.loss FROM steps s WHERE s.run_id = runs.run_id ORDER BY s.step LIMIT 1) AS first_loss "
                + "FROM runs ORDER BY problem, optimizer, hyper_json, seed";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long toTarget = rs.getLong("steps_to_target");
                Long stepsToTarget = rs.wasNull() ? null : toTarget;
                String status = rs.getString("status");
                String error = rs.getString("error");
                // Stores written before the runner applied the divergence rule: the same rule, applied here.
                String grew = RunRecord.FINISHED.equals(status)
                        ? Divergence.reason(real(rs, "first_loss"), real(rs, "final_loss"), rs.getLong("steps_done")) : null;
                if (grew != null) {
                    status = "diverged";
                    error = grew;
                }
                runs.add(new RunRecord(rs.getString("run_id"), rs.getString("suite"), rs.getString("problem"),
                        rs.getString("optimizer"), rs.getString("hyper_json"), rs.getLong("seed"), rs.getLong("steps"),
                        rs.getString("env_json"), status, error, rs.getLong("params"),
                        rs.getLong("steps_done"), real(rs, "final_loss"), rs.getString("metric_name"),
                        rs.getInt("higher_is_better") != 0, real(rs, "final_metric"), real(rs, "best_metric"),
                        real(rs, "loss_target"), stepsToTarget, real(rs, "state_bytes_per_param"),
                        real(rs, "wall_seconds"), real(rs, "seconds_per_step"), real(rs, "throughput"),
                        rs.getString("throughput_unit")));
            }
        }
        return runs;
    }

    /** Reads (run_id, step, value, wall_seconds) rows ordered by run and step into one series per run. */
    private static Map<String, RunSeries> readSeries(Connection c, String sql, String problem) throws SQLException {
        Map<String, RunSeries> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, problem);
            ResultSet rs = s.executeQuery();
            String current = null;
            Growing g = new Growing();
            while (rs.next()) {
                String runId = rs.getString(1);
                if (!runId.equals(current)) {
                    if (current != null) out.put(current, g.build());
                    current = runId;
                    g = new Growing();
                }
                g.add(rs.getLong(2), real(rs, 3), real(rs, 4));
            }
            if (current != null) out.put(current, g.build());
        }
        return out;
    }

    private static double real(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    private static double real(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Appends points without boxing; long step series (10⁵ rows) are common. */
    private static final class Growing {
        long[] step = new long[64];
        double[] value = new double[64];
        double[] wall = new double[64];
        int n;

        void add(long s, double v, double w) {
            if (n == step.length) {
                step = Arrays.copyOf(step, 2 * n);
                value = Arrays.copyOf(value, 2 * n);
                wall = Arrays.copyOf(wall, 2 * n);
            }
            step[n] = s;
            value[n] = v;
            wall[n] = w;
            n++;
        }

        RunSeries build() {
            return new RunSeries(Arrays.copyOf(step, n), Arrays.copyOf(value, n), Arrays.copyOf(wall, n));
        }
    }
}
