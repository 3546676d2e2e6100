package dev.descent.federated;

import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.List;

/**
 * DADAO (Nabli and Oyallon, "DADAO: Decoupled Accelerated Decentralized Asynchronous Optimization",
 * ICML 2023, arXiv:2208.00779): n nodes on a connected graph minimise Σ_i f_i(x), each f_i μ-strongly
 * convex and L-smooth, with no server. Local gradient steps and pairwise gossip are two independent
 * Poisson point processes (rates λ_grad for the whole graph, each event at a uniform node; λ_mix, each at a
 * uniform edge); between its events a node's six variables follow a linear ODE, and each event is a jump.
 * As its authors' code computes it (AdelNabli/DADAO commit {@code eed1ed1b21a66da393f55433c26f7920b465eabe},
 * {@code optimizers.DADAO_optimizer}; the equations below are the code's):
 * <pre>
 *   ν = μ/2,  α = ¼√(ν/L),  α̃ = ⅛√(ν/L),  η = η̃ = ⅛√(ν/L),  θ = ½√(L/ν)
 *   ODE on (x, x̃, y, ỹ, z, z̃) of each node:
 *     dx = η(x̃ − x),  dx̃ = η̃(x − x̃),  dy = α(ỹ − y),  dỹ = −θν x̃ − θ y − θ z,
 *     dz = α(z̃ − z),  dz̃ = α̃(z − z̃)          (integrated exactly: exp(MΔt))
 *   gradient event at node i, with r = ∇f_i(x_i) − ν x_i − ỹ_i (after the ODE):
 *     x_i ← x_i − γ r,   x̃_i ← x̃_i − γ̃ r,   ỹ_i ← ỹ_i + (δ + δ̃) r
 *     γ = 1/(4L),  γ̃ = 1/(4√(Lν)),  δ = ¼√(ν/L),  δ̃ = 1
 *   gossip event on edge (i, j), with p = (y_i + z_i) − (y_j + z_j):
 *     z_i ← z_i − β p,  z_j ← z_j + β p,  z̃_i ← z̃_i − β̃ p,  z̃_j ← z̃_j + β̃ p
 *     β = ½,  β̃ = 2χ₁*√(L/ν),  χ₁* = χ₁/λ_mix
 * </pre>
 * Defaults, the code's: λ_grad = n, λ_mix = √(2χ₁χ₂) ({@link GossipGraph}); x starts at the initial
 * model on every node (the code draws one random start per node; one shared start is the choice here),
 * the other five variables at 0. A gossip moves z and z̃ by opposite amounts on its two ends, and the ODE
 * of (z, z̃) involves nothing else, so Σ_i z_i = Σ_i z̃_i = 0 whenever every node is brought to the same time
 * ({@link #advanceAll}; each node otherwise stays at the time of its last event, as in the code)
 * ({@code DadaoTest}).
 */
public final class Dadao {
    /** One event of the two merged Poisson processes: a gradient at {@code node}, or a gossip on (node, other). */
    public record Event(double time, boolean gradient, int node, int other) {}

    /** The gradient of node i's f_i at a point. */
    @FunctionalInterface
    public interface LocalGradient {
        /** Writes ∇f_node(x) into {@code out}. */
        void gradient(int node, double[] x, double[] out);
    }

    private static final int X = 0, XT = 1, Y = 2, YT = 3, Z = 4, ZT = 5;

    private final int nodes;
    private final int dim;
    private final double nu;
    private final double gamma, gammaTilde, deltaSum, beta, betaTilde;
    /** The 6×6 ODE matrix M, row-major, rows and columns in the order x, x̃, y, ỹ, z, z̃. */
    private final double[] ode = new double[36];
    /** state[v][node][coordinate], v one of X … ZT. */
    private final double[][][] state;
    private final double[] lastEvent;
    private final double[] grad;

