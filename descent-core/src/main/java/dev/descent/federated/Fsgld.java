package dev.descent.federated;

import dev.descent.tensor.Philox;

/**
 * Federated stochastic gradient Langevin dynamics with conducive gradients (FSGLD; El Mekkaoui,
 * Mesquita, Blomstedt and Kaski, "Federated Stochastic Gradient Langevin Dynamics", UAI 2021). One
 * Markov chain travels from client to client (distributed SGLD); on client s, holding n_s of the N rows,
 * visited a fraction f_s of the time, a step on a minibatch B is
 * <pre>
 *   ∇U_s(θ) = λ₀ θ + (n_s / (f_s |B|)) Σ_{i∈B} ∇ℓ_i(θ) + ∇c_s(θ)
 *   ∇c_s(θ) = Σ_j Λ_j (θ − μ_j) − (1/f_s) Λ_s (θ − μ_s)          (the conducive gradient)
 *   θ ← θ − ε ∇U_s(θ) + √(2 ε T) ξ,   ξ ~ N(0, I)
 * </pre>
 * where ℓ_i is the cross-entropy of row i (−log p(y_i | x_i, θ)), N(0, 1/λ₀) the prior and
 * q_j(θ) = N(μ_j, Λ_j⁻¹) client j's Gaussian approximation of its likelihood p(x_j | θ). The conducive
 * gradient is −∇log q + f_s⁻¹ ∇log q_s: its average over the visits (weights f_s) is zero, so the chain
 * still targets the full posterior, while on each client it stands in for the other clients' data, which
 * is what keeps a chain that stays long on one non-IID shard from drifting to that shard's posterior.
 * T = 1 is the posterior; T = 0 removes the noise (gradient descent on U).
 * <p>Choices (the paper leaves the approximation and the schedule to the user): q_j is a diagonal
 * Laplace approximation fitted once before sampling: μ_j from SGD on client j's rows, Λ_j the diagonal
 * empirical Fisher Σ_{i∈j} (∇ℓ_i(μ_j))² (see {@link FederatedSimulation}); f_s = n_s / N, the share of
 * the chain's steps client s takes when every client trains the same number of epochs per visit.
 */
public final class Fsgld {
    private final double[][] means;
    private final double[][] precisions;
    private final double priorPrecision;
    private final double step;
    private final double temperature;
    /** Σ_j Λ_j and Σ_j Λ_j μ_j, so the conducive gradient costs O(d) per step. */
    private final double[] precisionSum;
    private final double[] weightedMeanSum;
    private final float[] noise;

    /**
     * @param means          μ_j per client (length d each)
     * @param precisions     diagonal Λ_j per client, each entry ≥ 0
     * @param priorPrecision λ₀ ≥ 0
     * @param step           ε > 0
     * @param temperature    T ≥ 0
     */
    public Fsgld(double[][] means, double[][] precisions, double priorPrecision, double step, double temperature) {
        if (means.length != precisions.length || means.length == 0) throw new IllegalArgumentException("one mean and one precision per client");
        if (!(priorPrecision >= 0)) throw new IllegalArgumentException("fsgld_prior_precision must be >= 0, got " + priorPrecision);
        if (!(step > 0)) throw new IllegalArgumentException("the FSGLD step must be > 0, got " + step);
        if (!(temperature >= 0)) throw new IllegalArgumentException("fsgld_temperature must be >= 0, got " + temperature);
        int d = means[0].length;
        this.means = means;
        this.precisions = precisions;
        this.priorPrecision = priorPrecision;
        this.step = step;
        this.temperature = temperature;
        this.precisionSum = new double[d];
        this.weightedMeanSum = new double[d];
        for (int j = 0; j < means.length; j++) {
            for (int i = 0; i < d; i++) {
                if (!(precisions[j][i] >= 0)) throw new IllegalArgumentException("client " + j + " precision " + i + " is " + precisions[j][i]);
                precisionSum[i] += precisions[j][i];
                weightedMeanSum[i] += precisions[j][i] * means[j][i];
            }
        }
        this.noise = new float[d];
    }

    /** Adds the prior's λ₀θ and client s's conducive gradient (visit share f_s) to {@code grad}. */
    public void addPriorAndConducive(float[] theta, int s, double fs, double[] grad) {
        double[] mu = means[s];
        double[] lambda = precisions[s];
        for (int i = 0; i < grad.length; i++) {
            double t = theta[i];
            grad[i] += priorPrecision * t + (precisionSum[i] * t - weightedMeanSum[i]) - lambda[i] * (t - mu[i]) / fs;
        }
    }

    /** The Langevin step θ ← θ − ε ∇U + √(2εT) ξ, ξ the standard normals of {@code draws} (counters 0..d−1). */
    public void step(float[] theta, double[] gradU, Philox draws) {
        double scale = Math.sqrt(2 * step * temperature);
        if (scale > 0) draws.fillGaussian(noise, 0, noise.length, 0);
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) (theta[i] - step * gradU[i] + (scale > 0 ? scale * noise[i] : 0));
        }
    }

    /** ε. */
    public double stepSize() { return step; }
}
