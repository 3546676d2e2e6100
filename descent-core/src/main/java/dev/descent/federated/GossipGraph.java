package dev.descent.federated;

import dev.descent.linalg.SymmetricEigen;
import java.util.ArrayList;
import java.util.List;

/**
 * A connected undirected communication graph on n nodes and the spectral constants DADAO's rates are
 * set from ({@link Dadao}), computed as its authors' code does (AdelNabli/DADAO commit
 * {@code eed1ed1b21a66da393f55433c26f7920b465eabe}, {@code utils.compute_spectral_quantities}) for
 * edges sampled uniformly:
 * <pre>
 *   L_norm = L / |E|                         (L the graph Laplacian)
 *   χ₁ = 1 / λ₂(L_norm)                      (inverse smallest positive eigenvalue)
 *   χ₂ = max_{(i,j)∈E} ½ (e_i − e_j)ᵀ L_norm⁺ (e_i − e_j)   (the largest edge resistance)
 * </pre>
 * and the gossip rate λ_mix = √(2 χ₁ χ₂) of the code's {@code main.py}. Graphs: {@code complete} (the
 * code's default) and {@code ring}.
 */
public final class GossipGraph {
    /** Graph kinds. */
    public static final List<String> KINDS = List.of("complete", "ring");

    private final int nodes;
    private final int[][] edges;
    private final double chi1;
    private final double chi2;

    private GossipGraph(int nodes, int[][] edges) {
        this.nodes = nodes;
        this.edges = edges;
        int n = nodes;
        double[] lap = new double[n * n];
        for (int[] e : edges) {
            double w = 1.0 / edges.length;
            lap[e[0] * n + e[0]] += w;
            lap[e[1] * n + e[1]] += w;
            lap[e[0] * n + e[1]] -= w;
            lap[e[1] * n + e[0]] -= w;
        }
        SymmetricEigen eig = SymmetricEigen.of(lap, n);
        double lambda2 = eig.values()[1];
        if (!(lambda2 > 1e-12)) throw new IllegalArgumentException("the gossip graph is not connected");
        this.chi1 = 1 / lambda2;
        // L⁺ = Σ_{λ_k > 0} q_k q_kᵀ / λ_k; the resistance of edge (i, j) is ½ Σ_k (q_k[i] − q_k[j])² / λ_k
        double worst = 0;
        for (int[] e : edges) {
            double r = 0;
            for (int k = 1; k < n; k++) {
                double diff = eig.vectors()[e[0] * n + k] - eig.vectors()[e[1] * n + k];
                r += diff * diff / eig.values()[k];
            }
            worst = Math.max(worst, 0.5 * r);
        }
        this.chi2 = worst;
    }

    /** The graph of a kind on n ≥ 2 nodes. */
    public static GossipGraph of(String kind, int nodes) {
        if (nodes < 2) throw new IllegalArgumentException("a gossip graph needs at least 2 nodes, got " + nodes);
        List<int[]> e = new ArrayList<>();
        switch (kind) {
            case "complete" -> {
                for (int i = 0; i < nodes; i++) for (int j = i + 1; j < nodes; j++) e.add(new int[] {i, j});
            }
            case "ring" -> {
                for (int i = 0; i < nodes; i++) {
                    int j = (i + 1) % nodes;
                    if (nodes == 2 && i == 1) break; // two nodes: one edge
                    e.add(new int[] {Math.min(i, j), Math.max(i, j)});
                }
            }
            default -> throw new IllegalArgumentException("unknown dadao_graph '" + kind + "'; allowed: " + KINDS);
        }
        return new GossipGraph(nodes, e.toArray(int[][]::new));
    }

    public int nodes() { return nodes; }

    /** The edges (i < j), in a fixed order. */
    public int[][] edges() { return edges; }

    /** χ₁ = 1/λ₂(L/|E|). */
    public double chi1() { return chi1; }

    /** χ₂, the largest edge resistance under L/|E|. */
    public double chi2() { return chi2; }

    /** The gossip rate λ_mix = √(2 χ₁ χ₂). */
    public double gossipRate() { return Math.sqrt(2 * chi1 * chi2); }
}
