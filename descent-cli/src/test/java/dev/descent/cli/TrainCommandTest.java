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

    private static String[] tinyRun(Path out, String... more) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("train", "--set", "n_layer=1", "--set", "n_head=2", "--set", "n_embd=16",
                "--set", "block_size=16", "--set", "batch_size=4", "--set", "max_iters=2", "--set", "eval_iters=1", "--set", "eval_interval=2",
                "--set", "sample_tokens=0", "--set", "threads=1", "--set", "out_dir=" + out));
        a.addAll(java.util.List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aSecondTrainIntoTheSameRunFolderIsRefusedWithTheWaysOn() throws Exception {
        Path runDir = tmp.resolve("run");
        assertEquals(0, run(tinyRun(runDir)).exit());
        byte[] first = Files.readAllBytes(runDir.resolve("checkpoint/model.safetensors"));
        run(tinyRun(runDir, "--set", "seed=5")).assertBadInput("already holds a run", "--resume " + runDir, "fresh out_dir", "--overwrite");
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(runDir.resolve("checkpoint/model.safetensors"))));
        assertEquals(0, run(tinyRun(runDir, "--set", "seed=5", "--overwrite")).exit());
        run(tinyRun(tmp.resolve("ft"), "--set", "init_from=" + tmp.resolve("ft"))).assertBadInput("init_from and out_dir are the same folder");
        run("train", "--resume", runDir.toString(), "--overwrite").assertBadInput("--overwrite", "--resume");
    }

    @Test
    void sampleFromWeightsThatAreNotFiniteFailsClearly() throws Exception {
        Path runDir = tmp.resolve("nan");
        assertEquals(0, run(tinyRun(runDir)).exit());
        Path file = runDir.resolve("checkpoint/model.safetensors");
        var contents = dev.descent.io.Safetensors.read(file);
        java.util.Map<String, dev.descent.tensor.Tensor> nan = new java.util.LinkedHashMap<>();
        for (var t : contents.tensors().entrySet()) {
            var c = dev.descent.tensor.Tensor.zeros(t.getValue().shape());
            java.util.Arrays.fill(c.data(), Float.NaN);
            nan.put(t.getKey(), c);
        }
        dev.descent.io.Safetensors.write(file, nan, contents.metadata());
        run("sample", "--run", runDir.toString(), "--tokens", "5").assertBadInput(file + " are not finite");
    }

    /**
     * A FIFO dataset used to block the run in its read, and SIGTERM then waited 60 s for it. A dataset
     * must now be a regular file, so the run refuses the FIFO at once (exit 2, one line), before it reads
     * or waits on anything; and a signal before training starts no longer waits for the run at all.
     */
    @Test
    void aFifoDatasetIsRefusedAtOnceInsteadOfBlocking() throws Exception {
        Path fifo = tmp.resolve("data.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.descent.cli.Descent", "train", "--set", "dataset=" + fifo, "--set", "out_dir=" + tmp.resolve("out"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        try {
            // Nobody ever opens the FIFO for writing: a run that tried to read it would block forever.
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "still running after 60 s (blocked on the FIFO?)");
            String log = Files.readString(tmp.resolve("log.txt"));
            assertEquals(Descent.BAD_INPUT, p.exitValue(), log);
            assertTrue(log.contains(fifo + " is not a regular file"), log);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A checkpoint write that fails for lack of space (here the file-size limit, {@code ulimit -f},
     * which fails a write with "File too large" as a full disk fails it with "No space left on
     * device") names the file it was writing and says that the previous checkpoint is intact; it is.
     */
    @Test
    void aFailedCheckpointWriteNamesTheFileAndKeepsThePreviousCheckpoint() throws Exception {
        Path runDir = tmp.resolve("full");
        assertEquals(0, run(tinyRun(runDir)).exit());
        byte[] before = Files.readAllBytes(runDir.resolve("checkpoint/model.safetensors"));
        assertTrue(before.length > 16 * 1024, "the model file is larger than the limit below");
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        String cmd = "ulimit -f 16; exec '" + javaBin + "' -XX:-UsePerfData --add-modules jdk.incubator.vector -cp '"
                + System.getProperty("java.class.path") + "' dev.descent.cli.Descent train --resume '" + runDir + "' --set max_iters=4";
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("log.txt"));
        assertEquals(Descent.BAD_INPUT, p.exitValue(), log);
        String last = log.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("descent: I/O error: cannot write checkpoint file " + runDir.resolve("checkpoint.tmp-")), last);
        assertTrue(last.contains("model.safetensors: "), last);
        assertTrue(last.endsWith("; the previous checkpoint in " + runDir.resolve("checkpoint") + " is intact"), last);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(runDir.resolve("checkpoint/model.safetensors"))));
        try (var s = Files.list(runDir)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith("checkpoint.tmp-")), "the partial write is removed");
        }
    }
}
