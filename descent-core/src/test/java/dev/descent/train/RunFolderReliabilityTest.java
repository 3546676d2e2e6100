package dev.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.io.FormatException;
import dev.descent.io.Safetensors;
import dev.descent.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run folder guarantees: no silent replacement, only good checkpoints, clean restarts, exact metrics on resume. */
class RunFolderReliabilityTest {
    @TempDir
    Path tmp;

    private static TrainConfig tiny(Path out, int maxIters, String... more) {
        List<String> o = new ArrayList<>(List.of("sample_tokens=0", "threads=1"));
        o.addAll(List.of(more));
        return TinyConfigs.tiny(out, maxIters, o.toArray(String[]::new));
    }

    @Test
    void aSecondRunIntoTheSameFolderIsRefusedUnlessAskedToOverwrite() throws Exception {
        Path run = tmp.resolve("run");
        new Trainer(tiny(run, 2), TrainListener.NONE).run(null);
        byte[] weights = Files.readAllBytes(run.resolve("checkpoint/model.safetensors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(tiny(run, 2, "seed=7"), TrainListener.NONE).run(null));
        assertTrue(e.getMessage().contains("--resume " + run) && e.getMessage().contains("fresh out_dir")
                && e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(run.resolve("checkpoint/model.safetensors"))), "the first run is untouched");

        new Trainer(tiny(run, 2, "seed=7"), TrainListener.NONE).run(null, true);
        assertFalse(java.util.Arrays.equals(weights, Files.readAllBytes(run.resolve("checkpoint/model.safetensors"))), "overwritten");
        assertEquals(2 + 1, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "only the new run's metrics (2 steps, 1 final eval)");
    }

    @Test
    void initFromAndOutDirMayNotBeTheSameFolder() throws Exception {
        Path run = tmp.resolve("base");
        new Trainer(tiny(run, 2), TrainListener.NONE).run(null);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new Trainer(tiny(run, 2, "init_from=" + run), TrainListener.NONE).run(null, true));
        assertTrue(e.getMessage().contains("init_from and out_dir are the same folder"), e.getMessage());
        assertEquals(2, Checkpoint.info(run).step(), "the base run is untouched");
    }

