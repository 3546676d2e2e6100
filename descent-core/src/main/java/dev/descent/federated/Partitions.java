package dev.descent.federated;

import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a dataset's rows are dealt to simulated clients. Each method returns, per client, the row
 * indices it holds; every row goes to exactly one client. All randomness comes from Philox streams
 * keyed by the seed and the partitioner's name, so a partition is reproducible on every machine.
 * <ul>
 *   <li>{@link #iid}: a seeded permutation cut into contiguous parts whose sizes differ by at most
 *       one (the first {@code n mod K} parts get the extra row), as Flower's {@code IidPartitioner}
 *       shards a shuffled dataset;</li>
 *   <li>{@link #dirichlet}: Flower's {@code DirichletPartitioner} (flwr_datasets, adap/flower commit
 *       fdef7afb1dca3030553be302366cfd285ed6632c, {@code self_balancing=False}, {@code shuffle=True}):
 *       for each class k in ascending order, proportions p ~ Dir(α·1_K) over the K clients; the class's
 *       rows, in dataset order, are cut at {@code ⌊cumsum(p)·n_k⌋} and piece j goes to client j; if
 *       the smallest client holds fewer than {@code minPartitionSize} rows the whole draw is repeated,
 *       at most 10 times, then it fails as Flower does; finally each client's rows are shuffled;</li>
 *   <li>{@link #shards}: McMahan et al. (2017)'s pathological non-IID split: rows sorted by label
 *       (stably), cut into {@code K·shardsPerClient} equal shards (the last shard takes the remainder),
 *       and each client gets {@code shardsPerClient} shards chosen by a seeded permutation.</li>
 * </ul>
 */
public final class Partitions {
    private Partitions() {}

    /** Flower's number of Dirichlet draws after the first before it gives up. */
    public static final int MAX_DIRICHLET_RETRIES = 10;

    /** IID: a seeded shuffle dealt into contiguous parts of near-equal size. */
    public static int[][] iid(int rows, int clients, long seed) {
        checkClients(rows, clients);
        int[] p = Philox.stream(seed, "partition/iid").permutation(rows);
        int[][] out = new int[clients][];
        int base = rows / clients;
        int extra = rows % clients;
        int at = 0;
        for (int c = 0; c < clients; c++) {
            int size = base + (c < extra ? 1 : 0);
            out[c] = Arrays.copyOfRange(p, at, at + size);
            at += size;
        }
        return out;
    }

    /** Flower's Dirichlet partitioner with concentration α for every client (see the class comment). */
    public static int[][] dirichlet(int[] labels, int classes, int clients, double alpha, int minPartitionSize, long seed) {
        checkClients(labels.length, clients);
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("alpha must be > 0, got " + alpha);
        if (minPartitionSize < 0) throw new IllegalArgumentException("min_partition_size must be >= 0, got " + minPartitionSize);
        Philox stream = Philox.stream(seed, "partition/dirichlet");
        for (int attempt = 0; ; attempt++) {
            Draws draws = new Draws(stream.derive(attempt));
            List<List<Integer>> parts = new ArrayList<>();
            for (int c = 0; c < clients; c++) parts.add(new ArrayList<>());
            for (int k = 0; k < classes; k++) {
                List<Integer> rowsOfK = new ArrayList<>();
                for (int i = 0; i < labels.length; i++) if (labels[i] == k) rowsOfK.add(i);
                if (rowsOfK.isEmpty()) continue; // Flower iterates over the classes present only
                double[] p = draws.dirichlet(alpha, clients);
                double cumulative = 0;
                int start = 0;
                for (int c = 0; c < clients; c++) {
                    cumulative += p[c];
                    int end = c == clients - 1 ? rowsOfK.size() : Math.min(rowsOfK.size(), (int) (cumulative * rowsOfK.size()));
                    end = Math.max(end, start);
                    parts.get(c).addAll(rowsOfK.subList(start, end));
                    start = end;
                }
            }
            int smallest = parts.stream().mapToInt(List::size).min().orElse(0);
            if (smallest >= minPartitionSize) {
                int[][] out = new int[clients][];
                for (int c = 0; c < clients; c++) {
                    int[] rows = parts.get(c).stream().mapToInt(Integer::intValue).toArray();
                    int[] perm = stream.derive(1_000_000L + c).permutation(rows.length);
                    out[c] = new int[rows.length];
                    for (int i = 0; i < rows.length; i++) out[c][i] = rows[perm[i]];
                }
                return out;
            }
            if (attempt == MAX_DIRICHLET_RETRIES) {
                throw new IllegalArgumentException("dirichlet partition: no draw in " + (MAX_DIRICHLET_RETRIES + 1) + " gave every one of "
                        + clients + " clients at least min_partition_size=" + minPartitionSize + " rows at alpha=" + alpha
                        + "; raise alpha, lower the number of clients or min_partition_size");
            }
        }
    }

    /** McMahan's sort-and-shard split: {@code shardsPerClient} label-sorted shards per client. */
    public static int[][] shards(int[] labels, int clients, int shardsPerClient, long seed) {
        checkClients(labels.length, clients);
        if (shardsPerClient < 1) throw new IllegalArgumentException("shards_per_client must be >= 1, got " + shardsPerClient);
        int shardCount = clients * shardsPerClient;
        if (shardCount > labels.length) throw new IllegalArgumentException(shardCount + " shards need at least as many rows, have " + labels.length);
        Integer[] order = new Integer[labels.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(labels[a], labels[b])); // stable: ties keep dataset order
        int shardSize = labels.length / shardCount;
        int[] shardOrder = Philox.stream(seed, "partition/shards").permutation(shardCount);
        int[][] out = new int[clients][];
        for (int c = 0; c < clients; c++) {
            List<Integer> rows = new ArrayList<>();
            for (int s = 0; s < shardsPerClient; s++) {
                int shard = shardOrder[c * shardsPerClient + s];
                int from = shard * shardSize;
                int to = shard == shardCount - 1 ? labels.length : from + shardSize;
                for (int i = from; i < to; i++) rows.add(order[i]);
            }
            out[c] = rows.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    private static void checkClients(int rows, int clients) {
        if (clients < 1) throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        if (clients > rows) throw new IllegalArgumentException(clients + " clients for " + rows + " rows: every client needs data; lower the number of clients");
    }

    /** Sequential draws from one Philox stream: uniforms, normals, Gamma and Dirichlet variates. */
    static final class Draws {
        private final Philox stream;
        private long next;

        Draws(Philox stream) { this.stream = stream; }

        double uniform() {
            double u;
            do {
                u = stream.uniform(next++);
            } while (u <= 0); // open at 0 for the logarithms below
            return u;
        }

        double normal() { return stream.gaussian(next++); }

        /**
         * Gamma(shape, 1) by Marsaglia and Tsang (2000); for shape < 1, Gamma(shape + 1)·U^{1/shape}
         * (their boosting note), as NumPy's legacy and Generator samplers do.
         */
        double gamma(double shape) {
            if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1 / shape);
            double d = shape - 1.0 / 3;
            double c = 1 / Math.sqrt(9 * d);
            while (true) {
                double x;
                double v;
                do {
                    x = normal();
                    v = 1 + c * x;
                } while (v <= 0);
                v = v * v * v;
                double u = uniform();
                if (u < 1 - 0.0331 * x * x * x * x) return d * v;
                if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
            }
        }

        /** Dir(α·1_K): K Gamma(α) variates divided by their sum (a zero sum puts all mass on one draw). */
        double[] dirichlet(double alpha, int k) {
            double[] g = new double[k];
            double sum = 0;
            for (int i = 0; i < k; i++) {
                g[i] = gamma(alpha);
                sum += g[i];
            }
            if (sum == 0) {
                g[(int) Math.min(k - 1, Math.floor(uniform() * k))] = 1;
                return g;
            }
            for (int i = 0; i < k; i++) g[i] /= sum;
            return g;
        }
    }
}
