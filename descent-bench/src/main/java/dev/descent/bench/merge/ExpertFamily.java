package dev.descent.bench.merge;

import dev.descent.merge.GradientSigns;
import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One base architecture with several tasks to fine-tune it on: trains a base (on the mixture of the
 * tasks) and experts (one task each, from a base), evaluates any weights on a task's validation or test
 * split, and computes GradFix's gradient file. Weights travel as name → tensor maps, the way the merge
 * files hold them.
 */
public interface ExpertFamily {
    enum Split { VALIDATION, TEST }

    String name();

    /** The task names, in order. */
    List<String> tasks();

    /** Fresh weights of seed {@code seed}. */
    Map<String, Tensor> init(long seed);

    /** {@code from} trained {@code steps} steps on task {@code task}, or on the mixture of all tasks when {@code task} is −1. */
    Map<String, Tensor> train(Map<String, Tensor> from, int task, int steps, long seed);

    /** Accuracy of {@code weights} on task {@code task}'s split. */
    double accuracy(Map<String, Tensor> weights, int task, Split split);

    /** GradFix's gradient statistic at {@code weights} on {@code examples} training examples of task {@code task}. */
    Map<String, Tensor> gradients(Map<String, Tensor> weights, int task, int examples, GradientSigns.Vote vote);

    /** The trainable parameters of {@code params} as fresh tensors. */
    static Map<String, Tensor> weights(FlatParameters params) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Parameter p : params.list()) w.put(p.name(), Tensor.of(p.value().toArray(), p.shape()));
        return w;
    }

    /** Copies {@code weights} into the parameters of the same names. */
    static void load(Map<String, Tensor> weights, FlatParameters params) {
        for (Parameter p : params.list()) {
            Tensor t = weights.get(p.name());
            if (t == null) throw new IllegalArgumentException("no tensor '" + p.name() + "' in the weights");
            p.value().copyFrom(t);
        }
    }
}
