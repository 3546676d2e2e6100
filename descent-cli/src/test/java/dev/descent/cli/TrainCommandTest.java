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
        run("train", "--set", "n_layrs=2").assertBadInput("n_layrs", "n_layer");
    }

    @Test
    void wrongTypeAndOutOfRangeNameTheAllowedValues() {
        run("train", "--set", "n_layer=two").assertBadInput("n_layer", "integer");
        run("train", "--set", "dropout=1.5").assertBadInput("dropout", "[0, 1)");
    }

    @Test
    void missingConfigFileAndMissingRunFolderAreClear() {
        run("train", "--config", tmp.resolve("nope.yaml").toString()).assertBadInput("config file not found");
        run("train", "--set", "dataset=" + tmp.resolve("missing.txt")).assertBadInput("data file not found");
        run("sample", "--run", tmp.resolve("no-run").toString()).assertBadInput("run folder not found");
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

        run("sample", "--run", runDir.toString(), "--prompt", "ROMEO€", "--tokens", "5").assertBadInput("not in the vocabulary");
        run("sample", "--run", runDir.toString(), "--tokens", "-1").assertBadInput("--tokens must be >= 0, got -1");
        run("sample", "--run", runDir.toString(), "--temperature", "0").assertBadInput("--temperature must be > 0, got 0");
    }

    @Test
    void inputsThatWouldExhaustTheMachineAreRefusedInOneLine() throws Exception {
        run("train", "--set", "dataset=/dev/zero").assertBadInput("data file /dev/zero is not a regular file");
        run("train", "--set", "n_embd=8192", "--set", "n_layer=8", "--set", "n_head=8")
                .assertBadInput("needs about", "of heap", "the parameters and optimizer state alone do not fit");
        run("train", "--set", "batch_size=65536", "--set", "block_size=65536").assertBadInput("needs about", "batch_size=1");
        run("train", "--set", "batch_size=99999999999").assertBadInput("'batch_size' = 99999999999 is out of range");
        java.nio.file.Path cfg = tmp.resolve("binary.yaml");
        java.nio.file.Files.write(cfg, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        run("train", "--config", cfg.toString()).assertBadInput("binary.yaml is not UTF-8 text");
    }
}
