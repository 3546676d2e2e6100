package dev.descent.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * A synthetic run store built with the real schema and plain JDBC: two problems × three optimizers ×
 * three seeds, one optimizer ({@code adamw}) with two learning rates, one diverged run (logreg,
 * sgd, seed 2), and an optimizer whose name needs escaping. Every stored number comes from the
 * closed-form functions below, so tests can recompute what the report should say.
 */
final class FixtureStore {
    static final String WEIRD = "we<ird>&\"opt'";
    static final String TOY = "toy-quadratic", LOGREG = "logreg-synthetic";
    static final List<String> PROBLEMS = List.of(LOGREG, TOY);
    /** (optimizer, hyper_json) settings run on every problem. */
    static final List<String[]> SETTINGS = List.of(
            new String[] {"adamw", "{\"lr\":\"0.001\"}"},
            new String[] {"adamw", "{\"lr\":\"0.01\"}"},
            new String[] {"sgd", "{\"lr\":\"0.1\",\"momentum\":\"0.9\"}"},
            new String[] {WEIRD, "{}"});
    static final int SEEDS = 3;
    static final int TOY_STEPS = 200, LOGREG_STEPS = 600, EVAL_EVERY = 50;
    static final int DIVERGED_AT = 300;

    private FixtureStore() {}

    static boolean diverged(String problem, int setting, int seed) {
        return problem.equals(LOGREG) && setting == 2 && seed == 2;
    }

    static int steps(String problem) {
        return problem.equals(TOY) ? TOY_STEPS : LOGREG_STEPS;
    }

    static boolean higherIsBetter(String problem) {
        return problem.equals(LOGREG);
    }

    static double lossTarget(String problem) {
        return problem.equals(TOY) ? 1e-4 : 0.3;
    }

    /** Training loss at a step: the toy problem falls over about six decades, logreg from 0.7 towards 0.15 with noise. */
    static double loss(String problem, int setting, int seed, int step) {
        double rate = 0.02 + 0.012 * setting + 0.002 * seed;
        if (problem.equals(TOY)) return 10 * Math.exp(-rate * 2.6 * step) + 1e-7 * (1 + setting);
        double noise = 0.03 * Math.sin(step * 1.7 + seed * 2.1 + setting);
        return 0.15 + 0.55 * Math.exp(-rate * 0.4 * step) + noise;
    }

    /** The problem's metric at an evaluation: toy val_loss tracks the loss; logreg accuracy rises to about 0.9. */
    static double metric(String problem, int setting, int seed, int step) {
        if (problem.equals(TOY)) return 1.1 * loss(problem, setting, seed, Math.max(step, 1));
        double rate = 0.02 + 0.012 * setting + 0.002 * seed;
        return 0.5 + (0.38 + 0.01 * setting - 0.004 * seed) * (1 - Math.exp(-rate * 0.4 * step));
    }

    static double wallSeconds(int setting, int seed, int step) {
        return step * 0.002 * (1 + 0.5 * setting) * (1 + 0.05 * seed);
    }

    /** Steps the run recorded: all, or up to and including the non-finite one for the diverged run. */
    static int stepsDone(String problem, int setting, int seed) {
        return diverged(problem, setting, seed) ? DIVERGED_AT : steps(problem);
    }

    /** The last evaluation's metric (NULL for the diverged run, which stopped before its next evaluation). */
    static Double finalMetric(String problem, int setting, int seed) {
        if (diverged(problem, setting, seed)) return null;
        return metric(problem, setting, seed, steps(problem));
    }

    static Double bestMetric(String problem, int setting, int seed) {
        double best = Double.NaN;
        for (int s = 0; s <= stepsDone(problem, setting, seed); s += EVAL_EVERY) {
            if (diverged(problem, setting, seed) && s == DIVERGED_AT) break;
            double m = metric(problem, setting, seed, s);
            if (Double.isNaN(best) || (higherIsBetter(problem) ? m > best : m < best)) best = m;
        }
        return best;
    }

    static Long stepsToTarget(String problem, int setting, int seed) {
        for (int s = 1; s <= stepsDone(problem, setting, seed); s++) {
            if (diverged(problem, setting, seed) && s == DIVERGED_AT) break;
            if (loss(problem, setting, seed, s) <= lossTarget(problem)) return (long) s;
        }
        return null;
    }

