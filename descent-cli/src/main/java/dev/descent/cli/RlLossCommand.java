package dev.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.io.DType;
import dev.descent.io.Safetensors;
import dev.descent.io.TypedTensor;
import dev.descent.rl.PolicyBatch;
import dev.descent.rl.PolicyLoss;
import dev.descent.rl.PolicyLossConfig;
import dev.descent.rl.PolicyLossType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent rl loss}: the GRPO-family policy loss of a batch read from a safetensors file and its
 * gradient with respect to the log-probabilities, to cross-check against another implementation
 * (TRL's {@code GRPOTrainer} semantics; equations in {@link PolicyLoss}).
 */
@Command(name = "loss", mixinStandardHelpOptions = true,
        description = {"Evaluate the policy loss of a batch and its gradient with respect to the per-token log-probabilities.",
                "Reads float32 tensors logprobs, old_logprobs, ref_logprobs (needed when beta != 0), mask (B x T) and",
                "advantages (B); prints the loss and d loss / d logprobs (TRL GRPOTrainer semantics).",
                "pacs reads rewards (B, in [0, 1]: the labels) instead of advantages; gtpo reads the entropy-shaped",
                "advantages and optional token_weights (B x T, GTPO's conflict weights; default 1)."})
final class RlLossCommand implements Callable<Integer> {
    /** The settings {@code --set} accepts, with their defaults (TRL's GRPOConfig). */
    static final List<String> KEYS = List.of("epsilon", "epsilon_high", "beta", "max_completion_length", "num_items_in_batch", "clip_ratio_c",
            "pacs_beta", "num_generations");

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "safetensors file with the batch")
    Path in;

    @Option(names = "--loss-type", required = true, paramLabel = "T", description = "grpo, bnpo, dr_grpo, dapo, pacs or gtpo")
    String lossType;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = {"a setting (repeatable): epsilon (default 0.2), epsilon_high (default: epsilon), beta (default 0),",
                    "max_completion_length (default T), num_items_in_batch (dapo's token count; default: the mask's sum),",
                    "clip_ratio_c (given: DCPO's dynamic clip with this dual-clip constant > 1), pacs_beta (default 1),",
                    "num_generations (pacs: the group size G; required)"})
    List<String> settings = new ArrayList<>();

    @Option(names = "--json", description = "one JSON line {\"loss\": …, \"grad_logprobs\": [[…], …]}")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PolicyLossType type = PolicyLossType.byName(lossType);
        Map<String, Double> set = parseSettings(settings);
        Map<String, TypedTensor> tensors = Safetensors.readTyped(in).tensors();
        float[] logprobs = floats(tensors, "logprobs");
        int[] shape = tensors.get("logprobs").shape();
        if (shape.length != 2) throw new IllegalArgumentException("logprobs must be B x T, got shape " + Arrays.toString(shape));
        int b = shape[0], t = shape[1];
        requireShape(tensors, "old_logprobs", b, t);
        requireShape(tensors, "mask", b, t);
        float[] advantages = new float[b];
        if (type != PolicyLossType.PACS) {
            requireShape(tensors, "advantages", b);
            advantages = floats(tensors, "advantages");
        }
        double epsilon = set.getOrDefault("epsilon", 0.2);
        double beta = set.getOrDefault("beta", 0.0);
        float[] ref = null;
        if (tensors.containsKey("ref_logprobs")) {
            requireShape(tensors, "ref_logprobs", b, t);
            ref = floats(tensors, "ref_logprobs");
        } else if (beta != 0) {
            throw new IllegalArgumentException(in + " has no tensor 'ref_logprobs', needed when beta != 0");
        }
        double maxLen = set.getOrDefault("max_completion_length", (double) t);
        if (maxLen != Math.rint(maxLen) || maxLen < 1 || maxLen > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max_completion_length must be a positive integer, got " + maxLen);
        }
        double items = set.getOrDefault("num_items_in_batch", 0.0);
        if (set.containsKey("num_items_in_batch") && !(items > 0)) throw new IllegalArgumentException("num_items_in_batch must be > 0, got " + items);
        double groups = set.getOrDefault("num_generations", 0.0);
        if (type == PolicyLossType.PACS && (groups != Math.rint(groups) || groups < 2)) {
            throw new IllegalArgumentException("loss type pacs needs --set num_generations=G (an integer >= 2 dividing B), got " + (set.containsKey("num_generations") ? groups : "none"));
        }
        PolicyLossConfig cfg = new PolicyLossConfig(type, epsilon, set.getOrDefault("epsilon_high", epsilon), beta, (int) maxLen, items,
                set.getOrDefault("clip_ratio_c", Double.NaN), set.getOrDefault("pacs_beta", 1.0), (int) groups);
        float[] rewards = null, weights = null;
        if (type == PolicyLossType.PACS) {
            requireShape(tensors, "rewards", b);
            rewards = floats(tensors, "rewards");
        }
        if (type == PolicyLossType.GTPO && tensors.containsKey("token_weights")) {
            requireShape(tensors, "token_weights", b, t);
            weights = floats(tensors, "token_weights");
        }
        PolicyBatch batch = new PolicyBatch(b, t, floats(tensors, "old_logprobs"), ref, floats(tensors, "mask"), advantages, null, rewards, weights);
        PolicyLoss.Result r = PolicyLoss.evaluate(cfg, batch, logprobs);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode n = m.createObjectNode();
            n.put("loss", r.loss());
            ArrayNode rows = n.putArray("grad_logprobs");
            for (int i = 0; i < b; i++) {
                ArrayNode row = rows.addArray();
                for (int j = 0; j < t; j++) row.add(r.grad()[i * t + j]);
            }
            out.println(m.writeValueAsString(n));
        } else {
            out.printf(Locale.ROOT, "%s loss = %.10g over %d x %d tokens (%d unmasked)%n", type.key(), r.loss(), b, t, (long) batch.maskSum());
            out.printf(Locale.ROOT, "clip fractions: low %.4f, high %.4f, region %.4f%n", r.clip().low(), r.clip().high(), r.clip().region());
            out.println("d loss / d logprobs:");
            for (int i = 0; i < b; i++) {
                StringBuilder sb = new StringBuilder(" ");
                for (int j = 0; j < t; j++) sb.append(String.format(Locale.ROOT, " %.6e", r.grad()[i * t + j]));
                out.println(sb);
            }
        }
        out.flush();
        return 0;
    }

    static Map<String, Double> parseSettings(List<String> settings) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--set expects key=value, got '" + s + "'");
            String key = s.substring(0, eq).strip();
            String value = s.substring(eq + 1).strip();
            if (!KEYS.contains(key)) throw new IllegalArgumentException("unknown setting '" + key + "'; allowed: " + String.join(", ", KEYS));
            if (out.containsKey(key)) throw new IllegalArgumentException("setting '" + key + "' given twice");
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting " + key + " must be a number, got '" + value + "'");
            }
            if (!Double.isFinite(v)) throw new IllegalArgumentException("setting " + key + " must be finite, got '" + value + "'");
            out.put(key, v);
        }
        return out;
    }

    private float[] floats(Map<String, TypedTensor> tensors, String name) {
        TypedTensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(in + " has no tensor '" + name + "'; expected logprobs, old_logprobs, ref_logprobs, mask, advantages (rewards for pacs, token_weights for gtpo)");
        if (t.dtype() != DType.F32) throw new IllegalArgumentException("tensor '" + name + "' must be float32 (F32), got " + t.dtype());
        return t.toFloat32().data().clone();
    }

    private void requireShape(Map<String, TypedTensor> tensors, String name, int... shape) {
        floats(tensors, name);
        if (!Arrays.equals(tensors.get(name).shape(), shape)) {
            throw new IllegalArgumentException("tensor '" + name + "' must have shape " + Arrays.toString(shape) + ", got " + Arrays.toString(tensors.get(name).shape()));
        }
    }
}
