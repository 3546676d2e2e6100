package dev.descent.bench.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every row of every table of a run store, ordered by key, without the timing columns schema.sql
 * lists (and without meta's created_at): what two executions of the same grid must agree on.
 * A REAL value is written as the hex of its IEEE-754 bits, so two dumps are equal only when every
 * stored double is bit for bit the same, whatever text form the SQLite build gives a REAL (older
 * ones keep 15 significant digits).
 */
public final class StoreDump {
    private static final Map<String, String> ORDER = Map.of(
            "meta", "key", "runs", "run_id", "steps", "run_id, step", "evals", "run_id, step, name");

    private StoreDump() {}

    public static List<String> of(Path db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath()); Statement s = c.createStatement()) {
            for (String table : List.of("meta", "runs", "steps", "evals")) {
                List<String> skip = RunStore.TIMING_COLUMNS.get(table);
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY " + ORDER.get(table))) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        if (table.equals("meta") && rs.getString("key").equals("created_at")) continue;
                        StringBuilder b = new StringBuilder(table).append(':');
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            if (skip.contains(md.getColumnName(i))) continue;
                            b.append(' ').append(md.getColumnName(i)).append('=').append(exact(rs, i));
                        }
                        out.add(b.toString());
                    }
                }
            }
        }
        return out;
    }

    /**
     * Column {@code i} of the current row: a REAL value (sqlite-jdbc gives it as a Double, or a Float
     * for a column declared FLOAT) as its 64 bits in hex followed by its value, read with getDouble,
     * which returns the stored double itself; anything else as its text.
     */
    static String exact(ResultSet rs, int i) throws java.sql.SQLException {
        Object value = rs.getObject(i);
        if (value instanceof Double || value instanceof Float) {
            double d = rs.getDouble(i);
            return "0x" + Long.toHexString(Double.doubleToRawLongBits(d)) + "(" + d + ")";
        }
        return String.valueOf(value);
    }
}
