package dev.descent.merge;

import java.util.List;

/**
 * PCB-Merging (Du et al., "Parameter Competition Balancing for Model Merging", NeurIPS 2024) as mergekit
 * computes it ({@code mergekit/merge_methods/pcb.py}, arcee-ai/mergekit at
 * {@code 9577efc9d605a207cb5e2fcda5a81f3526e8a876}), per tensor, on the N flattened task vectors δ_i:
 *
 * <ul>
 *   <li>intra-balancing {@code b_intra,i = softmax(N · normalize(δ_i ⊙ δ_i))};
 *   <li>inter-balancing {@code b_inter,i = Σ_j softmax(normalize(δ_i ⊙ δ_j))};
 *   <li>{@code b_i = b_intra,i ⊙ b_inter,i}; keep the {@code k = int(density·n)} largest entries of each
 *       b_i ({@code b̂_i}), zero the rest;
 *   <li>{@code τ̄ = Σ_i δ_i ⊙ b̂_i / Σ_{i,e} b̂_i[e]} — note the divisor is the sum over <em>all</em> models
 *       and entries, as mergekit has it, not per entry; result {@code θ_base + weight·τ̄}.
 * </ul>
 *
 * <p>{@code normalize(x) = x / max(‖x‖₂, 1e-12)} and the softmax run over the entries of one model (torch's
 * {@code F.normalize} and {@code softmax(dim=1)}). Ties in b are ranked by index, higher index first
 * ({@code topk} leaves them open). Computed in float64; the method couples all task vectors of a tensor,
 * so they are held together.
 */
public final class Pcb {
    private Pcb() {}

    /** The merged task vector τ̄ (before {@code weight}) of the flattened task vectors {@code deltas}. */
    public static double[] merge(List<double[]> deltas, double density) {
        int models = deltas.size();
        int n = deltas.get(0).length;
        int k = (int) (n * density);
        if (k <= 0) throw new IllegalArgumentException("pcb density " + density + " keeps no entry of a tensor of " + n + " elements");
        double[][] bHat = new double[models][];
        double[] prod = new double[n];
        double total = 0;
        for (int i = 0; i < models; i++) {
            double[] di = deltas.get(i);
            for (int e = 0; e < n; e++) prod[e] = di[e] * di[e];
            double[] intra = softmax(normalized(prod), models);
            double[] inter = new double[n];
            for (int j = 0; j < models; j++) {
                double[] dj = deltas.get(j);
                for (int e = 0; e < n; e++) prod[e] = di[e] * dj[e];
                double[] s = softmax(normalized(prod), 1);
                for (int e = 0; e < n; e++) inter[e] += s[e];
            }
            double[] bd = new double[n];
            for (int e = 0; e < n; e++) {
                bd[e] = intra[e] * inter[e];
            }
            keepTopK(bd, k);
            bHat[i] = bd;
            for (double x : bd) total += x;
        }
        double[] merged = new double[n];
        for (int i = 0; i < models; i++) {
            double[] di = deltas.get(i);
            for (int e = 0; e < n; e++) merged[e] += di[e] * (bHat[i][e] / total);
        }
        return merged;
    }

    /** Zeroes all but the k largest entries of non-negative {@code b}; among equal values the higher index is kept. */
    static void keepTopK(double[] b, int k) {
        Integer[] order = new Integer[b.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> {
            int c = Double.compare(b[x], b[y]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        for (int r = 0; r < b.length - k; r++) b[order[r]] = 0;
    }

    private static double[] normalized(double[] x) {
        double s = 0;
        for (double v : x) s += v * v;
        double norm = Math.max(Math.sqrt(s), 1e-12);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i] / norm;
        return r;
    }

    /** softmax(scale · x) over all entries. */
    private static double[] softmax(double[] x, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) max = Math.max(max, scale * v);
        double sum = 0;
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = Math.exp(scale * x[i] - max);
            sum += r[i];
        }
        for (int i = 0; i < x.length; i++) r[i] /= sum;
        return r;
    }
}