    /**
     * @param start    the initial x, copied to every node
     * @param nodes    n ≥ 2
     * @param mu       strong convexity μ > 0
     * @param smooth   smoothness L ≥ μ
     * @param chi1Star χ₁* = χ₁/λ_mix > 0
     */
    public Dadao(float[] start, int nodes, double mu, double smooth, double chi1Star) {
        if (nodes < 2) throw new IllegalArgumentException("DADAO needs at least 2 nodes, got " + nodes);
        if (!(mu > 0)) throw new IllegalArgumentException("dadao_mu must be > 0, got " + mu);
        if (!(smooth >= mu)) throw new IllegalArgumentException("dadao_l must be >= dadao_mu (" + mu + "), got " + smooth);
        if (!(chi1Star > 0)) throw new IllegalArgumentException("chi_1* must be > 0, got " + chi1Star);
        this.nodes = nodes;
        this.dim = start.length;
        this.nu = mu / 2;
        double root = Math.sqrt(nu / smooth);
        double alpha = root / 4, alphaTilde = root / 8, eta = root / 8, etaTilde = eta, theta = 0.5 / root;
        this.gamma = 1 / (4 * smooth);
        this.gammaTilde = 1 / (4 * Math.sqrt(smooth * nu));
        this.deltaSum = root / 4 + 1;
        this.beta = 0.5;
        this.betaTilde = 2 * chi1Star / root;
        set(X, X, -eta); set(X, XT, eta);
        set(XT, X, etaTilde); set(XT, XT, -etaTilde);
        set(Y, Y, -alpha); set(Y, YT, alpha);
        set(YT, XT, -theta * nu); set(YT, Y, -theta); set(YT, Z, -theta);
        set(Z, Z, -alpha); set(Z, ZT, alpha);
        set(ZT, Z, alphaTilde); set(ZT, ZT, -alphaTilde);
        this.state = new double[6][nodes][dim];
        for (int i = 0; i < nodes; i++) for (int k = 0; k < dim; k++) state[X][i][k] = start[k];
        this.lastEvent = new double[nodes];
        this.grad = new double[dim];
    }

    private void set(int row, int col, double v) { ode[row * 6 + col] = v; }

    /** Node i's variables follow the ODE from its last event to time t. */
    void advance(int i, double t) {
        double dt = t - lastEvent[i];
        if (dt < 0) throw new IllegalArgumentException("event at " + t + " before node " + i + "'s last event " + lastEvent[i]);
        if (dt > 0) {
            double[] e = expm(ode, dt);
            double[] v = new double[6];
            for (int k = 0; k < dim; k++) {
                for (int a = 0; a < 6; a++) v[a] = state[a][i][k];
                for (int a = 0; a < 6; a++) {
                    double s = 0;
                    for (int b = 0; b < 6; b++) s += e[a * 6 + b] * v[b];
                    state[a][i][k] = s;
                }
            }
        }
        lastEvent[i] = t;
    }

    /** A gradient event at node i and time t: the ODE up to t, then the jump along r = ∇f_i(x_i) − νx_i − ỹ_i. */
    public void gradientEvent(int i, double t, LocalGradient f) {
        advance(i, t);
        double[] x = state[X][i], xt = state[XT][i], yt = state[YT][i];
        f.gradient(i, x, grad);
        for (int k = 0; k < dim; k++) {
            double r = grad[k] - nu * x[k] - yt[k];
            x[k] -= gamma * r;
            xt[k] -= gammaTilde * r;
            yt[k] += deltaSum * r;
        }
    }

    /** A gossip event on edge (i, j) at time t: both ends follow the ODE up to t, then exchange y + z. */
    public void gossipEvent(int i, int j, double t) {
        advance(i, t);
        advance(j, t);
        double[] yi = state[Y][i], zi = state[Z][i], zti = state[ZT][i];
        double[] yj = state[Y][j], zj = state[Z][j], ztj = state[ZT][j];
        for (int k = 0; k < dim; k++) {
            double p = (yi[k] + zi[k]) - (yj[k] + zj[k]);
            zi[k] -= beta * p;
            zj[k] += beta * p;
            zti[k] -= betaTilde * p;
            ztj[k] += betaTilde * p;
        }
    }

    /** Brings every node's variables to time t (exact: the ODE's flow composes, so later events see the same state). */
    public void advanceAll(double t) {
        for (int i = 0; i < nodes; i++) advance(i, t);
    }

    /** Plays one event. */
    public void play(Event e, LocalGradient f) {
        if (e.gradient()) gradientEvent(e.node(), e.time(), f);
        else gossipEvent(e.node(), e.other(), e.time());
    }

