package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The optimizer tables in README.md and docs/optimizers.md agree with the registry, the one source of
 * the state bytes per parameter (4 × {@link OptimizerInfo#stateFloatsPerParam()}, what
 * {@code bin/descent optimizers} prints): one row per registered optimizer, whose last cell starts
 * with that number.
 */
class OptimizerTablesTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\|.*\\| ([^|]*) \\|\\s*$");

    @Test
    void readmeAndDocsListEveryOptimizerWithTheRegistrysStateBytes() throws Exception {
        for (String file : new String[] {"README.md", "docs/optimizers.md"}) check(Path.of("..").resolve(file));
    }

    private static void check(Path file) throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) assertEquals(null, rows.put(m.group(1), m.group(2).trim()), file + ": two rows for " + m.group(1));
        }
        OptimizerRegistry registry = OptimizerRegistry.defaults();
        for (OptimizerInfo i : registry.all()) {
            String cell = rows.remove(i.name());
            assertTrue(cell != null, file + " has no row for " + i.name());
            Matcher n = Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)").matcher(cell);
            assertTrue(n.find(), file + ": " + i.name() + " state cell does not start with a number: " + cell);
            assertEquals(4 * i.stateFloatsPerParam(), Double.parseDouble(n.group(1)), 0.0,
                    file + ": " + i.name() + " state bytes/param (bin/descent optimizers prints " + 4 * i.stateFloatsPerParam() + ")");
        }
        assertTrue(rows.isEmpty(), file + " lists optimizers that are not registered: " + rows.keySet());
    }
}
