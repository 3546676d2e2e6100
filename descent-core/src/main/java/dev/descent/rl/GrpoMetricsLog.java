package dev.descent.rl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.train.TrainingLoop;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link TrainingLoop.Callback} that appends one JSON line per step to {@code metrics.jsonl}: the
 * step number, learning rate, seconds and the {@link GrpoMetrics} of {@link GrpoObjective} under
 * TRL's names (a value that is not finite, such as the KL without a reference, is written as null).
 * With a {@link HeldOutEvaluation}, every {@code evalInterval} steps the line of that step also holds
 * {@code eval/pass@1}, {@code eval/pass@n} (n the samples per problem) and {@code eval/reward} of the
 * policy after the step (outside the step's timed seconds).
 */
public final class GrpoMetricsLog implements TrainingLoop.Callback, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GrpoObjective<?> objective;
    private final BufferedWriter out;

    private final HeldOutEvaluation<?> evaluation;
    private final int evalInterval;

    public GrpoMetricsLog(GrpoObjective<?> objective, Path file) throws IOException {
        this(objective, file, null, 0);
    }

    /** Also evaluates on held-out prompts every {@code evalInterval} steps (0 or a null evaluation: never). */
    public GrpoMetricsLog(GrpoObjective<?> objective, Path file, HeldOutEvaluation<?> evaluation, int evalInterval) throws IOException {
        if (evalInterval < 0) throw new IllegalArgumentException("eval_interval must be >= 0, got " + evalInterval);
        this.objective = objective;
        this.evaluation = evaluation;
        this.evalInterval = evaluation == null ? 0 : evalInterval;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void afterStep(TrainingLoop.Step step) throws IOException {
        GrpoMetrics m = objective.lastMetrics();
        ObjectNode line = JSON.createObjectNode();
        line.put("step", step.number());
        put(line, "lr", step.learningRate());
        put(line, "loss", m.loss());
        put(line, "reward", m.rewardMean());
        put(line, "reward_std", m.rewardStd());
        put(line, "frac_reward_zero_std", m.fracZeroStd());
        put(line, "clip_ratio/low_mean", m.clip().low());
        put(line, "clip_ratio/high_mean", m.clip().high());
        put(line, "clip_ratio/region_mean", m.clip().region());
        put(line, "kl", m.kl());
        put(line, "entropy", m.entropy());
        put(line, "grad_norm", m.gradNorm());
        put(line, "completions/mean_length", m.completionLength());
        put(line, "completions/clipped_ratio", m.truncatedRate());
        line.put("reward_failures", objective.rewardFailures());
        if (objective.critic() != null) {
            put(line, "critic/vf_loss", objective.critic().lastLoss());
            put(line, "critic/vf_clipfrac", objective.critic().lastClipFraction());
        }
        put(line, "seconds", step.seconds());
        if (evalInterval > 0 && step.number() % evalInterval == 0) {
            HeldOutEvaluation.Result e = evaluation.evaluate();
            put(line, "eval/pass@1", e.passAt1());
            put(line, "eval/pass@" + e.samples(), e.passAtN());
            put(line, "eval/reward", e.rewardMean());
        }
        out.write(JSON.writeValueAsString(line));
        out.newLine();
        out.flush();
    }

    private static void put(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
        else n.putNull(key);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
