package dev.descent.federated;

import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.List;

/**
 * Ferret (Shao et al., "Ferret: Federated Full-Parameter Tuning at Scale for Large Language Models",
 * arXiv:2409.06277; seed paper), as its authors' code computes it (allen4747/Ferret commit
 * 06cce91f856c00af1d1cd1321ca46a4c64735fab, {@code optimizers/ferret_optimizer.py}, {@code client.py},
 * {@code server.py}, {@code main.py}): clients train with first-order SGD, then send only scalar
 * coordinates of their update along random directions that every party regenerates from K shared
 * seeds; the server rebuilds a full-parameter update from seeds and scalars.
 * <ul>
 *   <li><b>Groups</b>: the parameters, in model order, are packed greedily into groups: a parameter
 *       starts a new group when adding it would exceed {@code ⌊0.9·median(sizes)⌋} elements and the
 *       current group is not empty.</li>
 *   <li><b>Directions</b>: seed s gives, for a group of d elements, the vector b of the first d draws
 *       of a standard normal truncated to [−1/√d, 1/√d] (every group of the same seed uses the same
 *       prefix, as {@code torch.manual_seed(seed)} before each group does). Our draws come from the
 *       Philox stream (run seed, "ferret") derived by s, by rejection from the uniform on the
 *       interval (exact for the truncated normal); PyTorch's {@code trunc_normal_} draws differ.</li>
 *   <li><b>Client projection</b> of its update Δ = w_start − w_end, per group g:
 *       {@code n_g = max(⌊‖Δ_g‖/max_h ‖Δ_h‖ · K⌋, 2)} seeds chosen without replacement (stream of the
 *       client and round), {@code c[s][g] = ⟨Δ_g, b_{s,g}⟩ · d_g/n_g} for the chosen s, 0 otherwise.</li>
 *   <li><b>Server</b>: {@code pool ← momentum·pool + Σ_k ω_k c_k} with ω_k ∝ the client's number of
 *       batches ⌈n_k/B⌉ (the code's {@code len(train_loader)}); then for every seed s and group g,
 *       u = b_{s,g}·pool[s][g], clipped to L2 norm 10, and {@code w_g ← w_g − slr·u}; the server
 *       learning rate anneals linearly, {@code slr = slr_max − (slr_max − slr_min)·(r − 1)/R}.</li>
 * </ul>
 * Defaults are the code's: K = 4096, momentum 0.9, slr_max 10, slr_min 0 (chosen there for LLMs with
 * client learning rate 1e-3).
 */
public final class Ferret {
    /** The code's clipping norm of each rebuilt (seed, group) update. */
    public static final double MAX_NORM = 10;

    private final int seeds;
    private final double momentum;
    private final Philox directions;
    private final int[] groupStart;
    private final int[] groupSize;
    private final double[][] pool;
    private final float[][][] cache;

    /**
     * @param parameterSizes element counts of the trainable parameters, in flat-buffer order
     * @param seeds          K, the number of shared seeds
     * @param momentum       decay of the server's seed pool
     * @param runSeed        keys the shared directions
     */
    public Ferret(int[] parameterSizes, int seeds, double momentum, long runSeed) {
        if (seeds < 2) throw new IllegalArgumentException("ferret_k must be >= 2, got " + seeds);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("ferret_momentum must be in [0, 1), got " + momentum);
        this.seeds = seeds;
        this.momentum = momentum;
        this.directions = Philox.stream(runSeed, "ferret");
        List<int[]> groups = groups(parameterSizes);
        groupStart = new int[groups.size()];
        groupSize = new int[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            groupStart[g] = groups.get(g)[0];
            groupSize[g] = groups.get(g)[1];
        }
        pool = new double[seeds][groups.size()];
        cache = new float[seeds][groups.size()][];
    }

    /** The groups as {start, size} over the flat buffer (the code's {@code _group_parameters}). */
    static List<int[]> groups(int[] sizes) {
        int[] sorted = sizes.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0; // np.median
        int target = (int) (0.9 * median);
        List<int[]> out = new ArrayList<>();
        int start = 0;
        int current = 0;
        int offset = 0;
        for (int size : sizes) {
            if (current + size > target && current > 0) {
                out.add(new int[] {start, current});
                start = offset;
                current = 0;
            }
            current += size;
            offset += size;
        }
        if (current > 0) out.add(new int[] {start, current});
        return out;
    }

