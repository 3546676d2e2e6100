package dev.descent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared configuration reader: limits and the YAML features it refuses, each with a one-line message. */
class YamlConfigTest {
    private static String message(Runnable r) {
        String m = assertThrows(ConfigException.class, r::run).getMessage();
        assertTrue(!m.contains("\n"), "one line: " + m);
        return m;
    }

    @Test
    void aLargeFileIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
        // A 16 MB quoted string used to take 109 s and 6.3 GB to parse; now the size is checked first.
        Path f = dir.resolve("big.yaml");
        Files.writeString(f, "dataset: \"" + "x".repeat(16 << 20) + "\"\n");
        String m = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> message(() -> YamlConfig.read(f)));
        assertTrue(m.contains("big.yaml is 16.0 MiB; the limit is 1 MiB"), m);
        // Text given directly is held to the same limit, before the parser sees it.
        String text = "a: \"" + "x".repeat(YamlConfig.MAX_BYTES) + "\"";
        assertTrue(message(() -> YamlConfig.parse(text, "t")).contains("the limit is " + YamlConfig.MAX_BYTES), text.length() + "");
    }

    @Test
    void nonRegularAndBinaryFilesAreNamedAsSuch(@TempDir Path dir) throws Exception {
        assertTrue(message(() -> YamlConfig.read(Path.of("/dev/zero"))).contains("config file /dev/zero is not a regular file"));
        assertTrue(message(() -> YamlConfig.read(dir)).contains("is a folder, not a file"));
        Path bin = dir.resolve("bin.yaml");
        Files.write(bin, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, 0, 1});
        String m = message(() -> YamlConfig.read(bin));
        assertTrue(m.contains("bin.yaml is not UTF-8 text"), m);
        assertTrue(message(() -> YamlConfig.read(dir.resolve("none.yaml"))).contains("config file not found: "));
    }

    @Test
    void aliasesDuplicateKeysAndExtraDocumentsAreRefused() {
        String m = message(() -> YamlConfig.parse("lr: &lr 0.1\nmin_lr: *lr\n", "a.yaml"));
        assertTrue(m.contains("a.yaml: min_lr: YAML aliases (*lr) are not supported"), m);
        m = message(() -> YamlConfig.parse("problems:\n  - {name: q, hyper: &h {lr: 1}}\n  - {name: r, hyper: *h}\n", "s.yaml"));
        assertTrue(m.contains("s.yaml: problems[1].hyper: YAML aliases (*h)"), m);
        m = message(() -> YamlConfig.parse("n_layer: 2\nn_layer: 3\n", "d.yaml"));
        assertTrue(m.contains("d.yaml is not valid YAML") && m.contains("n_layer"), m);
        m = message(() -> YamlConfig.parse("n_layer: 2\n---\nn_layer: 3\n", "m.yaml"));
        assertTrue(m.contains("m.yaml holds more than one YAML document"), m);
        // An anchor alone is harmless; one document with an explicit start marker is fine.
        JsonNode n = YamlConfig.parse("---\nlr: &lr 0.1\n", "ok.yaml");
        assertEquals(0.1, n.get("lr").doubleValue());
        assertNull(YamlConfig.parse("", "empty"));
        assertNull(YamlConfig.parse("# only a comment\n", "comment"));
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "a: " + "[".repeat(200) + "]".repeat(200);
        assertTrue(message(() -> YamlConfig.parse(deep, "deep.yaml")).contains("deep.yaml"));
    }
}
