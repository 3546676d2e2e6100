package dev.descent.federated;

import java.util.Arrays;

/**
 * EControl (Gao, Islamov and Stich, "EControl: Fast Distributed Optimization with Compression and
 * Error Control", ICLR 2024, arXiv:2311.05645, Algorithm 1): clients send only a compressed message;
 * each keeps a gradient estimate h_k, shared with the server (it is the sum of the messages sent), and
 * an error term e_k, and feeds back a controlled fraction η of the error into the next message.
 * For client k with input g_k in round t, and a contractive compressor C:
 * <pre>
 *   Δ_k   = C(η e_k + g_k − h_k)          (the message)
 *   e_k  ← e_k + g_k − h_k − Δ_k           (what the message left out)
 *   h_k  ← h_k + Δ_k
 *   server:  x ← x − γ Σ_k ω_k h_k        (ω_k = n_k / Σ n_j over the round's clients)
 * </pre>
 * With the identity compressor Δ_k = η e_k + g_k − h_k, so e_k stays 0 from e_k = 0, h_k = g_k, and the
 * method is the uncompressed one ({@code EControlTest}).
 * <p>The update rule is the one of the reference implementation found (IgorSokoloff/Parameter-Agnostic-Error-Feedback-through-Momentum
 * commit {@code 6d5cacc7455545458a99a48d68ee78ec2f8fa8b7}, {@code gen_sgd.py}, branch {@code ECONTROL}; no code
 * by the paper's authors was found): the same Δ, e and h updates, the server stepping along the mean of
 * the updated h. It initialises e_k = 0 and h_k = g_k at a client's first message (the first message is
 * then the uncompressed g_k, as in EF21-style methods): {@link Init#FIRST_INPUT}, the default of {@code fed run}
 * ({@code econtrol_init=first_input}; the six-argument constructor keeps {@link Init#ZERO}). {@link Init#ZERO}
 * (h_k = e_k = 0, every message compressed) is the rule this class followed before the reference was found.
 * <p>Choices (the paper states the method for one stochastic gradient per round and the 1/n average):
 * <ul>
 *   <li>g_k is the client's local-training update {@code x − w_k} (its pseudo-gradient after
 *       {@code local_epochs} of SGD from x), so with the identity compressor and γ = 1 a round is
 *       FedAvg's; the weights are FedAvg's n_k/Σn_j rather than 1/n (equal when the shards are equal);</li>
 *   <li>the first message is sent dense: 4 bytes per entry ({@link #lastMessageBytes()});</li>
 *   <li>only the round's sampled clients update their state; the server sums the h_k it holds for them
 *       (with every client sampled, as in the experiments, this is Σ ω_k h_k of Algorithm 1);</li>
 *   <li>top-k keeps the ⌈ratio·d⌉ largest |v_i|, ties to the lower index, and costs 8 bytes per kept
 *       entry on the wire (a float32 value and an int32 index); the identity costs 4 bytes per entry,
 *       as FedAvg's float32 model does;</li>
 *   <li>η defaults to 0.1 (the paper tunes η; its theory takes η of the order of the compressor's δ,
 *       here δ = ratio = 0.1), γ to 1.</li>
 * </ul>
 * The state is kept in double.
 */
public final class EControl {
    /** The compressors. */
    public enum Compressor { IDENTITY, TOP_K }

    /** How h_k and e_k start: h_k = g_k at the first message (the reference's), or h_k = e_k = 0. */
    public enum Init { FIRST_INPUT, ZERO }

    private final int dim;
    private final Compressor compressor;
    private final int kept;
    private final double eta;
    private final double gamma;
    private final double[][] h;
    private final double[][] e;
    private final Init init;
    private final boolean[] started;
    private long lastMessageBytes;

    /**
     * @param dim       parameters d
     * @param clients   number of clients
     * @param compressor identity or top-k
     * @param ratio     top-k keeps ⌈ratio·d⌉ entries, ratio in (0, 1]
     * @param eta       error-control η ≥ 0
     * @param gamma     server step γ > 0
     */
    public EControl(int dim, int clients, Compressor compressor, double ratio, double eta, double gamma) {
        this(dim, clients, compressor, ratio, eta, gamma, Init.ZERO);
    }

    /** The same with the initialisation of h_k and e_k given. */
    public EControl(int dim, int clients, Compressor compressor, double ratio, double eta, double gamma, Init init) {
        if (!(ratio > 0 && ratio <= 1)) throw new IllegalArgumentException("econtrol_ratio must be in (0, 1], got " + ratio);
        if (!(eta >= 0)) throw new IllegalArgumentException("econtrol_eta must be >= 0, got " + eta);
        if (!(gamma > 0)) throw new IllegalArgumentException("econtrol_gamma must be > 0, got " + gamma);
        this.dim = dim;
        this.compressor = compressor;
        this.kept = compressor == Compressor.IDENTITY ? dim : Math.max(1, (int) Math.ceil(ratio * dim));
        this.eta = eta;
        this.gamma = gamma;
        this.h = new double[clients][dim];
        this.e = new double[clients][dim];
        this.init = init;
        this.started = new boolean[clients];
    }

    /** Bytes of one client message: 4 per entry uncompressed, 8 per kept entry (value and index) for top-k. */
    public long messageBytes() {
        return compressor == Compressor.IDENTITY ? 4L * dim : 8L * kept;
    }

    /** Bytes of the last message {@link #clientStep} produced: a dense first message costs 4 per entry. */
    public long lastMessageBytes() { return lastMessageBytes; }

    /** Client k's step on its input g (length d): updates e_k and h_k; returns the message Δ_k (dense). */
    public double[] clientStep(int k, double[] g) {
        double[] hk = h[k];
        double[] ek = e[k];
        if (init == Init.FIRST_INPUT && !started[k]) {
            // h_k = g_k, e_k = 0: the message is g_k itself, uncompressed
            started[k] = true;
            System.arraycopy(g, 0, hk, 0, dim);
            lastMessageBytes = 4L * dim;
            return g.clone();
        }
        started[k] = true;
        lastMessageBytes = messageBytes();
        double[] v = new double[dim];
        for (int i = 0; i < dim; i++) v[i] = eta * ek[i] + g[i] - hk[i];
        double[] delta = compress(v);
        for (int i = 0; i < dim; i++) {
            ek[i] += g[i] - hk[i] - delta[i];
            hk[i] += delta[i];
        }
        return delta;
    }

    /** The server step {@code x ← x − γ Σ ω_j h_{clients[j]}}. */
    public void serverStep(float[] global, int[] clients, double[] weights) {
        for (int i = 0; i < dim; i++) {
            double s = 0;
            for (int j = 0; j < clients.length; j++) s += weights[j] * h[clients[j]][i];
            global[i] = (float) (global[i] - gamma * s);
        }
    }

    /** C(v): v itself, or its top-k entries by magnitude (ties to the lower index), others 0. */
    double[] compress(double[] v) {
        if (compressor == Compressor.IDENTITY || kept == dim) return v.clone();
        Integer[] order = new Integer[dim];
        for (int i = 0; i < dim; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(Math.abs(v[b]), Math.abs(v[a]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        double[] out = new double[dim];
        for (int j = 0; j < kept; j++) out[order[j]] = v[order[j]];
        return out;
    }

    /** Client k's error term e_k (a view). */
    double[] error(int k) { return e[k]; }

    /** Client k's estimate h_k (a view). */
    double[] estimate(int k) { return h[k]; }
}
