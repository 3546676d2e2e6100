package dev.descent.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.tensor.Reductions;
import dev.descent.train.Checkpoint;
import dev.descent.train.Sampler;
import dev.descent.train.TrainingStopped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints, stops and resumes of {@link GrpoRun}: a run stopped at step k (a crash after a periodic
 * checkpoint, or a stop request) and resumed ends with the same bits as a run that was never stopped
 * (policy, its AdamW state, the reference, the PPO critic and its AdamW state, every metric but the
 * wall time), and a non-finite loss stops the run with the last good checkpoint intact.
 */
class GrpoRunResumeTest {
    private static final int SEED = 3;

    /** The test task, calling {@code onRound} with r when round r's first training problem is drawn. */
    private static final class Watched implements RlTask<String> {
        private final GrpoObjectiveTest.MoreBs task = new GrpoObjectiveTest.MoreBs();
        private final int prompts;
        private final LongConsumer onRound;

        Watched(int prompts, LongConsumer onRound) {
            this.prompts = prompts;
            this.onRound = onRound;
        }

        @Override public String name() { return task.name(); }

        @Override public String problem(long seed, long index) {
            if (seed == SEED && index % prompts == 0) onRound.accept(index / prompts);
            return task.problem(seed, index);
        }

        @Override public String prompt(String p) { return task.prompt(p); }

        @Override public double reward(String p, String completion) { return task.reward(p, completion); }

        @Override public String alphabet() { return task.alphabet(); }

        @Override public char stop() { return task.stop(); }
    }

    private static RlTrainConfig config(Path init, String... more) {
        List<String> keys = new ArrayList<>(List.of("init_from=" + init, "steps=6", "prompts_per_step=2", "num_generations=4",
                "max_completion_length=4", "learning_rate=0.01", "seed=" + SEED, "checkpoint_interval=2", "eval_interval=2",
                "eval_problems=3", "eval_samples=3"));
        keys.addAll(List.of(more));
        return RlTrainConfig.defaults().with(keys);
    }

    /** A crash of the process, which no recipe catches. */
    private static final class Crash extends Error {}

    @Test
    void aRunResumedFromItsPeriodicCheckpointEqualsTheUninterruptedRun(@TempDir Path dir) throws Exception {
        Path init = GrpoRunTest.initRun(dir);
        RlTrainConfig cfg = config(init, "beta=0.05", "loss_type=grpo");
        Path whole = dir.resolve("whole");
        GrpoRun.run(cfg, new Watched(2, r -> {}), whole, false);

        // the process dies while drawing round 5, after the checkpoint of step 4 and the log of step 5
        Path cut = dir.resolve("cut");
        assertThrows(Crash.class, () -> GrpoRun.run(cfg, new Watched(2, r -> { if (r == 5) throw new Crash(); }), cut, false));
        assertEquals(4, Checkpoint.info(cut).step());
        assertEquals(5, Files.readAllLines(cut.resolve("metrics.jsonl")).size());

        new GrpoRun(GrpoRun.configOf(cut)).resume(new Watched(2, r -> {}), cut);
        assertSameRun(whole, cut, List.of("model.safetensors", "optimizer.safetensors", GrpoRun.REFERENCE_FILE, GrpoRun.STATE_FILE));
    }

    /** DCPO's smooth advantages depend on every earlier round of a prompt (here two prompts that repeat): the checkpoint carries that history. */
    @Test
    void aResumedSmoothAdvantageRunKeepsItsPerPromptHistory(@TempDir Path dir) throws Exception {
        Path init = GrpoRunTest.initRun(dir);
        RlTrainConfig cfg = config(init, "smooth_advantages=true");
        Path whole = dir.resolve("whole");
        GrpoRun.run(cfg, new Watched(2, r -> {}), whole, false);
        Path cut = dir.resolve("cut");
        assertThrows(Crash.class, () -> GrpoRun.run(cfg, new Watched(2, r -> { if (r == 5) throw new Crash(); }), cut, false));
        assertEquals(4, Checkpoint.info(cut).step());
        assertTrue(Files.readString(Checkpoint.locate(cut).resolve(GrpoRun.STATE_FILE)).contains("smooth_advantage_history"));

        new GrpoRun(GrpoRun.configOf(cut)).resume(new Watched(2, r -> {}), cut);
        assertSameRun(whole, cut, List.of("model.safetensors", "optimizer.safetensors", GrpoRun.STATE_FILE));
    }

