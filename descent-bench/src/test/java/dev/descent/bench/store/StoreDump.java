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
                            b.append(' ').append(md.getColumnName(i)).append('=').append(rs.getString(i));
                        }
                        out.add(b.toString());
                    }
                }
            }
        }
        return out;
    }
}
