package dev.descent.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.train.Checkpoint;
import dev.descent.train.Sampler;
import dev.descent.train.TrainListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftWarmupTest {
    @TempDir
    Path tmp;

    @Test
    void settingsAreRoutedToTheTaskTheWarmUpAndTheTrainingConfig() {
        SftWarmup.Plan p = SftWarmup.plan("addition", List.of("digits=3", "corruption=0.25", "examples=100", "max_iters=7", "n_embd=32"), tmp.resolve("r"));
        assertEquals(3, p.task().problem(0, 0).prompt().indexOf('+'));
        assertEquals(0.25, p.corruption());
        assertEquals(100, p.examples());
        assertEquals(7, p.train().getInt("max_iters"));
        assertEquals(7, p.train().getInt("lr_decay_iters"), "the decay follows max_iters");
        assertEquals(32, p.train().getInt("n_embd"));
        // The longest line "123+456=9750\n" has 13 characters: 13 + 8 rounded up to a multiple of 8.
        assertEquals(24, p.train().getInt("block_size"));
        assertThrows(IllegalArgumentException.class, () -> SftWarmup.plan("addition", List.of("digits"), tmp));
        assertThrows(IllegalArgumentException.class, () -> SftWarmup.plan("addition", List.of("corruption=2"), tmp));
        assertThrows(IllegalArgumentException.class, () -> SftWarmup.plan("addition", List.of("eval_iters=3"), tmp), "a training key the warm-up does not read");
        assertThrows(IllegalArgumentException.class, () -> SftWarmup.plan("addition", List.of("out_dir=x"), tmp));
        assertThrows(IllegalArgumentException.class, () -> SftWarmup.plan("addition", List.of("nonsense=1"), tmp));
    }

    @Test
    void aTinyWarmUpWritesARunFolderThatSampleAndTaskOfRead() throws Exception {
        Path dir = tmp.resolve("run");
        SftWarmup.Plan plan = SftWarmup.plan("sorting", List.of("length=3", "max_value=9", "examples=300", "eval_problems=20",
                "max_iters=30", "n_layer=1", "n_embd=16", "n_head=2", "threads=1"), dir);
        SftWarmup.writeData(plan, false);
        assertEquals(300, Files.readAllLines(dir.resolve(SftWarmup.DATA_FILE)).size());
        SftWarmup.TrainResult r = SftWarmup.train(plan, false, TrainListener.NONE);
        assertEquals(30, r.iters());
        assertTrue(Double.isFinite(r.trainLoss()) && Double.isFinite(r.heldOutLoss()));
        SftWarmup.Report report = SftWarmup.evaluate(plan);
        assertEquals(20, report.greedy().problems());
        assertTrue(report.greedy().successRate() >= 0 && report.greedy().successRate() <= 1);
        assertEquals(Tasks.tokenizer(plan.task().alphabet()).vocabulary(), Checkpoint.info(dir).vocabulary());
        Sampler s = Sampler.load(dir);
        assertEquals(10, s.sample("3,1,2=", 4, 1f, 0, 1).length());
        Task back = SftWarmup.taskOf(dir);
        assertEquals(plan.task().problem(5, 5), back.problem(5, 5), "task.json rebuilds the same task");
        assertTrue(Files.readString(dir.resolve("metrics.jsonl")).contains("\"val_loss\""));
        assertThrows(IllegalArgumentException.class, () -> SftWarmup.writeData(plan, false), "a folder holding a run is refused");
        // Evaluation is reproducible.
        assertEquals(report, SftWarmup.evaluate(plan));
    }

    @Test
    void heldOutProblemsAreNotTrainingProblems() {
        Task task = Tasks.create("addition", java.util.Map.of("digits", "1"));
        // 1-digit addition has 100 problems: after 60 training draws, few are left to hold out.
        List<Problem> held = SftWarmup.heldOut(task, 3, 60, 100);
        java.util.Set<String> train = new java.util.HashSet<>();
        for (int i = 0; i < 60; i++) train.add(task.problem(3, i).prompt());
        for (Problem p : held) assertTrue(!train.contains(p.prompt()), p.prompt());
        assertEquals(held.size(), held.stream().map(Problem::prompt).distinct().count());
        assertTrue(held.size() == 100 - train.size(), "every unseen problem is found: " + held.size());
    }
}
