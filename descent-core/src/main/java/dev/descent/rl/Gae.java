package dev.descent.rl;

/**
 * Generalised advantage estimation (Schulman et al. 2016) over per-token rewards and values
 * {@code [B, T]}, as verl's {@code compute_gae_advantage_return} defines it (volcengine/verl @
 * b178a3cd56f58b2d502255daba591e92833930a7, {@code verl/trainer/ppo/core_algos.py}). Walking t from
 * T − 1 down to 0 with {@code next = 0}, {@code last = 0}:
 * <pre>
 *   δ_t    = r_t + γ · next − V_t
 *   next   = m_t V_t + (1 − m_t) next               (masked tokens are skipped: they pass next and last through)
 *   last   = m_t (δ_t + γλ · last) + (1 − m_t) last
 *   A_t    = last,    R_t = A_t + V_t
 * </pre>
 * Open-Reasoner-Zero uses γ = λ = 1, where A_t = (Σ_{s ≥ t} r_s) − V_t over a contiguous response.
 * verl then whitens the advantages ({@link #whiten}); {@link #compute} returns them raw so a caller
 * chooses.
 */
public final class Gae {
    private Gae() {}

    /** Raw advantages and the returns (value targets), both {@code [B, T]}. */
    public record Result(double[] advantages, double[] returns) {}

    public static Result compute(double[] rewards, double[] values, float[] mask, int batch, int length, double gamma, double lambda) {
        int n = batch * length;
        if (batch <= 0 || length <= 0) throw new IllegalArgumentException("batch and length must be positive, got " + batch + " and " + length);
        if (rewards.length != n || values.length != n || mask.length != n) {
            throw new IllegalArgumentException("rewards, values and mask must have " + n + " values, got " + rewards.length + ", " + values.length + ", " + mask.length);
        }
        if (!(gamma >= 0 && gamma <= 1)) throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        double[] adv = new double[n];
        double[] ret = new double[n];
        for (int b = 0; b < batch; b++) {
            double next = 0;
            double last = 0;
            for (int t = length - 1; t >= 0; t--) {
                int i = b * length + t;
                double m = mask[i];
                double delta = rewards[i] + gamma * next - values[i];
                double candidate = delta + gamma * lambda * last;
                next = m * values[i] + (1 - m) * next;
                last = m * candidate + (1 - m) * last;
                adv[i] = last;
                ret[i] = last + values[i];
            }
        }
        return new Result(adv, ret);
    }

    /**
     * verl's {@code masked_whiten}: {@code (x − μ) / sqrt(σ² + 1e-8)} with μ the masked mean and σ²
     * the unbiased masked variance (divisor n − 1; fewer than two unmasked values are refused, as verl
     * does). Every position is transformed, masked ones included.
     */
    public static double[] whiten(double[] x, float[] mask) {
        double count = 0, sum = 0;
        for (int i = 0; i < x.length; i++) {
            count += mask[i];
            sum += mask[i] * x[i];
        }
        if (count < 2) throw new IllegalArgumentException("whitening needs at least 2 unmasked values, got " + count);
        double mean = sum / (count + 1e-8);
        double sq = 0;
        for (int i = 0; i < x.length; i++) sq += mask[i] * (x[i] - mean) * (x[i] - mean);
        double var = sq / (count + 1e-8) * (count / (count - 1));
        double scale = 1 / Math.sqrt(var + 1e-8);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (x[i] - mean) * scale;
        return out;
    }
}
