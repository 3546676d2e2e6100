package dev.descent.federated;

import dev.descent.optim.Objective;
import java.util.List;
import java.util.Objects;

/**
 * FedLEx (Internò, Olhofer, Jin and Hammer, "Federated Loss Exploration for Improved Convergence on
 * Non-IID Data", IJCNN 2024, arXiv:2506.18640), as its authors' code computes it
 * (ChristianInterno/FedLEx commit {@code 69ed5812f9f3bd3f27b219c6f6f977ab895c6f55}: {@code GTL_utils.create_mask},
 * {@code client/fedlexclient.py}). Before the first round a share of the clients <em>explore</em>: each
 * trains a copy of the model on its own rows and sends the explored weights s_k (a "scout"); the server
 * turns the scouts' spread around the base model w_b into a global guidance matrix G, one entry per
 * parameter, computed per parameter tensor P:
 * <pre>
 *   ls_i = (1/K) Σ_k (s_{k,i} − w_{b,i})²                 (the learning spread)
 *   G_i  = (ls_i − min_{j∈P} ls_j) / (max_{j∈P} ls_j − min_{j∈P} ls_j)    (the code's default MinMax)
 * </pre>
 * and in every later round each client's local step uses the guided gradient G ⊙ ∇f (the code multiplies
 * {@code param.grad} by the mask before {@code optimizer.step()}); the server is FedAvg's.
 * <p>Choices (the code leaves these to its side effects; they are made explicit here): every explorer starts
 * from the initial global model and the base w_b is that model (the code trains one shared model object in
 * place, explorer after explorer, and compares with a one-epoch checkpoint of it); exploration is
 * {@code fedlex_explore_epochs} epochs of the clients' SGD at η_l (the code: up to 150 epochs of its
 * optimizer with early stopping); explorers are the first ⌈{@code fedlex_explore_fraction}·K⌉ of a seeded
 * permutation (the code's {@code perc_clients_for_mask}, default 1); when every client explored, G is rebuilt
 * each round from the scouts of that round's clients, as the code does, otherwise from all scouts; a tensor
 * whose spread is constant (max = min, where the code divides by zero) gets G = 1, no guidance.
 */
public final class FedLex {
    private FedLex() {}

    /**
     * The guidance matrix G of {@code scouts} around {@code base}, min–max normalised within each piece.
     *
     * @param pieces the parameter tensors' sizes, in order, summing to the length of {@code base}
     */
    public static float[] guidance(float[] base, List<float[]> scouts, int[] pieces) {
        if (scouts.isEmpty()) throw new IllegalArgumentException("FedLEx needs at least one explored model");
        int total = 0;
        for (int p : pieces) total += p;
        if (total != base.length) throw new IllegalArgumentException("pieces cover " + total + " of " + base.length + " parameters");
        double[] spread = new double[base.length];
        for (float[] s : scouts) {
            if (s.length != base.length) throw new IllegalArgumentException("a scout has " + s.length + " parameters, the model " + base.length);
            for (int i = 0; i < base.length; i++) {
                double d = (double) s[i] - base[i];
                spread[i] += d * d;
            }
        }
        float[] g = new float[base.length];
        int from = 0;
        for (int size : pieces) {
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (int i = from; i < from + size; i++) {
                spread[i] /= scouts.size();
                min = Math.min(min, spread[i]);
                max = Math.max(max, spread[i]);
            }
            for (int i = from; i < from + size; i++) g[i] = max > min ? (float) ((spread[i] - min) / (max - min)) : 1f;
            from += size;
        }
        return g;
    }

    /** A client's objective whose gradient is multiplied element-wise by the guidance matrix. */
    public static final class GuidedObjective implements Objective {
        private final Objective inner;
        private final float[] grads;
        private final float[] guidance;

        /**
         * @param inner    the client's objective
         * @param grads    the gradient buffer {@code inner} fills
         * @param guidance G, one entry per gradient entry (read, not copied)
         */
        public GuidedObjective(Objective inner, float[] grads, float[] guidance) {
            this.inner = Objects.requireNonNull(inner, "inner");
            if (grads.length != guidance.length) throw new IllegalArgumentException("guidance has " + guidance.length + " entries, the gradient " + grads.length);
            this.grads = grads;
            this.guidance = guidance;
        }

        @Override public void prepare(long step) { inner.prepare(step); }

        @Override public double loss() { return inner.loss(); }

        @Override
        public double lossAndGradient() {
            double l = inner.lossAndGradient();
            for (int i = 0; i < grads.length; i++) grads[i] *= guidance[i];
            return l;
        }
    }
}
