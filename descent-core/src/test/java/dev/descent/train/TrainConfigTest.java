package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
    static ConfigException fails(List<String> overrides) {
        return assertThrows(ConfigException.class, () -> TrainConfig.defaults().with(overrides));
    }

    @Test
    void defaultsAreNanoGptShakespeareChar() {
        TrainConfig c = TrainConfig.defaults();
        assertEquals(6, c.getInt("n_layer"));
        assertEquals(6, c.getInt("n_head"));
        assertEquals(384, c.getInt("n_embd"));
        assertEquals(256, c.getInt("block_size"));
        assertEquals(64, c.getInt("batch_size"));
        assertEquals(0.2, c.getDouble("dropout"));
        assertEquals(1e-3, c.getDouble("learning_rate"));
        assertEquals(5000, c.getInt("max_iters"));
        assertEquals(0.99, c.getDouble("beta2"));
        assertFalse(c.getBool("bias"));
        assertEquals("shakespeare_char", c.getString("dataset"));
        c.validate();
    }

    @Test
    void overridesParseIntsDoublesBoolsAndStrings() {
        TrainConfig c = TrainConfig.defaults().with(List.of(
                "n_layer=4", "dropout=0.0", "learning_rate=0.0006", "bias=true", "decay_lr=false",
                "out_dir=runs/x", " max_iters = 20 ", "min_lr=0"));
        assertEquals(4, c.getInt("n_layer"));
        assertEquals(0.0, c.getDouble("dropout"));
        assertEquals(6e-4, c.getDouble("learning_rate"));
        assertTrue(c.getBool("bias"));
        assertFalse(c.getBool("decay_lr"));
        assertEquals("runs/x", c.getString("out_dir"));
        assertEquals(20, c.getInt("max_iters"));
        assertEquals(0.0, c.getDouble("min_lr")); // an integer literal is a valid number
        // the original is unchanged
        assertEquals(6, TrainConfig.defaults().getInt("n_layer"));
    }

    @Test
    void scientificNotationIsANumber() {
        // nanoGPT's configs write learning_rate = 6e-4; YAML 1.1 would read "6e-4" as a string
        TrainConfig c = TrainConfig.defaults().with(List.of("learning_rate=6e-4", "min_lr=6e-5", "weight_decay=1e-1"));
        assertEquals(6e-4, c.getDouble("learning_rate"));
        assertEquals(6e-5, c.getDouble("min_lr"));
        assertEquals(0.1, c.getDouble("weight_decay"));
        TrainConfig y = TrainConfig.defaults().merge("learning_rate: 3e-4\nmin_lr: 1.0e-5\n", "test.yaml");
        assertEquals(3e-4, y.getDouble("learning_rate"));
        assertEquals(1e-5, y.getDouble("min_lr"));
    }

    @Test
    void unknownKeyNamesItAndListsValidKeys() {
        ConfigException e = fails(List.of("n_layers=4"));
        assertTrue(e.getMessage().contains("'n_layers'"), e.getMessage());
        assertTrue(e.getMessage().contains("n_layer") && e.getMessage().contains("learning_rate"), e.getMessage());
        ConfigException y = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().merge("lr: 0.1\n", "cfg.yaml"));
        assertTrue(y.getMessage().contains("'lr'"), y.getMessage());
    }

    @Test
    void wrongTypeNamesKeyAndAllowedValues() {
        ConfigException e = fails(List.of("n_layer=four"));
        assertTrue(e.getMessage().contains("'n_layer'") && e.getMessage().contains("an integer in [1, 256]"), e.getMessage());
        e = fails(List.of("n_layer=4.5"));
        assertTrue(e.getMessage().contains("'n_layer'") && e.getMessage().contains("an integer"), e.getMessage());
        e = fails(List.of("bias=maybe"));
        assertTrue(e.getMessage().contains("'bias'") && e.getMessage().contains("true or false"), e.getMessage());
        e = fails(List.of("dropout=high"));
        assertTrue(e.getMessage().contains("'dropout'") && e.getMessage().contains("a number in [0, 1)"), e.getMessage());
        e = fails(List.of("dataset="));
        assertTrue(e.getMessage().contains("'dataset'") && e.getMessage().contains("a string"), e.getMessage());
        e = fails(List.of("learning_rate=.inf"));
        assertTrue(e.getMessage().contains("'learning_rate'"), e.getMessage());
        e = fails(List.of("n_layer"));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    @Test
    void outOfRangeNamesKeyAndRange() {
        ConfigException e = fails(List.of("dropout=1.0"));
        assertTrue(e.getMessage().contains("'dropout'") && e.getMessage().contains("a number in [0, 1)"), e.getMessage());
        e = fails(List.of("n_layer=0"));
        assertTrue(e.getMessage().contains("'n_layer'") && e.getMessage().contains("an integer in [1, 256]"), e.getMessage());
        e = fails(List.of("learning_rate=-0.1"));
        assertTrue(e.getMessage().contains("'learning_rate'") && e.getMessage().contains("a number >= 0"), e.getMessage());
        e = fails(List.of("beta2=1"));
        assertTrue(e.getMessage().contains("'beta2'") && e.getMessage().contains("[0, 1)"), e.getMessage());
        // boundaries that are allowed
        TrainConfig ok = TrainConfig.defaults().with(List.of("n_layer=256", "dropout=0", "beta1=0.0"));
        assertEquals(256, ok.getInt("n_layer"));
    }

    @Test
    void validateChecksRelations() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().with(List.of("n_embd=100", "n_head=6")).validate());
        assertTrue(e.getMessage().contains("n_embd") && e.getMessage().contains("n_head"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().with(List.of("min_lr=0.01")).validate());
        assertTrue(e.getMessage().contains("min_lr"), e.getMessage());
    }

    @Test
    void yamlFileAndRoundTrip(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "n_layer: 2\nbias: true\ndropout: 0.1\nout_dir: runs/tiny\n");
        TrainConfig c = TrainConfig.load(f);
        assertEquals(2, c.getInt("n_layer"));
        assertTrue(c.getBool("bias"));
        assertEquals(0.1, c.getDouble("dropout"));
        TrainConfig again = TrainConfig.defaults().merge(c.toYaml(), "round trip");
        assertEquals(c.asMap(), again.asMap());
        ConfigException missing = assertThrows(ConfigException.class, () -> TrainConfig.load(dir.resolve("nope.yaml")));
        assertTrue(missing.getMessage().contains("nope.yaml"));
        assertThrows(ConfigException.class, () -> TrainConfig.defaults().merge("- a\n- b\n", "list.yaml"));
        assertThrows(ConfigException.class, () -> TrainConfig.defaults().merge("n_layer: [1\n", "bad.yaml"));
        assertEquals(TrainConfig.defaults().asMap(), TrainConfig.defaults().merge("", "empty").asMap());
    }

    @Test
    void integersOutOfRangeAreRangeErrorsPrintedAsWritten() {
        ConfigException e = fails(List.of("batch_size=99999999999"));
        assertTrue(e.getMessage().equals("config key 'batch_size' = 99999999999 is out of range; allowed: an integer in [1, 1048576]"), e.getMessage());
        e = fails(List.of("n_layer=-1"));
        assertTrue(e.getMessage().equals("config key 'n_layer' = -1 is out of range; allowed: an integer in [1, 256]"), e.getMessage());
        e = fails(List.of("dropout=1"));
        assertTrue(e.getMessage().startsWith("config key 'dropout' = 1 is out of range"), e.getMessage());
    }

    @Test
    void outDirIsNormalised() {
        assertEquals("/tmp/x/run", TrainConfig.defaults().with(List.of("out_dir=/tmp/nope/../x/./run")).getString("out_dir"));
        assertEquals("runs/a", TrainConfig.defaults().merge("out_dir: ./runs/b/../a\n", "t").getString("out_dir"));
        assertEquals(".", TrainConfig.defaults().with(List.of("out_dir=a/..")).getString("out_dir"));
    }

    @Test
    void yamlAliasesAndDuplicateKeysAreRefusedByKey(@TempDir Path dir) throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfig.defaults().merge("learning_rate: &lr 0.001\nmin_lr: *lr\n", "a.yaml"));
        assertTrue(e.getMessage().contains("min_lr: YAML aliases (*lr) are not supported"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> TrainConfig.defaults().merge("n_layer: 2\nn_layer: 4\n", "d.yaml"));
        assertTrue(e.getMessage().contains("Duplicate") && e.getMessage().contains("n_layer"), e.getMessage());
        Path binary = dir.resolve("b.yaml");
        Files.write(binary, new byte[] {(byte) 0xc3, 0x28});
        e = assertThrows(ConfigException.class, () -> TrainConfig.load(binary));
        assertTrue(e.getMessage().endsWith("b.yaml is not UTF-8 text (a binary file?)"), e.getMessage());
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "dataset: \"" + "x".repeat(2 << 20) + "\"\n");
        e = assertThrows(ConfigException.class, () -> TrainConfig.defaults().mergeFile(big));
        assertTrue(e.getMessage().contains("the limit is 1 MiB"), e.getMessage());
    }
}
