package dev.descent.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class StoreDumpTest {
    @Test
    void realValuesAreComparedBitForBit() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(a REAL, b REAL, n INTEGER, x TEXT)");
            // 0.1 + 0.2 = 0.30000000000000004 differs from 0.3 in the last bit. (The SQLite of sqlite-jdbc
            // 3.53 prints REALs so that they read back exactly, older ones kept 15 digits; the dump does not
            // depend on either.)
            s.execute("INSERT INTO t VALUES (0.1 + 0.2, 0.3, 7, 'seven')");
            try (ResultSet rs = s.executeQuery("SELECT a, b, n, x, NULL FROM t")) {
                rs.next();
                assertNotEquals(StoreDump.exact(rs, 1), StoreDump.exact(rs, 2));
                assertEquals("0x" + Long.toHexString(Double.doubleToRawLongBits(0.1 + 0.2)) + "(0.30000000000000004)", StoreDump.exact(rs, 1));
                assertEquals("0x3fd3333333333333(0.3)", StoreDump.exact(rs, 2));
                assertEquals("7", StoreDump.exact(rs, 3));
                assertEquals("seven", StoreDump.exact(rs, 4));
                assertEquals("null", StoreDump.exact(rs, 5));
            }
        }
    }
}
