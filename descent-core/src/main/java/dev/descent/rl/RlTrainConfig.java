package dev.descent.rl;

import dev.descent.config.ConfigException;
import dev.descent.config.Field;
import dev.descent.config.Schema;
import dev.descent.config.SchemaConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration of an online GRPO run ({@link GrpoRun}): YAML key: value pairs and {@code key=value}
 * overrides, bound and checked by {@link Schema}. Keys and defaults follow TRL's {@code GRPOConfig}
 * where it has them (loss_type dapo, epsilon 0.2, beta 0, scale_rewards group, max_grad_norm 1 as
 * grad_clip, weight_decay 0, num_iterations 1, temperature 1); the learning rate (1e-3 instead of
 * TRL's 1e-6) and the lengths suit the small character models Descent trains.
 */
public final class RlTrainConfig extends SchemaConfig<RlTrainConfig> {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final Schema SCHEMA = new Schema();

    static {
        def("task", String.class, "none", 0, 0, null, "task name (the task library's)");
        def("task_args", Map.class, Map.of(), 0, 0, null, "task settings (task_args.digits=3, …)");
        def("init_from", String.class, "none", 0, 0, null, "run folder whose checkpoint is the initial policy (and the reference)");
        def("steps", Integer.class, 200, 1, Integer.MAX_VALUE, null, "optimizer steps");
        def("checkpoint_interval", Integer.class, 0, 0, Integer.MAX_VALUE, null,
                "steps between checkpoints, a multiple of num_iterations (0: only at the end and on a stop); continue a run with rl train --resume");
        def("eval_interval", Integer.class, 50, 0, Integer.MAX_VALUE, null, "steps between held-out pass@1 / pass@k evaluations (0: none)");
        def("eval_problems", Integer.class, 32, 1, 1 << 16, null, "held-out problems per evaluation");
        def("eval_samples", Integer.class, 8, 1, 1 << 16, null, "samples per held-out problem, n (pass@1 and pass@n are logged)");
        def("learning_rate", Double.class, 1e-3, 0, INF, null, "AdamW learning rate (constant)");
        def("weight_decay", Double.class, 0.0, 0, INF, null, "AdamW decoupled weight decay");
        def("grad_clip", Double.class, 1.0, 0, INF, null, "global gradient-norm clip (0 = off)");
        def("prompts_per_step", Integer.class, 8, 1, 1 << 16, null, "prompts per generation round");
        def("num_generations", Integer.class, 8, 2, 1 << 16, null, "completions per prompt (G)");
        def("max_completion_length", Integer.class, 16, 1, 1 << 16, null, "most new tokens per completion");
        def("temperature", Double.class, 1.0, 0, INF, null, "sampling temperature");
        def("top_k", Integer.class, 0, 0, Integer.MAX_VALUE, null, "sample among the k most likely (0: all)");
        def("top_p", Double.class, 1.0, 0, INF, null, "nucleus mass in (0, 1] (1: off)");
        def("loss_type", String.class, "dapo", 0, 0, List.of("grpo", "bnpo", "dr_grpo", "dapo", "pacs", "gtpo"), "policy-loss reduction (pacs, gtpo: their own losses)");
        def("epsilon", Double.class, 0.2, 0, INF, null, "lower clip of the ratio (1 - epsilon)");
        def("epsilon_high", Double.class, -1.0, -1, INF, null, "upper clip of the ratio (1 + epsilon_high); -1: the value of epsilon");
        def("beta", Double.class, 0.0, 0, INF, null, "weight of the k3 KL to the frozen reference (0: no reference)");
        def("scale_rewards", String.class, "group", 0, 0, List.of("group", "batch", "none"), "std dividing the centred rewards");
        def("top_entropy_quantile", Double.class, 1.0, 0, INF, null, "keep the policy term on this top fraction of token entropies (1: all)");
        def("mask_truncated_completions", Boolean.class, false, 0, 0, null, "drop completions without the stop character from the loss");
        def("num_iterations", Integer.class, 1, 1, 1 << 16, null, "optimizer steps per generation round (mu)");
        def("seed", Integer.class, 0, 0, Integer.MAX_VALUE, null, "seed of the problems and of sampling");
        def("algorithm", String.class, "grpo", 0, 0, List.of("grpo", "ppo"), "grpo: group advantages; ppo: a critic's GAE advantages (Open-Reasoner-Zero)");
        def("critic_learning_rate", Double.class, -1.0, -1, INF, null, "ppo: the critic's AdamW learning rate (-1: learning_rate)");
        def("cliprange_value", Double.class, 0.5, 0, INF, null, "ppo: clip of the value loss around the rollout's values (verl's default)");
        def("gamma", Double.class, 1.0, 0, 1, null, "ppo: GAE discount (Open-Reasoner-Zero: 1)");
        def("lam", Double.class, 1.0, 0, 1, null, "ppo: GAE lambda (Open-Reasoner-Zero: 1)");
        def("whiten_advantages", Boolean.class, true, 0, 0, null, "ppo: whiten the token advantages over the batch (verl's GAE)");
        def("reward_dither", String.class, "none", 0, 0, List.of("none", "gaussian", "uniform"), "ReDit: zero-mean noise added to the rewards");
        def("reward_dither_scale", Double.class, 0.05, 0, INF, null, "ReDit: the noise's std (gaussian) or half-width (uniform)");
        def("baseline_quantile", Double.class, -1.0, -1, 1, null, "QAE: the group's K-quantile of the rewards as baseline (-1: the group mean)");
        def("overlong_buffer", Integer.class, 0, 0, 1 << 16, null, "DAPO soft overlong punishment: buffer length in tokens (0: off)");
        def("overlong_penalty_factor", Double.class, 1.0, 0, INF, null, "DAPO soft overlong punishment: the penalty at max_completion_length");
        def("dynamic_sampling", Boolean.class, false, 0, 0, null, "DAPO dynamic sampling: replace groups whose rewards all agree");
        def("max_generation_batches", Integer.class, 10, 1, 1 << 16, null, "dynamic sampling: most generation batches per round");
        def("rank_penalty", Double.class, 0.0, 0, 1, null, "unlikeliness reward: scale each reward by 1 - rank_penalty * (likelihood rank in the group) / G (0: off)");
        def("pruning_rate", Double.class, 0.0, 0, 1, null, "CPPO: fraction of completions with the smallest |advantage| dropped");
        def("lens_penalty", Double.class, 0.0, 0, INF, null, "LENS: incorrect completions' reward minus lens_penalty * their confidence (0: off)");
        def("dynamic_clip", Boolean.class, false, 0, 0, null, "DCPO: per-token clip bounds from the token's sampling probability, with a dual clip");
        def("clip_ratio_c", Double.class, 10.0, 1, INF, null, "DCPO: the dual-clip constant c (> 1) of dynamic_clip (the DCPO recipe's 10)");
        def("smooth_advantages", Boolean.class, false, 0, 0, null, "DCPO: standardise each group's rewards with the prompt's cumulative statistics too");
        def("pacs_beta", Double.class, 1.0, 0, INF, null, "PACS (loss_type pacs): scale of the score beta * sum(logprob - old)");
        def("gtpo_entropy_threshold", Double.class, 0.7, 0, INF, null, "GTPO (loss_type gtpo): completions above this mean entropy get advantage 0");
        def("gtpo_entropy_scale", Double.class, 0.1, 0, INF, null, "GTPO: advantage minus this times the mean entropy");
        def("gtpo_conflict_weight", Double.class, 2.0, 0, INF, null, "GTPO: weight of conflict tokens of positive completions");
    }

    private static void def(String name, Class<?> type, Object dflt, double min, double max, List<String> choices, String help) {
        SCHEMA.add(new Field(name, type, dflt, min, max, choices, help));
    }

    /** All keys, in order. */
    public static final Map<String, Field> KEYS = SCHEMA.fields();

    private RlTrainConfig(Map<String, Object> values) {
        super(SCHEMA, values);
    }

    public static RlTrainConfig defaults() { return new RlTrainConfig(SCHEMA.defaults()); }

    /** Reads a YAML file over the defaults. */
    public static RlTrainConfig load(Path file) { return new RlTrainConfig(read(SCHEMA, file)); }

    @Override
    protected RlTrainConfig withValues(Map<String, Object> values) { return new RlTrainConfig(values); }

    @SuppressWarnings("unchecked")
    public Map<String, String> taskArgs() { return (Map<String, String>) get("task_args"); }

    /** The GRPO settings these keys describe; out-of-range combinations are refused in one line naming the key. */
    public GrpoSettings settings() {
        double topP = getDouble("top_p");
        if (!(topP > 0 && topP <= 1)) throw new ConfigException("config key 'top_p' = " + topP + " is out of range; allowed: a number in (0, 1]");
        double rho = getDouble("top_entropy_quantile");
        if (rho > 1) throw new ConfigException("config key 'top_entropy_quantile' = " + rho + " is out of range; allowed: a number in [0, 1]");
        double eps = getDouble("epsilon");
        double high = getDouble("epsilon_high");
        if (high < 0 && high != -1) throw new ConfigException("config key 'epsilon_high' = " + high + " is out of range; allowed: -1 or a number >= 0");
        PolicyLossType type = PolicyLossType.byName(getString("loss_type"));
        double c = getDouble("clip_ratio_c");
        if ((Boolean) get("dynamic_clip") && !(c > 1)) throw new ConfigException("config key 'clip_ratio_c' = " + c + " is out of range; allowed: a number > 1");
        double pacsBeta = getDouble("pacs_beta");
        if (!(pacsBeta > 0)) throw new ConfigException("config key 'pacs_beta' = " + pacsBeta + " is out of range; allowed: a number > 0");
        if ((type == PolicyLossType.PACS || type == PolicyLossType.GTPO) && getDouble("beta") != 0) {
            throw new ConfigException("config key 'beta' = " + getDouble("beta") + " is not allowed with loss_type " + type.key() + " (no KL term); allowed: 0");
        }
        if ((type == PolicyLossType.PACS || type == PolicyLossType.GTPO) && (Boolean) get("dynamic_clip")) {
            throw new ConfigException("config key 'dynamic_clip' acts on the clipped losses; with loss_type " + type.key() + " leave it false");
        }
        PolicyLossConfig loss = PolicyLossConfig.defaults(type)
                .withEpsilon(eps, high == -1 ? eps : high).withBeta(getDouble("beta")).withPacsBeta(pacsBeta)
                .withDynamicClip((Boolean) get("dynamic_clip") ? c : Double.NaN);
        return new GrpoSettings(getInt("prompts_per_step"), getInt("num_generations"), getInt("max_completion_length"),
                (float) getDouble("temperature"), getInt("top_k"), (float) topP, loss, RewardScaling.byName(getString("scale_rewards")),
                rho, (Boolean) get("mask_truncated_completions"), getInt("num_iterations"), getInt("seed"));
    }

    /** {@code checkpoint_interval}, checked to fall on generation-round boundaries (a multiple of num_iterations). */
    public int checkpointInterval() {
        int every = getInt("checkpoint_interval");
        int mu = getInt("num_iterations");
        if (every % mu != 0) {
            throw new ConfigException("config key 'checkpoint_interval' = " + every + " is out of range; allowed: 0 or a multiple of num_iterations (" + mu + ")");
        }
        return every;
    }

    /** PPO's critic settings, or null when {@code algorithm} is grpo. */
    public PpoCritic.Settings criticSettings() {
        if (getString("algorithm").equals("grpo")) return null;
        if (getDouble("pruning_rate") > 0 || getDouble("baseline_quantile") != -1 || (Boolean) get("smooth_advantages")) {
            throw new ConfigException("config keys 'pruning_rate', 'baseline_quantile' and 'smooth_advantages' act on group advantages; with algorithm 'ppo' leave them at 0, -1 and false");
        }
        if (List.of("pacs", "gtpo").contains(getString("loss_type"))) {
            throw new ConfigException("config key 'loss_type' = " + getString("loss_type") + " needs group advantages; with algorithm 'ppo' use grpo, bnpo, dr_grpo or dapo");
        }
        double lr = getDouble("critic_learning_rate");
        if (lr != -1 && !(lr > 0)) throw new ConfigException("config key 'critic_learning_rate' = " + lr + " is out of range; allowed: -1 or a number > 0");
        return new PpoCritic.Settings(getDouble("cliprange_value"), getDouble("gamma"), getDouble("lam"), (Boolean) get("whiten_advantages"),
                lr == -1 ? getDouble("learning_rate") : lr, getDouble("grad_clip"));
    }

    /** The GRPO modifications these keys describe ({@link GrpoVariants}). */
    public GrpoVariants variants() {
        double k = getDouble("baseline_quantile");
        if (k != -1 && !(k > 0)) throw new ConfigException("config key 'baseline_quantile' = " + k + " is out of range; allowed: -1 or a number in (0, 1]");
        double p = getDouble("pruning_rate");
        if (p >= 1) throw new ConfigException("config key 'pruning_rate' = " + p + " is out of range; allowed: a number in [0, 1)");
        int buffer = getInt("overlong_buffer");
        if (buffer > getInt("max_completion_length")) {
            throw new ConfigException("config key 'overlong_buffer' = " + buffer + " is out of range; allowed: 0 to max_completion_length (" + getInt("max_completion_length") + ")");
        }
        if (p > 0 && List.of("pacs", "gtpo").contains(getString("loss_type"))) {
            throw new ConfigException("config key 'pruning_rate' = " + p + " breaks the groups loss_type " + getString("loss_type") + " needs; allowed: 0");
        }
        if ((Boolean) get("smooth_advantages") && k != -1) {
            throw new ConfigException("config keys 'smooth_advantages' and 'baseline_quantile' both replace the group baseline; set baseline_quantile to -1");
        }
        if ((Boolean) get("smooth_advantages") && getString("scale_rewards").equals("batch")) {
            throw new ConfigException("config key 'smooth_advantages' standardises per prompt; allowed scale_rewards: group or none, got batch");
        }
        return new GrpoVariants(RewardDithering.byName(getString("reward_dither")), getDouble("reward_dither_scale"), k == -1 ? Double.NaN : k,
                buffer, getDouble("overlong_penalty_factor"), (Boolean) get("dynamic_sampling"), getInt("max_generation_batches"), p,
                getDouble("rank_penalty"), getDouble("lens_penalty"), (Boolean) get("smooth_advantages"), getDouble("gtpo_entropy_threshold"),
                getDouble("gtpo_entropy_scale"), getDouble("gtpo_conflict_weight"));
    }
}
