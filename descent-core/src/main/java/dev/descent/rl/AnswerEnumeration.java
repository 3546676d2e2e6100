package dev.descent.rl;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.nn.Gpt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The exact distribution of a policy's completions of one prompt when the answer space is small:
 * every string of at most L characters followed by the stop token, plus every string of L + 1
 * characters without it (what sampling with {@code max_new_tokens = L + 1} returns when the stop never
 * comes). With c non-stop characters these are Σ_{ℓ≤L} c^ℓ + c^{L+1} outcomes, and their
 * probabilities, chained from per-token probabilities,
 * <pre>
 *   log π(s_1..s_ℓ, stop | x) = Σ_{i≤ℓ} log p(s_i | x, s_&lt;i) + log p(stop | x, s_1..s_ℓ)     (ℓ ≤ L)
 *   log π(s_1..s_{L+1} | x)    = Σ_{i≤L+1} log p(s_i | x, s_&lt;i)                             (truncated)
 * </pre>
 * sum to one exactly (up to rounding) when the model puts all its mass on the characters and the
 * stop token. Every conditional comes from one batched forward over the c^L full-length prefixes.
 *
 * <p>From the reference's distribution, the KL-regularised target of BOLT
 * ({@code specs/12d_bolt.md}) is exact: log π*(y|x) = log π_ref(y|x) + r(x, y)/β − log Z(x),
 * Z(x) = Σ_y π_ref(y|x) exp(r(x, y)/β) ({@link #boltzmann}); {@link #kl} gives KL(π*‖π_θ) and
 * {@link #expectation} the exact expected reward.
 */
public final class AnswerEnumeration {
    private AnswerEnumeration() {}

    /**
     * A causal next-token model: for sequences of equal length P + L (a prompt of P ≥ 1 tokens and L
     * more), {@code [b][t][v]} = log p(v | sequence b's first P + t tokens) for t = 0..L.
     */
    @FunctionalInterface
    public interface NextTokenLogProbs {
        double[][][] of(int[][] sequences, int promptLength);
    }

    /**
     * The outcomes and their log-probabilities.
     *
     * @param completions each outcome's tokens (ending with the stop token unless truncated)
     * @param logProbs    log π(outcome | prompt)
     */
    public record Distribution(List<int[]> completions, double[] logProbs) {
        public int size() { return logProbs.length; }
    }

    /**
     * Every completion of {@code prompt} with at most {@code maxChars} characters from {@code chars}
     * then {@code stop}, and every truncated completion of {@code maxChars + 1} characters, under
     * {@code model}. Outcomes are ordered by length, then by the order of {@code chars}.
     */
    public static Distribution enumerate(NextTokenLogProbs model, int[] prompt, int[] chars, int stop, int maxChars) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt needs at least one token");
        if (chars.length == 0) throw new IllegalArgumentException("need at least one non-stop character");
        if (maxChars < 0) throw new IllegalArgumentException("maxChars must be >= 0, got " + maxChars);
        for (int ch : chars) if (ch == stop) throw new IllegalArgumentException("the stop token " + stop + " is among the characters");
        int c = chars.length;
        int full = (int) Math.pow(c, maxChars);
        if ((double) full * c * (maxChars + 1) > 5e7) throw new IllegalArgumentException(c + "^" + maxChars + " prefixes are too many to enumerate");
        int p = prompt.length;
        int[][] seqs = new int[full][p + maxChars];
        for (int idx = 0; idx < full; idx++) {
            System.arraycopy(prompt, 0, seqs[idx], 0, p);
            int[] digits = digits(idx, c, maxChars);
            for (int i = 0; i < maxChars; i++) seqs[idx][p + i] = chars[digits[i]];
        }
        double[][][] lp = model.of(seqs, p);
        List<int[]> outcomes = new ArrayList<>();
        List<Double> logs = new ArrayList<>();
        for (int len = 0; len <= maxChars + 1; len++) {
            boolean truncated = len == maxChars + 1;
            int count = (int) Math.pow(c, len);
            for (int k = 0; k < count; k++) {
                int[] s = digits(k, c, len);
                // The full prefix whose first min(len, L) characters are s (the rest index 0).
                int idx = 0;
                for (int i = 0; i < maxChars; i++) idx = idx * c + (i < len ? s[i] : 0);
                double sum = 0;
                int[] tokens = new int[truncated ? len : len + 1];
                for (int i = 0; i < len; i++) {
                    tokens[i] = chars[s[i]];
                    sum += lp[idx][i][tokens[i]];
                }
                if (!truncated) {
                    tokens[len] = stop;
                    sum += lp[idx][len][stop];
                }
                outcomes.add(tokens);
                logs.add(sum);
            }
        }
        return new Distribution(outcomes, logs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Base-c digits of {@code k}, most significant first, {@code n} of them. */
    private static int[] digits(int k, int c, int n) {
        int[] d = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            d[i] = k % c;
            k /= c;
        }
        return d;
    }

    /** The next-token log-probabilities of a GPT (one forward without a tape, evaluation mode, log-softmax in double). */
    public static NextTokenLogProbs of(Gpt model) {
        return (seqs, p) -> {
            int b = seqs.length;
            int t = seqs[0].length;
            int[] idx = new int[b * t];
            for (int i = 0; i < b; i++) System.arraycopy(seqs[i], 0, idx, i * t, t);
            boolean training = model.isTraining();
            model.train(false);
            try (NoGrad ignored = NoGrad.open()) {
                Variable logits = model.forward(idx, b, t);
                float[] data = logits.value().data();
                int off = logits.value().offset();
                int v = model.config().vocabSize();
                int rows = t - p + 1;
                double[][][] out = new double[b][rows][v];
                for (int i = 0; i < b; i++) {
                    for (int r = 0; r < rows; r++) {
                        int base = off + ((i * t) + p - 1 + r) * v;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < v; j++) max = Math.max(max, data[base + j]);
                        double s = 0;
                        for (int j = 0; j < v; j++) s += Math.exp(data[base + j] - max);
                        double lse = max + Math.log(s);
                        for (int j = 0; j < v; j++) out[i][r][j] = data[base + j] - lse;
                    }
                }
                return out;
            } finally {
                model.train(training);
            }
        };
    }

    /** log π*(y) = log π_ref(y) + r(y)/β − log Z, Z = Σ_y π_ref(y) exp(r(y)/β) (the exact BOLT target). */
    public static double[] boltzmann(double[] refLogProbs, double[] rewards, double beta) {
        BoltzmannWeights.requireBeta(beta);
        if (refLogProbs.length != rewards.length) throw new IllegalArgumentException("log-probabilities and rewards differ in length");
        double[] s = new double[rewards.length];
        for (int i = 0; i < s.length; i++) s[i] = refLogProbs[i] + rewards[i] / beta;
        double logZ = BoltzmannWeights.logSumExp(s);
        for (int i = 0; i < s.length; i++) s[i] -= logZ;
        return s;
    }

    /** KL(p‖q) = Σ_y p(y) (log p(y) − log q(y)) over the enumerated outcomes (terms with p = 0 are 0). */
    public static double kl(double[] logP, double[] logQ) {
        if (logP.length != logQ.length) throw new IllegalArgumentException("distributions differ in size: " + logP.length + ", " + logQ.length);
        double s = 0;
        for (int i = 0; i < logP.length; i++) {
            double pi = Math.exp(logP[i]);
            if (pi > 0) s += pi * (logP[i] - logQ[i]);
        }
        return s;
    }

    /** Σ_y p(y) f(y). */
    public static double expectation(double[] logP, double[] values) {
        double s = 0;
        for (int i = 0; i < logP.length; i++) s += Math.exp(logP[i]) * values[i];
        return s;
    }

    /** Σ_y p(y) (close to 1 when the enumeration covers the policy's support). */
    public static double totalMass(double[] logP) {
        return expectation(logP, filled(logP.length, 1.0));
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
