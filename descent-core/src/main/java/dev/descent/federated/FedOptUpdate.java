package dev.descent.federated;

/**
 * The adaptive server optimizers of Reddi et al., "Adaptive Federated Optimization" (ICLR 2021),
 * as Flower's {@code FedAdam} and {@code FedYogi} strategies compute them (adap/flower commit
 * fdef7afb1dca3030553be302366cfd285ed6632c, {@code framework/py/flwr/server/strategy/fedadam.py},
 * {@code fedyogi.py}). With the pseudo-gradient {@code Δ = x̄ − x} (x̄ the weighted average of the
 * clients' models, x the current global model) and m, v starting at zero:
 * <pre>
 *   m ← β₁ m + (1 − β₁) Δ
 *   Adam: v ← β₂ v + (1 − β₂) Δ²                 Yogi: v ← v − (1 − β₂) Δ² sign(v − Δ²)
 *   Adam: x ← x + η √(1 − β₂^{r+1}) / (1 − β₁^{r+1}) · m / (√v + τ)
 *   Yogi: x ← x + η m / (√v + τ)
 * </pre>
 * where r is Flower's 1-based {@code server_round}: Flower's FedAdam bias-corrects with the exponent
 * r + 1 (so round 1 already uses β²), and its FedYogi does not bias-correct; both are kept as Flower
 * has them. The state (m, v, x) is kept in double; the global model is stored in float.
 */
public final class FedOptUpdate implements ServerUpdate {
    /** Which second-moment rule. */
    public enum Kind { ADAM, YOGI }

    private final Kind kind;
    private final double eta;
    private final double beta1;
    private final double beta2;
    private final double tau;
    private double[] m;
    private double[] v;

    public FedOptUpdate(Kind kind, double eta, double beta1, double beta2, double tau) {
        if (!(eta > 0)) throw new IllegalArgumentException("eta must be > 0, got " + eta);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta_1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta_2 must be in [0, 1), got " + beta2);
        if (!(tau >= 0)) throw new IllegalArgumentException("tau must be >= 0, got " + tau);
        this.kind = kind;
        this.eta = eta;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.tau = tau;
    }

    @Override
    public void apply(float[] global, double[] average, int round) {
        int n = global.length;
        if (m == null) {
            m = new double[n];
            v = new double[n];
        }
        double step = kind == Kind.ADAM
                ? eta * Math.sqrt(1 - Math.pow(beta2, round + 1.0)) / (1 - Math.pow(beta1, round + 1.0))
                : eta;
        for (int i = 0; i < n; i++) {
            double x = global[i];
            double delta = average[i] - x;
            m[i] = beta1 * m[i] + (1 - beta1) * delta;
            double d2 = delta * delta;
            v[i] = kind == Kind.ADAM ? beta2 * v[i] + (1 - beta2) * d2 : v[i] - (1 - beta2) * d2 * Math.signum(v[i] - d2);
            global[i] = (float) (x + step * m[i] / (Math.sqrt(v[i]) + tau));
        }
    }
}
