package dev.descent.merge;

import dev.descent.data.CharTokenizer;
import dev.descent.io.Safetensors;
import dev.descent.nn.Gpt;
import dev.descent.tasks.Problem;
import dev.descent.tasks.SftObjective;
import dev.descent.tasks.Task;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The gradient file GradFix reads ({@link GradFix}): per trainable tensor, a statistic g of the loss
 * gradients at the target model on a few labelled examples, whose negated sign is the descent direction
 * the task vector is masked by. The two votes of the reference's {@code compute_real_gradient_signs}:
 * <ul>
 *   <li>{@link Vote#MEAN}: g = the gradient of the mean loss over the examples, (1/n) Σ_i ∇L_i;</li>
 *   <li>{@link Vote#MAX} (the reference's default): g = Σ_i sign(∇L_i), a majority vote of the
 *       per-example signs (sign(−g) is the code's {@code sign(Σ_i sign(−∇L_i))}).</li>
 * </ul>
 * The file has the parameters' names and shapes, F32, metadata {@code gradfix_vote} and
 * {@code gradfix_examples}.
 */
public final class GradientSigns {
    /** How per-example gradients are combined. */
    public enum Vote {
        MEAN, MAX;

        public static Vote parse(String s) {
            for (Vote v : values()) if (v.name().toLowerCase(Locale.ROOT).equals(s)) return v;
            throw new IllegalArgumentException("unknown vote '" + s + "'; valid: mean, max");
        }
    }

    private GradientSigns() {}

    /**
     * The statistic of {@code vote} over {@code examples} examples: {@code gradientOf.accept(i)} must
     * leave the gradient of example i's loss in {@code params.grads()} (this method zeroes them before).
     */
    public static Map<String, Tensor> compute(FlatParameters params, int examples, Vote vote, IntConsumer gradientOf) {
        if (examples < 1) throw new IllegalArgumentException("examples must be >= 1, got " + examples);
        float[] grads = params.grads();
        double[] acc = new double[grads.length];
        for (int i = 0; i < examples; i++) {
            params.zeroGrad();
            gradientOf.accept(i);
            for (int j = 0; j < grads.length; j++) acc[j] += vote == Vote.MEAN ? grads[j] / (double) examples : Math.signum(grads[j]);
        }
        params.zeroGrad();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int p = 0; p < params.list().size(); p++) {
            Parameter param = params.list().get(p);
            int off = params.offset(p);
            float[] v = new float[param.size()];
            for (int j = 0; j < v.length; j++) v[j] = (float) acc[off + j];
            out.put(param.name(), Tensor.of(v, param.shape()));
        }
        return out;
    }

    /**
     * The statistic for a GPT on task problems: example i's loss is the supervised fine-tuning loss of
     * {@link SftObjective} (next-token cross-entropy on the reference completion and the stop token) of
     * {@code problems.get(i)}, without dropout. Tied entries of a checkpoint ({@link Gpt#TIED}) get the
     * statistic of the tensor they share.
     */
    public static Map<String, Tensor> ofTask(Gpt model, CharTokenizer tokenizer, Task task, List<Problem> problems, Vote vote) {
        boolean training = model.isTraining();
        model.train(false);
        try {
            Map<String, Tensor> g = compute(model.parameters(), problems.size(), vote, i -> {
                Problem p = problems.get(i);
                int[] line = tokenizer.encode(p.prompt() + p.reference() + task.stop());
                SftObjective one = new SftObjective(model, new int[][] {line}, new int[] {p.prompt().length()}, 1, 0);
                one.prepare(0);
                one.lossAndGradient();
            });
            // A checkpoint also writes tied entries (lm_head.weight = wte): they get the same statistic, so the merged copies stay equal.
            for (var tied : Gpt.TIED.entrySet()) if (g.containsKey(tied.getValue())) g.put(tied.getKey(), g.get(tied.getValue()));
            return g;
        } finally {
            model.train(training);
        }
    }

    /** Writes {@code gradients} as a GradFix gradient file. */
    public static void write(Path file, Map<String, Tensor> gradients, Vote vote, int examples) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("gradfix_vote", vote.name().toLowerCase(Locale.ROOT));
        meta.put("gradfix_examples", Integer.toString(examples));
        Safetensors.write(file, gradients, meta);
    }
}