    /** The nodes' average of x (the consensus the run reports), in {@code out}. */
    public void averageX(float[] out) {
        for (int k = 0; k < dim; k++) {
            double s = 0;
            for (int i = 0; i < nodes; i++) s += state[X][i][k];
            out[k] = (float) (s / nodes);
        }
    }

    /** Node i's x (a view). */
    public double[] x(int i) { return state[X][i]; }

    /** Node i's z (a view). */
    double[] z(int i) { return state[Z][i]; }

    /** Node i's z̃ (a view). */
    double[] zTilde(int i) { return state[ZT][i]; }

    /** Node i's y (a view). */
    double[] y(int i) { return state[Y][i]; }

    /**
     * The events in [from, to) of two independent Poisson processes: gradients at rate {@code gradRate}
     * (each at a uniform node) and gossips at rate {@code mixRate} (each on a uniform edge), merged in time
     * order; exponential waiting times −ln(1 − u)/rate as in the code's
     * {@code create_asynchronous_jump_processes}, the uniforms from {@code draws} (its derived streams 0–3).
     */
    public static List<Event> poissonEvents(Philox draws, double from, double to, int nodes, double gradRate, int[][] edges, double mixRate) {
        if (!(gradRate > 0) || !(mixRate > 0)) throw new IllegalArgumentException("Poisson rates must be > 0");
        List<Event> grads = new ArrayList<>();
        Philox gapG = draws.derive(0), pickG = draws.derive(1), gapM = draws.derive(2), pickM = draws.derive(3);
        long c = 0;
        for (double t = from + exponential(gapG, c, gradRate); t < to; t += exponential(gapG, ++c, gradRate)) {
            grads.add(new Event(t, true, pickG.nextInt(c, nodes), -1));
        }
        List<Event> mixes = new ArrayList<>();
        c = 0;
        for (double t = from + exponential(gapM, c, mixRate); t < to; t += exponential(gapM, ++c, mixRate)) {
            int[] e = edges[pickM.nextInt(c, edges.length)];
            mixes.add(new Event(t, false, e[0], e[1]));
        }
        List<Event> all = new ArrayList<>(grads.size() + mixes.size());
        int a = 0, b = 0;
        while (a < grads.size() || b < mixes.size()) {
            if (b == mixes.size() || (a < grads.size() && grads.get(a).time() <= mixes.get(b).time())) all.add(grads.get(a++));
            else all.add(mixes.get(b++));
        }
        return all;
    }

    private static double exponential(Philox s, long i, double rate) {
        return -Math.log(1.0 - s.uniform(i)) / rate;
    }

    /**
     * exp(M t) of a 6×6 matrix by scaling and squaring: M t/2^s has norm ≤ ½, its Taylor series to 20 terms
     * (truncation below 1e-25), then s squarings.
     */
    static double[] expm(double[] m, double t) {
        double norm = 0;
        for (int r = 0; r < 6; r++) {
            double row = 0;
            for (int c = 0; c < 6; c++) row += Math.abs(m[r * 6 + c] * t);
            norm = Math.max(norm, row);
        }
        int s = norm > 0.5 ? (int) Math.ceil(Math.log(norm / 0.5) / Math.log(2)) : 0;
        double scale = t / Math.pow(2, s);
        double[] a = new double[36];
        for (int i = 0; i < 36; i++) a[i] = m[i] * scale;
        double[] result = new double[36];
        double[] term = new double[36];
        for (int i = 0; i < 6; i++) { result[i * 7] = 1; term[i * 7] = 1; }
        for (int k = 1; k <= 20; k++) {
            term = multiply(term, a);
            for (int i = 0; i < 36; i++) term[i] /= k;
            for (int i = 0; i < 36; i++) result[i] += term[i];
        }
        for (int i = 0; i < s; i++) result = multiply(result, result);
        return result;
    }

    private static double[] multiply(double[] p, double[] q) {
        double[] out = new double[36];
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 6; c++) {
                double v = 0;
                for (int k = 0; k < 6; k++) v += p[r * 6 + k] * q[k * 6 + c];
                out[r * 6 + c] = v;
            }
        }
        return out;
    }
}
