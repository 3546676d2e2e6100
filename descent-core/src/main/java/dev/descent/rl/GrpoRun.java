package dev.descent.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.AtomicFiles;
import dev.descent.io.Safetensors;
import dev.descent.nn.Gpt;
import dev.descent.nn.Parameter;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.tensor.Reductions;
import dev.descent.tensor.Tensor;
import dev.descent.train.Checkpoint;
import dev.descent.train.RunFolder;
import dev.descent.train.Sampler;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainingLoop;
import dev.descent.train.TrainingStopped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One online GRPO (or PPO, {@code algorithm: ppo}: a {@link PpoCritic} copied from the initial
 * policy) run from a configuration: the policy (and the frozen reference) from the
 * checkpoint of {@code init_from} (a run folder whose vocabulary is the task's alphabet), AdamW at a
 * constant learning rate, {@link GrpoObjective} on {@link TrainingLoop} with the gradient clip, and
 * a run folder holding {@code config.yaml}, {@code metrics.jsonl} ({@link GrpoMetricsLog}, with the
 * held-out pass@k of {@link HeldOutEvaluation} every {@code eval_interval} steps) and the policy's
 * {@code checkpoint/} (readable by {@code descent sample}).
 *
 * <p>Checkpoints, stops and resumes work as the training recipe's ({@code train.Trainer}):
 * <ul>
 *   <li>a checkpoint every {@code checkpoint_interval} steps (a multiple of num_iterations, so it
 *       falls between generation rounds), at the end and on a stop, written atomically by
 *       {@link Checkpoint}: the policy and its AdamW state, plus the reference policy
 *       ({@code reference.safetensors}, when β ≠ 0), the PPO critic and its AdamW state
 *       ({@code critic.safetensors}, {@code critic_optimizer.safetensors}) and the count of failed
 *       verifier calls ({@code rl_state.json}); only finite weights are written, so the last good
 *       checkpoint is never replaced by a diverged state;</li>
 *   <li>{@link #requestStop()} (Ctrl-C) ends the run at the end of the current generation round
 *       (at once when num_iterations is 1), writes a checkpoint and throws {@link TrainingStopped};</li>
 *   <li>a policy loss that is not finite stops the run before its update ({@link TrainingLoop.NonFinite#STOP})
 *       with {@link TrainingStopped} naming the step and the last good checkpoint;</li>
 *   <li>{@link #resume} continues a run from its checkpoint. Nothing else needs saving: problems,
 *       sampling draws and reward noise are counter-based functions of (seed, round), a round starts
 *       at each checkpoint so no rollout is carried over, and the model has no dropout; so a run
 *       stopped at step k and resumed takes the uninterrupted run's steps bit for bit (same thread
 *       count), and {@code metrics.jsonl} is cut back to step k first.</li>
 * </ul>
 */
public final class GrpoRun {
    static final String REFERENCE_FILE = "reference.safetensors";
    static final String CRITIC_FILE = "critic.safetensors";
    static final String CRITIC_OPTIMIZER_FILE = "critic_optimizer.safetensors";
    static final String STATE_FILE = "rl_state.json";
    /** rl_state.json's key of DCPO's smooth-advantage history (prompt → [times, mean, std]). */
    private static final String SMOOTH_HISTORY = "smooth_advantage_history";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RlTrainConfig config;
    /** Set by {@link #requestStop()}; forwarded to the loop at the next round boundary. */
    private volatile boolean stopRequested;
    /** True while steps run: a stop then writes a checkpoint. */
    private volatile boolean training;

    public GrpoRun(RlTrainConfig config) {
        this.config = config;
    }

    /** Runs {@code config} on {@code task} into a new run folder {@code out}; returns the last step's metrics. */
    public static <P> GrpoMetrics run(RlTrainConfig config, RlTask<P> task, Path out, boolean overwrite) throws IOException {
        return new GrpoRun(config).start(task, out, overwrite);
    }

    /** The configuration a run folder was started with ({@code config.yaml}), for {@link #resume}. */
    public static RlTrainConfig configOf(Path runDir) {
        Path file = runDir.resolve("config.yaml");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no RL run in " + runDir + " (expected " + file + ")");
        return RlTrainConfig.load(file);
    }

    /**
     * Asks the run to stop at the end of the current generation round and write a checkpoint (safe
     * from a signal handler). Returns true when steps are running and that checkpoint will be
     * written (the caller may wait for it), false when the run has not started its steps.
     */
    public boolean requestStop() {
        stopRequested = true;
        return training;
    }

    /** Starts a new run in {@code out} (replacing a run there only when {@code overwrite}). */
    public <P> GrpoMetrics start(RlTask<P> task, Path out, boolean overwrite) throws IOException {
        GrpoSettings settings = config.settings();
        config.variants();
        config.checkpointInterval();
        PpoCritic.Settings criticSettings = config.criticSettings();
        String initFrom = config.getString("init_from");
        if (initFrom.equals("none")) throw new IllegalArgumentException("config key 'init_from' must name the run folder of the initial policy");
        Path init = Path.of(initFrom);
        Checkpoint.Info info = Checkpoint.info(init);
        if (!info.vocabulary().equals(task.alphabet())) {
            throw new IllegalArgumentException("the vocabulary of " + init + " differs from the alphabet of task " + task.name());
        }
        if (RunFolder.same(init, out)) throw new IllegalArgumentException("init_from and --out are the same folder (" + out + "); write the run to a fresh folder");
        RunFolder.prepare(out, overwrite);
        AtomicFiles.write(out.resolve("config.yaml"), config.toYaml().getBytes(StandardCharsets.UTF_8));
        Gpt policy = Sampler.load(init).model();
        Gpt reference = settings.loss().beta() != 0 ? GrpoObjective.frozenCopy(policy) : null;
        PpoCritic critic = criticSettings == null ? null : new PpoCritic(ValueModel.of(policy, settings.seed()), criticSettings);
        Optimizer opt = policyOptimizer(policy);
        return train(task, out, new State(policy, reference, critic, opt, 0, 0, null, info.vocabulary(), modelConfig(info.config())));
    }

    /**
     * Continues the run in {@code runDir} from its checkpoint with this run's configuration (read it
     * with {@link #configOf}; changing keys other than steps, checkpoint_interval and the evaluation's
     * changes the run from the checkpoint on).
     */
    public <P> GrpoMetrics resume(RlTask<P> task, Path runDir) throws IOException {
        GrpoSettings settings = config.settings();
        config.variants();
        config.checkpointInterval();
        PpoCritic.Settings criticSettings = config.criticSettings();
        Checkpoint.removeLeftovers(runDir);
        Checkpoint.Info info = Checkpoint.info(runDir);
        if (!info.vocabulary().equals(task.alphabet())) {
            throw new IllegalArgumentException("the vocabulary of the checkpoint in " + runDir + " differs from the alphabet of task " + task.name());
        }
        if (info.step() >= config.getInt("steps")) {
            throw new IllegalArgumentException("the run in " + runDir + " has done its " + info.step() + " steps; raise steps (--set steps=N) to continue it");
        }
        Path ckpt = Checkpoint.locate(runDir);
        Gpt policy = Sampler.load(runDir).model();
        Gpt reference = null;
        if (settings.loss().beta() != 0) {
            reference = GrpoObjective.frozenCopy(policy);
            Checkpoint.loadWeightsFile(required(ckpt, REFERENCE_FILE, "beta = " + settings.loss().beta() + " needs the reference policy"), reference.parameters());
        }
        PpoCritic critic = null;
        if (criticSettings != null) {
            critic = new PpoCritic(ValueModel.of(policy, settings.seed()), criticSettings);
            Checkpoint.loadWeightsFile(required(ckpt, CRITIC_FILE, "algorithm ppo needs the critic"), critic.model().flatten());
            Checkpoint.readOptimizerFile(required(ckpt, CRITIC_OPTIMIZER_FILE, "algorithm ppo needs the critic's optimizer"), critic.optimizer());
        }
        Optimizer opt = policyOptimizer(policy);
        Checkpoint.loadOptimizer(runDir, opt);
        long failures = 0;
        Map<String, double[]> smoothHistory = new LinkedHashMap<>();
        Path state = ckpt.resolve(STATE_FILE);
        if (Files.isRegularFile(state)) {
            JsonNode saved = JSON.readTree(state.toFile());
            failures = saved.path("reward_failures").asLong();
            saved.path(SMOOTH_HISTORY).fields().forEachRemaining(e -> {
                double[] v = new double[e.getValue().size()];
                for (int i = 0; i < v.length; i++) v[i] = e.getValue().get(i).asDouble();
                smoothHistory.put(e.getKey(), v);
            });
        }
        RunFolder.truncateMetrics(runDir, info.step());
        AtomicFiles.write(runDir.resolve("config.yaml"), config.toYaml().getBytes(StandardCharsets.UTF_8));
        return train(task, runDir, new State(policy, reference, critic, opt, info.step(), failures, smoothHistory, info.vocabulary(), modelConfig(info.config())));
    }

    private static Path required(Path ckpt, String name, String why) {
        Path f = ckpt.resolve(name);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException(ckpt + " has no " + name + "; " + why + " (was the run started with other settings?)");
        return f;
    }

    private Optimizer policyOptimizer(Gpt policy) {
        return Optimizers.adamw().lr(config.getDouble("learning_rate")).weightDecay(config.getDouble("weight_decay")).build(policy);
    }

    /** What a run trains and where it starts: a new run's or a checkpoint's. */
    private record State(Gpt policy, Gpt reference, PpoCritic critic, Optimizer optimizer, long step, long rewardFailures,
                         Map<String, double[]> smoothHistory, String vocabulary, TrainConfig modelConfig) {}

    private <P> GrpoMetrics train(RlTask<P> task, Path dir, State s) throws IOException {
        GrpoSettings settings = config.settings();
        GrpoObjective<P> objective = new GrpoObjective<>(s.policy(), s.reference(), task, settings, config.variants(), s.critic());
        objective.resumeRewardFailures(s.rewardFailures());
        if (objective.smoothAdvantages() != null && s.smoothHistory() != null) objective.smoothAdvantages().restore(s.smoothHistory());
        int steps = config.getInt("steps");
        int every = config.checkpointInterval();
        int mu = settings.numIterations();
        HeldOutEvaluation<P> eval = new HeldOutEvaluation<>(s.policy(), task, settings, config.getInt("eval_problems"), config.getInt("eval_samples"));
        Saver saver = new Saver(dir, s, objective);
        TrainingLoop loop = new TrainingLoop(s.optimizer(), objective, s.policy().parameters().grads()).clip(config.getDouble("grad_clip"));
        try (GrpoMetricsLog log = new GrpoMetricsLog(objective, dir.resolve("metrics.jsonl"), eval, config.getInt("eval_interval"))) {
            loop.callback(log).callback(new TrainingLoop.Callback() {
                @Override
                public void beforeStep(long index) throws IOException {
                    if (every > 0 && index > s.step() && index % every == 0) saver.save(index);
                }

                @Override
                public void afterStep(TrainingLoop.Step step) {
                    // a stop waits for the round's end: a checkpoint carries no rollout
                    if (stopRequested && step.number() % mu == 0) loop.requestStop();
                }
            });
            training = true;
            TrainingLoop.Outcome o = loop.run(s.step(), steps);
            if (o.diverged()) {
                throw new TrainingStopped("the policy loss is not finite (" + o.last().report().loss() + ") at step " + (o.next() + 1) + "; "
                        + saver.lastGoodMessage(), o.next(), false);
            }
            saver.save(o.next());
            if (o.interrupted()) {
                throw new TrainingStopped("interrupted after step " + o.next() + "; checkpoint written to " + dir.resolve(Checkpoint.DIR)
                        + "; continue with rl train --resume " + dir, o.next(), true);
            }
        } finally {
            training = false;
        }
        return objective.lastMetrics();
    }

    /** Writes the run's checkpoints: the policy and its optimizer through {@link Checkpoint}, the rest as its extra files. */
    private static final class Saver {
        private final Path dir;
        private final State s;
        private final GrpoObjective<?> objective;
        private long lastGood = -1;

        Saver(Path dir, State s, GrpoObjective<?> objective) {
            this.dir = dir;
            this.s = s;
            this.objective = objective;
            if (s.step() > 0) lastGood = s.step();
        }

        void save(long step) throws IOException {
            float[] w = s.policy().parameters().values();
            boolean finite = Reductions.allFinite(w, 0, w.length);
            if (finite && s.critic() != null) {
                float[] c = s.critic().model().flatten().values();
                finite = Reductions.allFinite(c, 0, c.length);
            }
            if (!finite) throw new TrainingStopped("the weights became non-finite at step " + step + "; " + lastGoodMessage(), step, false);
            Checkpoint.save(dir, s.policy().parameters(), Gpt.TIED, s.optimizer(), step, s.vocabulary(), s.modelConfig(), new Checkpoint.Extra() {
                @Override
                public boolean trainableOnly() { return false; }

                @Override
                public void write(Path folder) throws IOException {
                    if (s.reference() != null) Safetensors.write(folder.resolve(REFERENCE_FILE), weights(s.reference().parameters().all()));
                    if (s.critic() != null) {
                        Safetensors.write(folder.resolve(CRITIC_FILE), weights(s.critic().model().flatten().all()));
                        Checkpoint.writeOptimizerFile(folder.resolve(CRITIC_OPTIMIZER_FILE), s.critic().optimizer());
                    }
                    ObjectNode state = JSON.createObjectNode().put("step", step).put("reward_failures", objective.rewardFailures());
                    if (objective.smoothAdvantages() != null) {
                        ObjectNode history = state.putObject(SMOOTH_HISTORY);
                        objective.smoothAdvantages().history().forEach((prompt, v) -> {
                            var a = history.putArray(prompt);
                            for (double x : v) a.add(x);
                        });
                    }
                    AtomicFiles.write(folder.resolve(STATE_FILE), state.toString().getBytes(StandardCharsets.UTF_8));
                }
            });
            lastGood = step;
        }

        String lastGoodMessage() {
            return lastGood < 0 ? "no checkpoint was written yet (checkpoint_interval sets how often one is)"
                    : "the last good checkpoint (step " + lastGood + ") is in " + dir.resolve(Checkpoint.DIR);
        }
    }

    private static Map<String, Tensor> weights(List<Parameter> params) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : params) out.put(p.name(), p.value());
        return out;
    }

    /** The model keys of the initial run's configuration, so the saved checkpoint describes the same shape. */
    private static TrainConfig modelConfig(Map<String, Object> init) {
        List<String> keys = new ArrayList<>();
        for (String k : List.of("n_layer", "n_head", "n_embd", "block_size", "bias")) {
            if (init.containsKey(k)) keys.add(k + "=" + init.get(k));
        }
        keys.add("dropout=0.0");
        return TrainConfig.defaults().with(keys);
    }
}