    @Test
    void aStoppedPpoRunWaitsForItsRoundThenResumesBitForBit(@TempDir Path dir) throws Exception {
        Path init = GrpoRunTest.initRun(dir);
        RlTrainConfig cfg = config(init, "algorithm=ppo", "num_iterations=2", "critic_learning_rate=0.02");
        Path whole = dir.resolve("whole");
        GrpoRun.run(cfg, new Watched(2, r -> {}), whole, false);

        // the stop is asked while round 1 (steps 3 and 4) is drawn; the run ends after step 4, the round's last
        Path stopped = dir.resolve("stopped");
        GrpoRun run = new GrpoRun(cfg);
        TrainingStopped s = assertThrows(TrainingStopped.class, () -> run.start(new Watched(2, r -> { if (r == 1) run.requestStop(); }), stopped, false));
        assertTrue(s.interrupted());
        assertEquals(4, s.step());
        assertTrue(s.getMessage().contains("--resume"), s.getMessage());
        assertEquals(4, Checkpoint.info(stopped).step());
        assertEquals(4, Files.readAllLines(stopped.resolve("metrics.jsonl")).size());

        new GrpoRun(GrpoRun.configOf(stopped)).resume(new Watched(2, r -> {}), stopped);
        assertSameRun(whole, stopped, List.of("model.safetensors", "optimizer.safetensors", GrpoRun.CRITIC_FILE, GrpoRun.CRITIC_OPTIMIZER_FILE,
                GrpoRun.STATE_FILE));
        // the critic's state is in the checkpoint, and is not the policy's
        assertTrue(Files.size(Checkpoint.locate(whole).resolve(GrpoRun.CRITIC_OPTIMIZER_FILE)) > 0);
    }

    @Test
    void resumingAFinishedRunOrAMissingOneIsRefused(@TempDir Path dir) throws Exception {
        Path init = GrpoRunTest.initRun(dir);
        Path out = dir.resolve("done");
        GrpoRun.run(config(init, "steps=2"), new Watched(2, r -> {}), out, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GrpoRun(GrpoRun.configOf(out)).resume(new Watched(2, r -> {}), out));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GrpoRun.configOf(dir.resolve("nothing")));
        // a checkpoint interval that splits a generation round is refused
        assertThrows(dev.descent.config.ConfigException.class, () -> config(init, "num_iterations=2", "checkpoint_interval=3").checkpointInterval());
    }

    @Test
    void aNonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Path init = GrpoRunTest.initRun(dir);
        Path out = dir.resolve("diverged");
        // one AdamW step of size 1e30 takes every weight the gradient touches to ±1e30: the next logits overflow
        RlTrainConfig cfg = config(init, "learning_rate=1e30", "grad_clip=0", "checkpoint_interval=1", "eval_interval=0");
        TrainingStopped s = assertThrows(TrainingStopped.class, () -> GrpoRun.run(cfg, new Watched(2, r -> {}), out, false));
        assertFalse(s.interrupted());
        assertEquals(1, s.step(), "the second step (index 1) diverged");
        assertTrue(s.getMessage().contains("not finite") && s.getMessage().contains("at step 2")
                && s.getMessage().contains("last good checkpoint (step 1)"), s.getMessage());
        assertEquals(1, Checkpoint.info(out).step());
        float[] w = Sampler.load(out).model().parameters().values();
        assertTrue(Reductions.allFinite(w, 0, w.length));
        assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "the diverged step is not logged");
    }

    /** Same files in both checkpoints, byte for byte, and the same metrics but the wall time. */
    private static void assertSameRun(Path a, Path b, List<String> files) throws Exception {
        assertEquals(Checkpoint.info(a).step(), Checkpoint.info(b).step());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(Checkpoint.locate(a).resolve(f)), Files.readAllBytes(Checkpoint.locate(b).resolve(f)), f);
        }
        assertEquals(withoutSeconds(a), withoutSeconds(b));
        assertTrue(String.join("\n", Files.readAllLines(a.resolve("metrics.jsonl"))).contains("eval/pass@3"), "the held-out evaluation is logged");
    }

    private static List<String> withoutSeconds(Path run) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            ObjectNode n = (ObjectNode) json.readTree(line);
            n.remove("seconds");
            out.add(n.toString());
        }
        return out;
    }
}
