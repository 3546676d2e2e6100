package dev.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train and sample commands end to end, and their answers to bad input. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    /** train and sample print with System.out. */
    private static CliRun run(String... args) {
        return CliRun.runCapturingSystemOut(args);
    }

    @Test
    void unknownKeyStopsWithExitCodeTwoNamingTheKeyAndTheValidOnes() {
        CliRun r = run("train", "--set", "n_layrs=2");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("n_layrs") && r.err().contains("n_layer"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void wrongTypeAndOutOfRangeNameTheAllowedValues() {
        CliRun t = run("train", "--set", "n_layer=two");
        assertEquals(2, t.exit());
        assertTrue(t.err().contains("n_layer") && t.err().contains("integer"), t.err());
        CliRun o = run("train", "--set", "dropout=1.5");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("dropout") && o.err().contains("[0, 1)"), o.err());
    }

    @Test
    void missingConfigFileAndMissingRunFolderAreClear() {
        CliRun c = run("train", "--config", tmp.resolve("nope.yaml").toString());
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("config file not found"), c.err());
        CliRun d = run("train", "--set", "dataset=" + tmp.resolve("missing.txt"));
        assertEquals(2, d.exit());
        assertTrue(d.err().contains("data file not found"), d.err());
        CliRun s = run("sample", "--run", tmp.resolve("no-run").toString());
        assertEquals(2, s.exit());
        assertTrue(s.err().contains("run folder not found"), s.err());
    }

    @Test
    void trainJsonThenSampleFromTheRun() throws Exception {
        Path runDir = tmp.resolve("run");
        CliRun r = run("train", "--json", "--set", "n_layer=1", "--set", "n_head=2", "--set", "n_embd=16", "--set", "block_size=16",
                "--set", "batch_size=4", "--set", "max_iters=6", "--set", "lr_decay_iters=6", "--set", "warmup_iters=1",
                "--set", "eval_iters=2", "--set", "eval_interval=3", "--set", "sample_tokens=10", "--set", "threads=1",
                "--set", "out_dir=" + runDir);
        assertEquals(0, r.exit(), r.err());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        JsonNode j = new ObjectMapper().readTree(last);
        for (String k : new String[] {"final_val_loss", "final_train_loss", "iters", "train_seconds", "tokens_per_second", "mfu"}) {
            assertTrue(j.has(k), "missing " + k + " in " + last);
        }
        assertEquals(6, j.get("iters").asInt());
        assertTrue(Files.exists(runDir.resolve("metrics.jsonl")));

        CliRun s = run("sample", "--run", runDir.toString(), "--prompt", "ROMEO:", "--tokens", "20", "--seed", "1");
        assertEquals(0, s.exit(), s.err());
        assertTrue(s.out().startsWith("ROMEO:"), s.out());
        assertEquals(s.out(), run("sample", "--run", runDir.toString(), "--prompt", "ROMEO:", "--tokens", "20", "--seed", "1").out());

        CliRun bad = run("sample", "--run", runDir.toString(), "--prompt", "ROMEO€", "--tokens", "5");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("not in the vocabulary"), bad.err());
    }
}