    static void write(Path db) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
            createSchema(c);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO meta VALUES ('schema_version', '1'), ('descent_version', '0.1.0-SNAPSHOT')");
            }
            for (String problem : PROBLEMS) {
                for (int k = 0; k < SETTINGS.size(); k++) {
                    for (int seed = 0; seed < SEEDS; seed++) insertRun(c, problem, k, seed);
                }
            }
            c.commit();
        }
    }

    /** Creates the tables from the schema file the harness uses (comments stripped, split on ';'). */
    static void createSchema(Connection c) throws SQLException, IOException {
        String sql;
        try (InputStream in = FixtureStore.class.getResourceAsStream("/dev/descent/bench/store/schema.sql")) {
            if (in == null) throw new IOException("schema.sql not on the class path");
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        sql = sql.replaceAll("--[^\n]*", "");
        try (Statement s = c.createStatement()) {
            for (String stmt : sql.split(";")) {
                if (!stmt.isBlank()) s.executeUpdate(stmt);
            }
        }
    }

    static String runId(String problem, int setting, int seed) {
        return problem + "/" + setting + "/" + seed;
    }

    private static void insertRun(Connection c, String problem, int k, int seed) throws SQLException {
        String id = runId(problem, k, seed);
        boolean div = diverged(problem, k, seed);
        int done = stepsDone(problem, k, seed);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            int i = 1;
            p.setString(i++, id);
            p.setString(i++, "fixture-suite");
            p.setString(i++, problem);
            p.setString(i++, SETTINGS.get(k)[0]);
            p.setString(i++, SETTINGS.get(k)[1]);
            p.setLong(i++, seed);
            p.setLong(i++, steps(problem));
            p.setLong(i++, EVAL_EVERY);
            p.setString(i++, "{}");
            p.setString(i++, "{\"jdk\":\"25.0.1\",\"cores\":2,\"git_revision\":\"0123456789abcdef0123456789abcdef01234567\",\"os\":\"Linux\",\"arch\":\"amd64\"}");
            p.setString(i++, div ? "diverged" : "finished");
            p.setString(i++, div ? "non-finite loss at step " + DIVERGED_AT : null);
            p.setString(i++, "2026-11-24T00:00:00Z");
            p.setString(i++, "2026-11-24T00:01:00Z");
            p.setLong(i++, problem.equals(TOY) ? 2 : 31);
            p.setLong(i++, done);
            setReal(p, i++, div ? null : loss(problem, k, seed, done));
            p.setString(i++, problem.equals(TOY) ? "val_loss" : "test_accuracy");
            p.setInt(i++, higherIsBetter(problem) ? 1 : 0);
            setReal(p, i++, finalMetric(problem, k, seed));
            setReal(p, i++, bestMetric(problem, k, seed));
            p.setDouble(i++, lossTarget(problem));
            Long toTarget = stepsToTarget(problem, k, seed);
            if (toTarget == null) p.setNull(i++, Types.INTEGER); else p.setLong(i++, toTarget);
            p.setDouble(i++, SETTINGS.get(k)[0].equals("sgd") ? 4 : 8);
            p.setDouble(i++, wallSeconds(k, seed, done));
            p.setDouble(i++, wallSeconds(k, seed, 1));
            p.setDouble(i++, 32 / wallSeconds(k, seed, 1));
            p.setString(i, "examples");
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO steps VALUES (?,?,?,?,?,?)")) {
            for (int s = 1; s <= done; s++) {
                p.setString(1, id);
                p.setLong(2, s);
                setReal(p, 3, div && s == DIVERGED_AT ? null : loss(problem, k, seed, s));
                p.setDouble(4, 0.01);
                p.setDouble(5, wallSeconds(k, seed, s));
                p.setDouble(6, 32 / wallSeconds(k, seed, 1));
                p.addBatch();
            }
            p.executeBatch();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO evals VALUES (?,?,?,?,?)")) {
            for (int s = 0; s <= done; s += EVAL_EVERY) {
                if (div && s == DIVERGED_AT) break;
                for (String name : List.of(problem.equals(TOY) ? "val_loss" : "test_accuracy", "other_metric")) {
                    p.setString(1, id);
                    p.setLong(2, s);
                    p.setString(3, name);
                    p.setDouble(4, name.equals("other_metric") ? -1 : metric(problem, k, seed, s));
                    p.setDouble(5, wallSeconds(k, seed, s));
                    p.addBatch();
                }
            }
            p.executeBatch();
        }
    }

    private static void setReal(PreparedStatement p, int i, Double v) throws SQLException {
        if (v == null) p.setNull(i, Types.REAL); else p.setDouble(i, v);
    }
}