    /**
     * learning_rate=1e4 without warm-up or clipping: the validation loss becomes NaN after a step
     * while the weights are still finite. That state is not a good checkpoint: the run stops, the
     * previous checkpoint stays, and the message names the folder that really holds it (or says
     * there is none).
     */
    @Test
    void aCheckpointIsGoodOnlyWithFiniteWeightsAndFiniteLosses() throws Exception {
        Path run = tmp.resolve("diverging");
        TrainConfig cfg = tiny(run, 12, "learning_rate=1e4", "warmup_iters=0", "grad_clip=0", "eval_interval=1", "decay_lr=false");
        TrainingStopped stop = assertThrows(TrainingStopped.class, () -> new Trainer(cfg, TrainListener.NONE).run(null));
        assertFalse(stop.interrupted());
        String m = stop.getMessage();
        if (m.contains("no checkpoint was written")) {
            assertFalse(Files.exists(run.resolve(Checkpoint.DIR)), m);
        } else {
            assertTrue(m.contains("the last good checkpoint (step "), m);
            Path named = Path.of(m.substring(m.lastIndexOf(" is in ") + 7));
            assertTrue(Files.isRegularFile(named.resolve("checkpoint.json")), "the message names a real checkpoint: " + m);
        }
        // Every checkpoint-worthy evaluation logged before the stop was finite, and the checkpoint on disk is one of them.
        ObjectMapper json = new ObjectMapper();
        Map<Long, Double> val = new LinkedHashMap<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (!line.contains("val_loss")) continue;
            var v = json.readTree(line).get("val_loss"); // Jackson writes a non-finite double as a string ("NaN")
            val.put(json.readTree(line).get("step").asLong(), v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble());
        }
        assertTrue(val.values().stream().anyMatch(v -> !Double.isFinite(v)), "the configuration makes a validation loss non-finite: " + val);
        if (Files.exists(run.resolve(Checkpoint.DIR))) {
            long saved = Checkpoint.info(run).step();
            assertTrue(Double.isFinite(val.get(saved)), "checkpoint at step " + saved + " has validation loss " + val.get(saved));
            for (Tensor t : RunOutputs.weights(run).values()) for (float v : t.toArray()) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void leftoversOfAnInterruptedCheckpointWriteAreRemovedOnTheNextStart() throws Exception {
        Path fresh = tmp.resolve("fresh");
        Files.createDirectories(fresh.resolve("checkpoint.tmp-123/sub"));
        Files.writeString(fresh.resolve("checkpoint.tmp-123/sub/model.safetensors"), "partial");
        new Trainer(tiny(fresh, 2), TrainListener.NONE).run(null);
        assertFalse(Files.exists(fresh.resolve("checkpoint.tmp-123")));

        Path resumed = tmp.resolve("resumed");
        new Trainer(tiny(resumed, 2), TrainListener.NONE).run(null);
        Files.createDirectories(resumed.resolve("checkpoint.tmp-456"));
        new Trainer(Trainer.configOf(resumed).with(List.of("max_iters=3")), TrainListener.NONE).run(resumed);
        assertFalse(Files.exists(resumed.resolve("checkpoint.tmp-456")));
        try (var s = Files.list(resumed)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("checkpoint.tmp-")));
        }
    }

    @Test
    void resumeCutsTheMetricsBackToTheCheckpointStep() throws Exception {
        Path straight = tmp.resolve("straight");
        new Trainer(tiny(straight, 8), TrainListener.NONE).run(null);
        Path run = tmp.resolve("cut");
        new Trainer(tiny(run, 8), TrainListener.NONE).run(null);
        // Pretend the run was killed after step 8's metrics but that the checkpoint on disk is step 6's.
        Path ckptRun = tmp.resolve("at6");
        new Trainer(tiny(ckptRun, 6), TrainListener.NONE).run(null);
        Path ck = run.resolve(Checkpoint.DIR);
        try (var s = Files.walk(ck)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.createDirectories(ck);
        for (String f : List.of("model.safetensors", "optimizer.safetensors", "checkpoint.json")) {
            Files.copy(ckptRun.resolve(Checkpoint.DIR).resolve(f), ck.resolve(f));
        }
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\":9,\"lo", java.nio.file.StandardOpenOption.APPEND); // a torn line
        new Trainer(Trainer.configOf(run).with(List.of("max_iters=8")), TrainListener.NONE).run(run);
        List<Long> steps = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (line.contains("\"loss\"")) steps.add(json.readTree(line).get("step").asLong());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), steps, "each step once");
        assertEquals(RunOutputs.losses(straight), RunOutputs.losses(run));
    }

    @Test
    void checkpointFilesGetTheModeOfTheOtherFilesOfTheRun() throws Exception {
        Path run = tmp.resolve("modes");
        new Trainer(tiny(run, 2), TrainListener.NONE).run(null);
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(run.resolve("config.yaml"));
        for (String f : List.of("model.safetensors", "optimizer.safetensors", "checkpoint.json")) {
            assertEquals(PosixFilePermissions.toString(usual),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve(Checkpoint.DIR).resolve(f))), f);
        }
        assertTrue(usual.contains(PosixFilePermission.OTHERS_READ) || usual.contains(PosixFilePermission.GROUP_READ),
                "the usual umask gives new files 0644: " + PosixFilePermissions.toString(usual));
    }

    @Test
    void aBrokenCheckpointDescriptionIsRefusedNamingTheFile() throws Exception {
        Path run = tmp.resolve("broken");
        new Trainer(tiny(run, 2), TrainListener.NONE).run(null);
        Path file = run.resolve("checkpoint/checkpoint.json");
        String good = Files.readString(file);
        Files.writeString(file, "{ this is not json");
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.info(run));
        assertTrue(e.getMessage().startsWith(file + " is not a valid checkpoint description"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        for (String step : List.of("1e15", "2.5", "-1", "\"3\"", "9999999999")) {
            Files.writeString(file, good.replaceFirst("\"step\" : \\d+", "\"step\" : " + step));
            FormatException s = assertThrows(FormatException.class, () -> Checkpoint.info(run), step);
            assertTrue(s.getMessage().contains(file + ": \"step\" must be an integer from 0 to 2147483647"), s.getMessage());
        }
        Files.writeString(file, good);
        assertEquals(2, Checkpoint.info(run).step());
    }

    @Test
    void sampleRefusesWeightsThatAreNotFinite() throws Exception {
        Path run = tmp.resolve("nan");
        new Trainer(tiny(run, 2), TrainListener.NONE).run(null);
        Path file = run.resolve("checkpoint/model.safetensors");
        var contents = Safetensors.read(file);
        Map<String, Tensor> nan = new LinkedHashMap<>();
        for (var t : contents.tensors().entrySet()) {
            Tensor c = Tensor.zeros(t.getValue().shape());
            java.util.Arrays.fill(c.data(), Float.NaN);
            nan.put(t.getKey(), c);
        }
        Safetensors.write(file, nan, contents.metadata());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sampler.load(run));
        assertTrue(e.getMessage().contains(file + " are not finite"), e.getMessage());
    }
}