    /** Number of groups. */
    public int groupCount() { return groupSize.length; }

    /**
     * The direction of seed s for group g: truncated N(0, 1) on [−1/√d, 1/√d], made once and kept
     * (K·Σd floats: the price of regenerating nothing; the code regenerates instead).
     */
    float[] direction(int s, int g) {
        float[] cached = cache[s][g];
        if (cached != null) return cached;
        int d = groupSize[g];
        Philox stream = directions.derive(s);
        double a = 1 / Math.sqrt(d);
        float[] b = new float[d];
        float[] u = new float[2 * d + 64];
        long drawn = 0;
        int at = u.length;
        for (int i = 0; i < d; ) {
            if (at + 2 > u.length) {
                stream.fillUniform(u, 0, u.length, drawn);
                drawn += u.length;
                at = 0;
            }
            double x = a * (2.0 * u[at] - 1);
            double accept = u[at + 1];
            at += 2;
            if (accept < Math.exp(-0.5 * x * x)) b[i++] = (float) x;
        }
        cache[s][g] = b;
        return b;
    }

    /**
     * A client's coordinates {@code c[s][g]} of its update Δ = start − end (the code's
     * {@code project_update}); {@code choice} picks the seeds.
     */
    public double[][] project(float[] start, float[] end, Philox choice) {
        int groups = groupCount();
        double[] norms = new double[groups];
        double maxNorm = 1e-8;
        for (int g = 0; g < groups; g++) {
            double s = 0;
            for (int i = groupStart[g]; i < groupStart[g] + groupSize[g]; i++) {
                double d = (double) start[i] - end[i];
                s += d * d;
            }
            norms[g] = Math.sqrt(s);
            if (!Double.isNaN(norms[g]) && norms[g] > maxNorm) maxNorm = norms[g];
        }
        double[][] c = new double[seeds][groups];
        for (int g = 0; g < groups; g++) {
            int d = groupSize[g];
            int chosen = Double.isNaN(norms[g]) ? 2 : Math.max((int) (norms[g] / maxNorm * seeds), 2);
            chosen = Math.min(chosen, seeds);
            int[] perm = choice.derive(g).permutation(seeds);
            for (int k = 0; k < chosen; k++) {
                int s = perm[k];
                float[] b = direction(s, g);
                double dot = 0;
                for (int i = 0; i < d; i++) dot += ((double) start[groupStart[g] + i] - end[groupStart[g] + i]) * b[i];
                c[s][g] = dot;
            }
            for (int s = 0; s < seeds; s++) c[s][g] *= (double) d / chosen;
        }
        return c;
    }

    /**
     * The server step: decay the pool, add the weighted coordinates (weights sum to 1, clients in
     * id order), then rebuild and apply every seed's update to {@code global} with learning rate slr.
     */
    public void serverStep(float[] global, List<double[][]> coordinates, double[] weights, double slr) {
        for (double[] row : pool) for (int g = 0; g < row.length; g++) row[g] *= momentum;
        for (int k = 0; k < coordinates.size(); k++) {
            double[][] c = coordinates.get(k);
            for (int s = 0; s < seeds; s++) for (int g = 0; g < groupCount(); g++) pool[s][g] += c[s][g] * weights[k];
        }
        for (int s = 0; s < seeds; s++) {
            for (int g = 0; g < groupCount(); g++) {
                if (pool[s][g] == 0) continue; // a zero update changes nothing
                int d = groupSize[g];
                float[] b = direction(s, g);
                double p = pool[s][g];
                double norm = 0;
                for (int i = 0; i < d; i++) norm += (b[i] * p) * (b[i] * p);
                norm = Math.sqrt(norm);
                if (!Double.isFinite(norm)) continue;
                double clip = MAX_NORM / (norm + 1e-8);
                double scale = clip < 1 ? clip : 1;
                for (int i = 0; i < d; i++) global[groupStart[g] + i] -= (float) (slr * b[i] * p * scale);
            }
        }
    }

    /** The code's linear annealing of the server learning rate for round r of R (1-based). */
    public static double serverLearningRate(int round, int rounds, double max, double min) {
        return min + (max - min) * (1 - (double) (round - 1) / rounds);
    }
}
