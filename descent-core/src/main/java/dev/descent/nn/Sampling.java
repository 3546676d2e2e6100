package dev.descent.nn;

import java.util.Arrays;

/**
 * Temperature, top-k and top-p sampling from a row of logits (nanoGPT's {@code generate} step, with
 * Hugging Face's nucleus filter added).
 */
public final class Sampling {
    private Sampling() {}

    /** The token drawn by inverse CDF with uniform {@code u} in [0, 1). Ties at the k-th logit are kept. */
    public static int sample(float[] logits, float temperature, int topK, float u) {
        int v = logits.length;
        double[] scaled = new double[v];
        double total = topKWeights(logits, temperature, topK, scaled);
        double target = u * total;
        double acc = 0;
        int lastNonZero = 0;
        for (int i = 0; i < v; i++) {
            if (scaled[i] > 0) lastNonZero = i;
            acc += scaled[i];
            if (target < acc) return i;
        }
        return lastNonZero;
    }

    /**
     * Fills {@code weights} with exp(l_i/T − max) for the {@code topK} largest scaled logits (topK ≤ 0 or
     * ≥ the vocabulary: all; ties at the k-th value kept) and 0 for the rest; returns their sum.
     */
    private static double topKWeights(float[] logits, float temperature, int topK, double[] weights) {
        int v = logits.length;
        for (int i = 0; i < v; i++) weights[i] = logits[i] / (double) temperature;
        if (topK > 0 && topK < v) {
            double[] sorted = weights.clone();
            Arrays.sort(sorted);
            double kth = sorted[v - topK];
            for (int i = 0; i < v; i++) if (weights[i] < kth) weights[i] = Double.NEGATIVE_INFINITY;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double w : weights) max = Math.max(max, w);
        double total = 0;
        for (int i = 0; i < v; i++) {
            weights[i] = StrictMath.exp(weights[i] - max);
            total += weights[i];
        }
        return total;
    }

    /**
     * The token drawn with uniform {@code u} in [0, 1) from {@code logits} divided by
     * {@code temperature}, restricted to the {@code topK} largest (topK ≤ 0: all; ties at the k-th
     * value kept) and then to the nucleus of mass {@code topP}; temperature 0 means greedy
     * ({@link #argmax}, u unused). The filters apply in Hugging Face's order (temperature, top-k,
     * top-p). With {@code topP = 1} this is exactly {@link #sample(float[], float, int, float)}.
     *
     * <p>Nucleus (as {@code transformers}' {@code TopPLogitsWarper} with {@code min_tokens_to_keep = 1}):
     * with the remaining tokens sorted by probability π (descending; ties by lower index first), keep
     * the shortest prefix whose cumulative probability is ≥ p, always at least the most likely token.
     * (HF removes the tokens of the ascending cumulative sum ≤ 1 − p, the same set up to ties and the
     * rounding of the two sums.) The draw is then the inverse CDF, in vocabulary order, of the kept
     * probabilities renormalised.
     */
    public static int sample(float[] logits, float temperature, int topK, float topP, float u) {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        if (temperature == 0) return argmax(logits);
        if (topP == 1f) return sample(logits, temperature, topK, u);
        int v = logits.length;
        double[] scaled = new double[v];
        double total = topKWeights(logits, temperature, topK, scaled);
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        final double[] w = scaled;
        Arrays.sort(order, (a, b) -> w[a] != w[b] ? Double.compare(w[b], w[a]) : Integer.compare(a, b));
        boolean[] keep = new boolean[v];
        double cumulative = 0;
        double kept = 0;
        for (int rank = 0; rank < v; rank++) {
            int i = order[rank];
            if (w[i] == 0) break;
            keep[i] = true;
            kept += w[i];
            cumulative += w[i] / total;
            if (cumulative >= topP) break;
        }
        double target = u * kept;
        double acc = 0;
        int lastKept = order[0];
        for (int i = 0; i < v; i++) {
            if (!keep[i]) continue;
            lastKept = i;
            acc += w[i];
            if (target < acc) return i;
        }
        return lastKept;
    }

    /** The index of the largest logit (the first one on ties), as {@code torch.argmax}. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** log softmax(logits)[token], computed in double. */
    public static double logProb(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) max = Math.max(max, z);
        double total = 0;
        for (float z : logits) total += StrictMath.exp(z - max);
        return logits[token] - max - StrictMath.log(total);
    }
}
