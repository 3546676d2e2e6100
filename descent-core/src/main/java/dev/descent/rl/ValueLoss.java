package dev.descent.rl;

/**
 * PPO's clipped value loss, as verl's {@code compute_value_loss} (volcengine/verl @
 * b178a3cd56f58b2d502255daba591e92833930a7; the same as TRL's PPO trainer and OpenRLHF's
 * {@code ValueLoss}) with the {@code token-mean} aggregation: for predictions v, the values V_old
 * recorded at sampling, returns R, clip range c and mask m,
 * <pre>
 *   v_clip = clip(v, V_old − c, V_old + c)
 *   L      = ½ Σ m · max((v − R)², (v_clip − R)²) / Σ m
 *   ∂L/∂v  = m (v − R) / Σ m         where the unclipped term is the larger one or v is inside the range
 *          = 0                        where the clipped term is larger (v outside the range: v_clip is constant)
 *   clipfrac = Σ m · [(v_clip − R)² &gt; (v − R)²] / (Σ m + 1e-8)
 * </pre>
 */
public final class ValueLoss {
    private ValueLoss() {}

    public record Result(double loss, double[] grad, double clipFraction) {}

    public static Result evaluate(double[] predictions, double[] oldValues, double[] returns, float[] mask, double clipRange) {
        int n = predictions.length;
        if (oldValues.length != n || returns.length != n || mask.length != n) {
            throw new IllegalArgumentException("predictions, values, returns and mask must have the same length " + n);
        }
        if (!(clipRange >= 0)) throw new IllegalArgumentException("cliprange_value must be >= 0, got " + clipRange);
        double count = 0;
        for (float m : mask) count += m;
        if (count == 0) throw new IllegalArgumentException("the value loss needs at least one unmasked token");
        double sum = 0, clipped = 0;
        double[] grad = new double[n];
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0f) continue;
            double v = predictions[i];
            double vc = Math.min(Math.max(v, oldValues[i] - clipRange), oldValues[i] + clipRange);
            double l1 = (v - returns[i]) * (v - returns[i]);
            double l2 = (vc - returns[i]) * (vc - returns[i]);
            sum += Math.max(l1, l2);
            boolean useClipped = l2 > l1;
            if (useClipped) clipped++;
            // the clipped term can only be the larger one when v is outside the range, where v_clip is constant
            grad[i] = useClipped ? 0 : (v - returns[i]) / count;
        }
        // verl's masked_mean adds 1e-8 to the token count of the clip fraction (not of the loss)
        return new Result(0.5 * sum / count, grad, clipped / (count + 1e-8));
    }
}
