package dev.descent.rl;

import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.train.TrainingLoop;
import java.util.Arrays;

/**
 * The critic side of PPO as Open-Reasoner-Zero runs it (Hu et al. 2025; γ = λ = 1, no KL, a separate
 * critic initialised from the policy): a {@link ValueModel} with its own AdamW, the per-token
 * advantages of a rollout and one clipped value-loss step per policy step.
 *
 * <p>At a rollout, with the scalar reward R_b of completion b placed on its last unmasked token (as
 * verl and OpenRLHF place an outcome reward) and the critic's values V_old:
 * <pre>
 *   A, R_t = Gae.compute(r, V_old, mask, γ, λ)           (γ = λ = 1: A_bt = R_b − V_old,bt, R_t = R_b)
 *   A ← Gae.whiten(A, mask)                              (verl's GAE estimator whitens; off with whiten = false)
 * </pre>
 * The policy then takes {@link PolicyLoss} with these token advantages (the ratio clip of verl's
 * {@code compute_policy_loss}), and each step the critic takes {@link ValueLoss} (clip
 * {@code cliprange_value} around V_old, verl's default 0.5) with AdamW at {@code critic_learning_rate}
 * after clipping its gradient norm to {@code grad_clip}.
 *
 * @see Gae
 * @see ValueLoss
 */
public final class PpoCritic {
    /**
     * @param cliprangeValue  c of the clipped value loss (verl default 0.5)
     * @param gamma           GAE discount (ORZ: 1)
     * @param lambda          GAE λ (ORZ: 1)
     * @param whiten          whiten the advantages over the batch's tokens (verl's GAE: yes)
     * @param learningRate    the critic's AdamW learning rate
     * @param gradClip        the critic's gradient-norm clip (0: off)
     */
    public record Settings(double cliprangeValue, double gamma, double lambda, boolean whiten, double learningRate, double gradClip) {
        public Settings {
            if (!(cliprangeValue >= 0)) throw new IllegalArgumentException("cliprange_value must be >= 0, got " + cliprangeValue);
            if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
            if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("lam must be in [0, 1], got " + lambda);
            if (!(learningRate > 0)) throw new IllegalArgumentException("critic_learning_rate must be > 0, got " + learningRate);
            if (!(gradClip >= 0)) throw new IllegalArgumentException("grad_clip must be >= 0, got " + gradClip);
        }

        /** Open-Reasoner-Zero's recipe: γ = λ = 1, whitened advantages, value clip 0.5, the given rate. */
        public static Settings orz(double learningRate) { return new Settings(0.5, 1, 1, true, learningRate, 1.0); }
    }

    /** A rollout's advantages (token level) and the critic's targets. */
    public record Targets(float[] advantages, double[] oldValues, double[] returns) {}

    private final ValueModel model;
    private final Optimizer optimizer;
    private final Settings settings;
    private double lastLoss = Double.NaN, lastClipFraction = Double.NaN;

    public PpoCritic(ValueModel model, Settings settings) {
        this.model = model;
        this.settings = settings;
        this.optimizer = Optimizers.adamw().lr(settings.learningRate()).weightDecay(0).build(model);
    }

    /** The reward of each completion on its last unmasked token, {@code [B, T]}. */
    public static double[] tokenRewards(double[] rewards, float[] mask, int batch, int t) {
        double[] out = new double[batch * t];
        for (int b = 0; b < batch; b++) {
            for (int j = t - 1; j >= 0; j--) {
                if (mask[b * t + j] != 0f) {
                    out[b * t + j] = rewards[b];
                    break;
                }
            }
        }
        return out;
    }

    public Targets targets(int[] tokens, float[] mask, double[] rewards, int batch, int t) {
        double[] values = model.values(tokens, mask, batch, t);
        Gae.Result gae = Gae.compute(tokenRewards(rewards, mask, batch, t), values, mask, batch, t, settings.gamma(), settings.lambda());
        double[] adv = settings.whiten() ? Gae.whiten(gae.advantages(), mask) : gae.advantages();
        float[] a = new float[adv.length];
        for (int i = 0; i < a.length; i++) a[i] = mask[i] != 0f ? (float) adv[i] : 0f;
        return new Targets(a, values, gae.returns());
    }

    /** One critic step on the rollout: the clipped value loss, its gradient, the clip, AdamW. */
    public ValueLoss.Result step(int[] tokens, float[] mask, int batch, int t, Targets targets) {
        float[] grads = model.flatten().grads();
        Arrays.fill(grads, 0f);
        ValueLoss.Result r = model.lossAndBackward(tokens, mask, batch, t, targets.oldValues(), targets.returns(), settings.cliprangeValue());
        if (settings.gradClip() > 0) TrainingLoop.clipGlobalNorm(grads, settings.gradClip());
        optimizer.step();
        optimizer.zeroGrad();
        lastLoss = r.loss();
        lastClipFraction = r.clipFraction();
        return r;
    }

    /** The value loss and value clip fraction of the last critic step (NaN before the first). */
    public double lastLoss() { return lastLoss; }

    public double lastClipFraction() { return lastClipFraction; }

    public ValueModel model() { return model; }

    /** The critic's AdamW (its state goes into a run's checkpoints). */
    public Optimizer optimizer() { return optimizer; }
}
