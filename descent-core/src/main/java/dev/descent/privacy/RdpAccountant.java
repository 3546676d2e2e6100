package dev.descent.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Rényi-DP accountant of the sampled Gaussian mechanism (SGM), computed as Opacus's
 * {@code RDPAccountant} computes it (pytorch/opacus commit {@code 4d0ebc84613d214fbfd37fbfd1390e3747a625ce},
 * {@code opacus/accountants/rdp.py} and {@code opacus/accountants/analysis/rdp.py}, which follow
 * TF Privacy's {@code rdp_accountant.py} and Mironov, Talwar and Zhang, "Rényi Differential Privacy of
 * the Sampled Gaussian Mechanism", arXiv:1908.10530, §3.3).
 *
 * <p>One step adds Gaussian noise of standard deviation σ (the noise multiplier, relative to an
 * L2 sensitivity of 1) to a sum over a Poisson sample in which each example is kept with
 * probability q. Its RDP at order α is {@code log(A_α)/(α − 1)} with
 * <ul>
 *   <li>integer α: {@code A_α = Σ_{i=0..α} C(α,i) q^i (1−q)^{α−i} exp((i² − i)/(2σ²))};</li>
 *   <li>fractional α: {@code A_α = A₀ + A₁},
 *       {@code A₀ = Σ_i C(α,i) q^i (1−q)^{α−i} exp((i²−i)/(2σ²)) · ½ erfc((i − z₀)/(√2 σ))},
 *       {@code A₁ = Σ_i C(α,i) q^{α−i} (1−q)^i exp(((α−i)²−(α−i))/(2σ²)) · ½ erfc((z₀ − (α−i))/(√2 σ))},
 *       {@code z₀ = σ² log(1/q − 1) + ½}, summed in log space (terms with a negative binomial
 *       coefficient subtracted) until both new terms are below e^−30, as Opacus stops;</li>
 *   <li>q = 1: {@code α/(2σ²)}.</li>
 * </ul>
 * Steps compose additively in RDP; the history merges consecutive steps with the same (σ, q) as
 * Opacus's does. The conversion to (ε, δ)-DP is Opacus's (Balle et al. 2020, Theorem 21):
 * {@code ε = min_α [ RDP(α) − (log δ + log α)/(α − 1) + log((α − 1)/α) ]}, the first minimum over
 * {@link #DEFAULT_ORDERS} = {1.1, 1.2, …, 10.9} ∪ {12, …, 63}.
 *
 * <p>Special functions are ours: the binomial coefficient of a real α is the product
 * {@code Π_{k<i} (α − k)/(k + 1)} (SciPy's {@code binom} for Opacus) and {@code log erfc} is
 * {@link LogErfc}. Reference values (RdpAccountantTest) agree with Opacus's own test value to 11 digits.
 */
public final class RdpAccountant {
    /** Opacus's {@code RDPAccountant.DEFAULT_ALPHAS}: 1 + x/10 for x = 1..99, then 12..63. */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    /** Opacus's {@code MAX_SIGMA} in {@code get_noise_multiplier}. */
    public static final double MAX_NOISE_MULTIPLIER = 1e6;

    /** A run of {@code steps} identical SGM steps. */
    public record Mechanism(double noiseMultiplier, double sampleRate, long steps) {
        public Mechanism {
            check(noiseMultiplier, sampleRate, steps);
        }
    }

    /** ε and the order α at which the conversion attained it. */
    public record Epsilon(double epsilon, double order) {}

    private final List<Mechanism> history = new ArrayList<>();

    /** Records one step; consecutive steps with the same (σ, q) are merged, as Opacus's history does. */
    public void step(double noiseMultiplier, double sampleRate) {
        if (!history.isEmpty()) {
            Mechanism last = history.getLast();
            if (last.noiseMultiplier() == noiseMultiplier && last.sampleRate() == sampleRate) {
                history.set(history.size() - 1, new Mechanism(noiseMultiplier, sampleRate, last.steps() + 1));
                return;
            }
        }
        history.add(new Mechanism(noiseMultiplier, sampleRate, 1));
    }

    /** The recorded mechanisms (a copy). */
    public List<Mechanism> history() { return List.copyOf(history); }

    /** ε spent so far at {@code delta} over the default orders; (0, 0) before any step, as Opacus. */
    public Epsilon epsilon(double delta) {
        if (history.isEmpty()) return new Epsilon(0, 0);
        return epsilon(history, delta, DEFAULT_ORDERS);
    }

    /** ε of {@code steps} SGM steps with noise multiplier σ and sample rate q, at {@code delta}, over the default orders. */
    public static Epsilon epsilon(double sampleRate, double noiseMultiplier, long steps, double delta) {
        return epsilon(List.of(new Mechanism(noiseMultiplier, sampleRate, steps)), delta, DEFAULT_ORDERS);
    }

    /** ε of the composition of {@code mechanisms} at {@code delta}, minimised over {@code orders} (each > 1). */
    public static Epsilon epsilon(List<Mechanism> mechanisms, double delta, double[] orders) {
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        double best = Double.NaN;
        double bestOrder = Double.NaN;
        for (double a : orders) {
            if (!(a > 1)) throw new IllegalArgumentException("RDP orders must be > 1, got " + a);
            double rdp = 0;
            for (Mechanism m : mechanisms) rdp += rdp(m.sampleRate(), m.noiseMultiplier(), a) * m.steps();
            double eps = rdp - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
            if (!Double.isNaN(eps) && (Double.isNaN(best) || eps < best)) {
                best = eps;
                bestOrder = a;
            }
        }
        if (Double.isNaN(best)) return new Epsilon(Double.POSITIVE_INFINITY, Double.NaN);
        return new Epsilon(best, bestOrder);
    }

    /** RDP of one SGM step at order α (may be +∞). */
    public static double rdp(double sampleRate, double noiseMultiplier, double order) {
        double q = sampleRate;
        double sigma = noiseMultiplier;
        if (q == 0) return 0;
        if (sigma == 0) return Double.POSITIVE_INFINITY;
        if (q == 1) return order / (2 * sigma * sigma);
        if (Double.isInfinite(order)) return Double.POSITIVE_INFINITY;
        double logA = order == Math.rint(order) ? logAIntegerOrder(q, sigma, (int) order) : logAFractionalOrder(q, sigma, order);
        return logA / (order - 1);
    }

    /**
     * Opacus's {@code get_noise_multiplier}: the noise multiplier that keeps ε ≤ {@code targetEpsilon}
     * after {@code steps} steps at rate q: double σ from 10 until ε ≤ target, then bisect on
     * [0, σ] until the target exceeds ε by at most {@code tolerance} (Opacus: 0.01); returns the upper end.
     */
    public static double noiseMultiplier(double targetEpsilon, double delta, double sampleRate, long steps, double tolerance) {
        if (!(targetEpsilon > 0)) throw new IllegalArgumentException("target epsilon must be > 0, got " + targetEpsilon);
        check(1, sampleRate, steps);
        double epsHigh = Double.POSITIVE_INFINITY;
        double low = 0;
        double high = 10;
        while (epsHigh > targetEpsilon) {
            high = 2 * high;
            epsHigh = epsilon(sampleRate, high, steps, delta).epsilon();
            if (high > MAX_NOISE_MULTIPLIER) throw new IllegalArgumentException("the privacy budget epsilon=" + targetEpsilon + " is too low");
        }
        while (targetEpsilon - epsHigh > tolerance) {
            double sigma = (low + high) / 2;
            double eps = epsilon(sampleRate, sigma, steps, delta).epsilon();
            if (eps < targetEpsilon) {
                high = sigma;
                epsHigh = eps;
            } else {
                low = sigma;
            }
        }
        return high;
    }

    /** Refuses what the accountant has no meaning for, in one line naming the value. */
    static void check(double noiseMultiplier, double sampleRate, long steps) {
        if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier must be > 0 and finite, got " + noiseMultiplier);
        }
        if (!(sampleRate > 0 && sampleRate <= 1)) throw new IllegalArgumentException("sample rate must be in (0, 1], got " + sampleRate);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }

    private static double logAIntegerOrder(double q, double sigma, int alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= alpha; i++) {
            double logCoef = Math.log(binomial(alpha, i)) + i * Math.log(q) + (alpha - i) * Math.log(1 - q);
            logA = logAdd(logA, logCoef + (double) (i * i - i) / (2 * sigma * sigma));
        }
        return logA;
    }

    private static double logAFractionalOrder(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double sqrt2Sigma = Math.sqrt(2) * sigma;
        for (int i = 0; ; i++) {
            double coef = binomial(alpha, i);
            double logCoef = Math.log(Math.abs(coef));
            double j = alpha - i;
            double logT0 = logCoef + i * Math.log(q) + j * Math.log(1 - q);
            double logT1 = logCoef + j * Math.log(q) + i * Math.log(1 - q);
            double logE0 = Math.log(0.5) + LogErfc.of((i - z0) / sqrt2Sigma);
            double logE1 = Math.log(0.5) + LogErfc.of((z0 - j) / sqrt2Sigma);
            double logS0 = logT0 + (double) (i * i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (coef > 0) {
                logA0 = logAdd(logA0, logS0);
                logA1 = logAdd(logA1, logS1);
            } else {
                logA0 = logSub(logA0, logS0);
                logA1 = logSub(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < -30) break;
        }
        return logAdd(logA0, logA1);
    }

    /** C(α, i) for real α and integer i ≥ 0 as the product Π_{k<i} (α − k)/(k + 1). */
    static double binomial(double alpha, int i) {
        double c = 1;
        for (int k = 0; k < i; k++) c *= (alpha - k) / (k + 1);
        return c;
    }

    private static double logAdd(double x, double y) {
        double a = Math.min(x, y);
        double b = Math.max(x, y);
        if (a == Double.NEGATIVE_INFINITY) return b;
        return Math.log1p(Math.exp(a - b)) + b;
    }

    /** log(e^x − e^y) for x ≥ y; Opacus returns x when e^(x−y) overflows. */
    private static double logSub(double x, double y) {
        if (x < y) throw new ArithmeticException("log-space subtraction with a negative result");
        if (y == Double.NEGATIVE_INFINITY) return x;
        if (x == y) return Double.NEGATIVE_INFINITY;
        double d = Math.expm1(x - y);
        if (Double.isInfinite(d)) return x;
        return Math.log(d) + y;
    }

    private static double[] defaultOrders() {
        double[] orders = new double[99 + 52];
        for (int x = 1; x < 100; x++) orders[x - 1] = 1 + x / 10.0;
        for (int a = 12; a < 64; a++) orders[99 + a - 12] = a;
        return orders;
    }

    @Override
    public String toString() { return "RdpAccountant" + Arrays.toString(history.toArray()); }
}
