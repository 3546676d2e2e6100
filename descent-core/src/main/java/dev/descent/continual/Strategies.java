package dev.descent.continual;

import dev.descent.optim.HyperParams;
import dev.descent.zo.Rise;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strategies by name, built from {@code key=value} options (unknown names and keys are refused
 * with the valid ones). Defaults chosen for the small MLPs of the continual streams:
 * <ul>
 *   <li>{@code finetune}, {@code joint}: no options.</li>
 *   <li>{@code ewc}, {@code ewc-online}: {@code lambda} (100), {@code fisher} = true|empirical (true),
 *       {@code fisher_samples} (200), and for online {@code decay} γ (1).</li>
 *   <li>{@code upgd}: {@code beta_utility} (0.9), {@code sigma} (0.01), {@code weight_decay} (0).</li>
 *   <li>{@code classp}: {@code threshold} τ on g² (1e-8), {@code epsilon} (1e-5), {@code power} (1).</li>
 *   <li>{@code kappatune}: {@code tensors} trained after the first task (1).</li>
 *   <li>{@code fetril}: {@code head_steps} (500), {@code head_batch} (64), {@code head_lr} (0.1).</li>
 *   <li>{@code fsa}: {@code head} = lda|ncm (lda), {@code shrinkage} α (0.1).</li>
 *   <li>{@code rise}: {@code q} directions per block (4), {@code blocks} = row|tensor|N (row).</li>
 * </ul>
 */
public final class Strategies {
    private Strategies() {}

    @FunctionalInterface
    private interface Factory {
        Strategy create(HyperParams o, long seed);
    }

    private static final Map<String, Factory> ALL = new LinkedHashMap<>();

    static {
        ALL.put("finetune", (o, seed) -> new FineTuning());
        ALL.put("joint", (o, seed) -> new JointTraining());
        ALL.put("ewc", (o, seed) -> ewc(false, o, seed));
        ALL.put("ewc-online", (o, seed) -> ewc(true, o, seed));
        ALL.put("upgd", (o, seed) -> {
            double beta = o.getDouble("beta_utility", 0.9);
            double sigma = o.getDouble("sigma", 0.01);
            double wd = o.getDouble("weight_decay", 0);
            Upgd.transformation(beta, sigma, wd, seed); // validates now, not at the first step
            return new TransformationStrategy("upgd", s -> Upgd.transformation(beta, sigma, wd, s));
        });
        ALL.put("classp", (o, seed) -> {
            double tau = o.getDouble("threshold", 1e-8);
            double eps = o.getDouble("epsilon", 1e-5);
            double p = o.getDouble("power", 1);
            Classp.transformation(tau, eps, p);
            return new TransformationStrategy("classp", s -> Classp.transformation(tau, eps, p));
        });
        ALL.put("kappatune", (o, seed) -> new KappaTune(o.getInt("tensors", 1)));
        ALL.put("fetril", (o, seed) -> new Fetril(o.getInt("head_steps", 500), o.getInt("head_batch", 64), o.getDouble("head_lr", 0.1), seed));
        ALL.put("fsa", (o, seed) -> {
            String head = o.getString("head", "lda");
            if (!head.equals("lda") && !head.equals("ncm")) throw new IllegalArgumentException("head must be lda or ncm, got '" + head + "'");
            return new FirstSessionAdaptation(head.equals("lda"), o.getDouble("shrinkage", 0.1));
        });
        ALL.put("rise", (o, seed) -> {
            int q = o.getInt("q", 4);
            Rise.Blocks blocks = Rise.Blocks.parse(o.getString("blocks", "row"));
            Rise.shape(q, blocks, Rise.Directions.GAUSSIAN, seed);
            return new TransformationStrategy("rise", s -> Rise.shape(q, blocks, Rise.Directions.GAUSSIAN, s));
        });
    }

    /** Every strategy name. */
    public static List<String> names() { return List.copyOf(ALL.keySet()); }

    /** The strategy {@code name} with the options it reads from {@code options} (the caller checks that all were used). */
    public static Strategy create(String name, HyperParams options, long seed) {
        Factory f = ALL.get(name);
        if (f == null) throw new IllegalArgumentException("unknown strategy '" + name + "'; valid: " + String.join(", ", ALL.keySet()));
        return f.create(options, seed);
    }

    private static Ewc ewc(boolean online, HyperParams o, long seed) {
        String fisher = o.getString("fisher", "true");
        if (!fisher.equals("true") && !fisher.equals("empirical")) throw new IllegalArgumentException("fisher must be true or empirical, got '" + fisher + "'");
        double decay = online ? o.getDouble("decay", 1) : 1;
        return new Ewc(online, o.getDouble("lambda", 100), decay, fisher.equals("empirical"), o.getInt("fisher_samples", 200), seed);
    }
}
