package dev.descent.rl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.data.CharTokenizer;
import dev.descent.io.AtomicFiles;
import dev.descent.nn.Gpt;
import dev.descent.tasks.Problem;
import dev.descent.train.Checkpoint;
import dev.descent.train.RunFolder;
import dev.descent.train.Sampler;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainingLoop;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One DRIFT run from a configuration: the reference policy from the checkpoint of {@code init_from}
 * (a run folder of {@code rl feedback-warmup}, whose {@code feedback.json} names the task and the
 * turn budget), {@link Drift#run}, and a run folder holding {@code config.yaml}, {@code metrics.jsonl}
 * (one line per step: loss, learning rate, seconds), {@code drift.json} (the rollouts' success, mean
 * return and ESS, the cost, and the held-out success of the reference and of the trained policy) and
 * the trained policy's {@code checkpoint/} with the reference's {@code feedback.json} (so the
 * folder can itself be a reference or be evaluated).
 */
public final class DriftRun {
    private DriftRun() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome: the recipe's numbers and the held-out success before and after. */
    public record Outcome(Drift.Result result, int heldOut, double referenceSuccess, double trainedSuccess) {}

    public static Outcome run(DriftConfig config, Path out, boolean overwrite) throws IOException {
        String initFrom = config.getString("init_from");
        if (initFrom.equals("none")) throw new IllegalArgumentException("config key 'init_from' must name the run folder of the reference policy (made by rl feedback-warmup)");
        Path init = Path.of(initFrom);
        FeedbackWarmup.TaskSpec spec = FeedbackWarmup.taskOf(init);
        Checkpoint.Info info = Checkpoint.info(init);
        CharTokenizer tok = FeedbackWarmup.tokenizer(spec.task(), spec.turns());
        if (!info.vocabulary().equals(tok.vocabulary())) {
            throw new IllegalArgumentException("the vocabulary of " + init + " differs from the alphabet of task " + spec.task().name() + " with feedback");
        }
        Drift.Settings settings = config.settings(spec.turns());
        RunFolder.prepare(out, overwrite);
        AtomicFiles.write(out.resolve("config.yaml"), config.toYaml().getBytes(StandardCharsets.UTF_8));
        Gpt policy = Sampler.load(init).model();
        List<Problem> held = new ArrayList<>();
        for (int i = 0; i < config.getInt("eval_problems"); i++) held.add(spec.task().problem(1_000_000L + settings.seed(), i));
        double before = success(policy, spec, tok, settings, held);
        Drift.Result r;
        try (BufferedWriter metrics = Files.newBufferedWriter(out.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            r = Drift.run(policy, tok, spec.task(), settings, new TrainingLoop.Callback() {
                @Override
                public void afterStep(TrainingLoop.Step s) throws IOException {
                    ObjectNode line = JSON.createObjectNode();
                    line.put("step", s.number());
                    line.put("loss", s.report().loss());
                    line.put("lr", s.learningRate());
                    line.put("seconds", s.seconds());
                    metrics.write(JSON.writeValueAsString(line));
                    metrics.newLine();
                    metrics.flush();
                }
            });
        }
        double after = success(policy, spec, tok, settings, held);
        Map<String, Object> model = info.config();
        List<String> keys = new ArrayList<>();
        for (String k : List.of("n_layer", "n_head", "n_embd", "block_size", "bias")) if (model.containsKey(k)) keys.add(k + "=" + model.get(k));
        keys.add("dropout=0.0");
        // The optimizer state of the fit is not kept: a DRIFT run is one pass over stored data, not resumed.
        Checkpoint.saveModel(out, weights(policy), r.steps(), info.vocabulary(), TrainConfig.defaults().with(keys).asMap());
        Files.copy(init.resolve(FeedbackWarmup.TASK_FILE), out.resolve(FeedbackWarmup.TASK_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectNode n = JSON.createObjectNode();
        n.put("interactions", r.interactions());
        n.put("rollout_success", r.rolloutSuccess());
        n.put("mean_return", r.meanReturn());
        n.put("mean_ess", r.meanEss());
        n.put("rollout_forward_tokens", r.rolloutForwardTokens());
        n.put("rollout_seconds", r.rolloutSeconds());
        n.put("steps", r.steps());
        n.put("train_tokens", r.trainTokens());
        n.put("train_seconds", r.trainSeconds());
        n.put("last_loss", r.lastLoss());
        n.put("held_out_problems", held.size());
        n.put("reference_success", before);
        n.put("trained_success", after);
        AtomicFiles.write(out.resolve("drift.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        return new Outcome(r, held.size(), before, after);
    }

    private static Map<String, dev.descent.tensor.Tensor> weights(Gpt policy) {
        Map<String, dev.descent.tensor.Tensor> w = new java.util.LinkedHashMap<>();
        for (var p : policy.parameters().all()) w.put(p.name(), p.value());
        for (var e : Gpt.TIED.entrySet()) if (w.containsKey(e.getValue())) w.put(e.getKey(), w.get(e.getValue()));
        return w;
    }

    /** Success within the turn budget, one interaction per problem at temperature 1. */
    public static double success(Gpt policy, FeedbackWarmup.TaskSpec spec, CharTokenizer tok, Drift.Settings s, List<Problem> held) {
        return new MultiTurnRollout(policy, spec.task(), spec.turns(), tok, s.maxNewTokens(), 1f, 7_000L + s.seed()).sample(held, 1, 0).successRate();
    }
}
