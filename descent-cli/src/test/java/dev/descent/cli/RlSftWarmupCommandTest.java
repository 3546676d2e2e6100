package dev.descent.cli;

import static dev.descent.cli.CliRun.run;
import static dev.descent.cli.CliRun.runCapturingSystemOut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RlSftWarmupCommandTest {
    @TempDir
    Path tmp;

    @Test
    void badInputIsOneLineAndExitTwo() {
        run("rl", "sft-warmup", "--task", "subtraction", "--out", tmp.resolve("a").toString())
                .assertBadInput("unknown task 'subtraction'", "addition, multiplication, countdown, sorting, parity");
        run("rl", "sft-warmup", "--task", "addition", "--set", "digitz=3", "--out", tmp.resolve("b").toString())
                .assertBadInput("no setting 'digitz'", "digits, reversed");
        run("rl", "sft-warmup", "--task", "addition", "--set", "digits=0", "--out", tmp.resolve("c").toString())
                .assertBadInput("'digits' = 0", "[1, 40]");
        run("rl", "sft-warmup", "--task", "addition", "--set", "corruption=-1", "--out", tmp.resolve("d").toString())
                .assertBadInput("'corruption'");
        run("rl", "sft-warmup", "--task", "addition").assertBadInput("--out");
    }

    @Test
    void aTinyWarmUpReportsHeldOutSuccessAndLeavesASampleableRun() throws Exception {
        Path out = tmp.resolve("run");
        CliRun r = runCapturingSystemOut("rl", "sft-warmup", "--task", "parity", "--set", "bits=4", "--set", "examples=200",
                "--set", "eval_problems=10", "--set", "max_iters=10", "--set", "n_layer=1", "--set", "n_embd=16", "--set", "n_head=2",
                "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("held-out success, greedy:") && r.out().contains("held-out success, sampled (T=1):"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("task.json")) && Files.isRegularFile(out.resolve("sft.txt")));
        CliRun s = runCapturingSystemOut("sample", "--run", out.toString(), "--prompt", "0110=", "--tokens", "3");
        assertEquals(0, s.exit(), s.err());
        assertTrue(s.out().startsWith("0110="), s.out());
        // The same folder again is refused unless --overwrite.
        runCapturingSystemOut("rl", "sft-warmup", "--task", "parity", "--out", out.toString()).assertBadInput("already holds a run");
    }
}
