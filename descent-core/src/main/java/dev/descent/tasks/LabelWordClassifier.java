package dev.descent.tasks;

import dev.descent.data.CharTokenizer;
import dev.descent.nn.Gpt;
import dev.descent.nn.SequenceLogProbs;
import java.util.List;

/**
 * Prompt-based classification by label-word likelihood (the MeZO / LM-BFF way of using a language model
 * as a classifier, Malladi et al., NeurIPS 2023; Gao et al., ACL 2021): class c has a label word
 * ℓ_c (a string), and the predicted class of a prompt x is
 * <pre>
 *   score_c(x) = log p(ℓ_c | x) = Σ_{i} log p(ℓ_c[i] | x, ℓ_c[0 … i−1])      (teacher-forced, one sequence x ℓ_c per class)
 *   ŷ(x)      = argmax_c score_c(x)                                          (ties: the lowest class index)
 * </pre>
 * <i>Choice:</i> the sum over the label's tokens, the label string's log-likelihood. MeZO's scripts divide
 * by the number of tokens (their labels are one or two BPE tokens); with a character tokenizer a label is
 * a whole name whose later characters are nearly certain once the first are read, so the mean would
 * favour long names; the sum does not.
 *
 * <p>Fine-tuning objective: the cross-entropy of the true label's tokens given the prompt, i.e. the mean
 * over label tokens of −log p — {@link SftObjective} on the lines "prompt + label" with the prompt's
 * targets ignored ({@link #lines}). Prompts and labels are encoded with the model's character tokenizer.
 *
 * <p><b>Scoring.</b> {@link Scoring#DIRECT} is the above. {@link Scoring#CHANNEL} is the noisy-channel
 * scoring of Min et al. (ACL 2022, "Noisy Channel Language Model Prompting"): the class word ℓ_c is a
 * header placed <i>before</i> the input x, and the input's likelihood given it is the score,
 * <pre>
 *   score_c(x) = log p(x | ℓ_c) = Σ_i log p(x[i] | ℓ_c, x[0 … i−1])      (one sequence ℓ_c x per class)
 * </pre>
 * (Bayes with a uniform class prior: argmax_c p(c | x) = argmax_c p(x | c)). Every character of the input
 * then bears on the decision, where direct scoring reads the input only through the few label
 * characters' conditionals. Its fine-tuning loss is the cross-entropy of the input's tokens given the true
 * header (lines "ℓ_truth + x", the header's targets ignored), and {@link Evaluation#labelLoss} is then the
 * input's NLL per token given the true header.
 */
public final class LabelWordClassifier {
    /** Where the class word goes and which part of the sequence is scored. */
    public enum Scoring {
        /** score_c(x) = log p(ℓ_c | x): the class word follows the input and is scored. */
        DIRECT,
        /** score_c(x) = log p(x | ℓ_c): the class word is a header before the input, and the input is scored (Min et al. 2022). */
        CHANNEL;

        /** The scoring named {@code name} ("direct" or "channel"); a one-line error otherwise. */
        public static Scoring parse(String name) {
            return switch (name.trim()) {
                case "direct" -> DIRECT;
                case "channel" -> CHANNEL;
                default -> throw new IllegalArgumentException("scoring: unknown value '" + name.trim() + "'; valid: direct, channel");
            };
        }
    }

    /** Rows (prompt-and-label sequences) scored in one forward pass. */
    private static final int CHUNK_ROWS = 64;

    /**
     * Per-token log-probabilities of sequences [batch, t] where mask is 1 (row-major, 0 elsewhere), as
     * {@link SequenceLogProbs#inference}; a function so that a test can supply a model computed by hand.
     */
    @FunctionalInterface
    public interface LogProbs {
        float[] of(int[] tokens, float[] mask, int batch, int t);
    }

    /** The GPT's log-probabilities (evaluation semantics: no dropout, no tape). */
    public static LogProbs of(Gpt model) {
        return (tokens, mask, batch, t) -> SequenceLogProbs.inference(model, tokens, mask, batch, t);
    }

    /**
     * Accuracy and the mean per-token negative log-likelihood of the scored part under the true class (the true label's
     * tokens for {@link Scoring#DIRECT}, the input's tokens given the true header for {@link Scoring#CHANNEL}), over n examples.
     */
    public record Evaluation(int examples, double accuracy, double labelLoss) {}

    /** Token lines "prompt + true label" and their prompt lengths, for {@link SftObjective}. */
    public record Lines(int[][] lines, int[] promptLengths) {}

    private final CharTokenizer tokenizer;
    private final int[][] labels;
    private final Scoring scoring;

    /** A direct classifier over the label words {@code labels} (class c is labels[c]), encoded with {@code tokenizer}. */
    public LabelWordClassifier(CharTokenizer tokenizer, List<String> labels) {
        this(tokenizer, labels, Scoring.DIRECT);
    }

    /**
     * A classifier over the class words {@code labels} (class c is labels[c]: a label word after the input for
     * {@link Scoring#DIRECT}, a header before it for {@link Scoring#CHANNEL}), encoded with {@code tokenizer}.
     */
    public LabelWordClassifier(CharTokenizer tokenizer, List<String> labels, Scoring scoring) {
        this.scoring = scoring;
        if (labels.size() < 2) throw new IllegalArgumentException("label words: " + labels.size() + " given, at least 2 needed");
        this.tokenizer = tokenizer;
        this.labels = new int[labels.size()][];
        for (int c = 0; c < labels.size(); c++) {
            if (labels.get(c).isEmpty()) throw new IllegalArgumentException("label word " + c + " is empty");
            this.labels[c] = tokenizer.encode(labels.get(c));
        }
    }

    /** How the classes are scored. */
    public Scoring scoring() { return scoring; }

    /** Number of classes. */
    public int classes() { return labels.length; }

    /** Tokens of the longest class-word-and-input sequence of {@code prompts}: the context a model needs. */
    public int longestSequence(List<String> prompts) {
        int m = 0;
        for (String p : prompts) m = Math.max(m, p.length());
        int l = 0;
        for (int[] w : labels) l = Math.max(l, w.length);
        return m + l;
    }

    /** score_c(prompt) for every class c: log p(label c | prompt) (direct) or log p(prompt | label c) (channel). */
    public double[] scores(LogProbs model, String prompt) {
        return scores(model, List.of(prompt))[0];
    }

    /** The scores [prompt][class] of several prompts, {@link #CHUNK_ROWS} sequences per forward pass. */
    public double[][] scores(LogProbs model, List<String> prompts) {
        int k = labels.length;
        double[][] out = new double[prompts.size()][k];
        int perChunk = Math.max(1, CHUNK_ROWS / k);
        for (int from = 0; from < prompts.size(); from += perChunk) {
            int n = Math.min(perChunk, prompts.size() - from);
            int[][] p = new int[n][];
            int t = 0;
            for (int e = 0; e < n; e++) {
                p[e] = tokenizer.encode(prompts.get(from + e));
                if (p[e].length == 0) throw new IllegalArgumentException("prompt " + (from + e) + " is empty");
                for (int[] w : labels) t = Math.max(t, p[e].length + w.length);
            }
            int rows = n * k;
            int[] tokens = new int[rows * t];
            float[] mask = new float[rows * t];
            for (int e = 0; e < n; e++) {
                for (int c = 0; c < k; c++) {
                    int o = (e * k + c) * t;
                    // direct: prompt, then the scored label; channel: the header, then the scored input
                    int[] first = scoring == Scoring.DIRECT ? p[e] : labels[c];
                    int[] scored = scoring == Scoring.DIRECT ? labels[c] : p[e];
                    System.arraycopy(first, 0, tokens, o, first.length);
                    System.arraycopy(scored, 0, tokens, o + first.length, scored.length);
                    for (int i = 0; i < scored.length; i++) mask[o + first.length + i] = 1f;
                    // right padding repeats the last token; it is masked and, attention being causal, changes nothing
                    for (int i = first.length + scored.length; i < t; i++) tokens[o + i] = scored[scored.length - 1];
                }
            }
            float[] lp = model.of(tokens, mask, rows, t);
            for (int e = 0; e < n; e++) {
                for (int c = 0; c < k; c++) {
                    double s = 0;
                    int o = (e * k + c) * t;
                    for (int i = 0; i < t; i++) if (mask[o + i] == 1f) s += lp[o + i];
                    out[from + e][c] = s;
                }
            }
        }
        return out;
    }

    /** argmax_c of {@code scores} (the first maximum on ties). */
    public static int argmax(double[] scores) {
        int best = 0;
        for (int c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
        return best;
    }

    /** The predicted class of {@code prompt}. */
    public int predict(LogProbs model, String prompt) {
        return argmax(scores(model, prompt));
    }

    /** Accuracy of ŷ against {@code truth} and the true labels' mean per-token NLL, over the given prompts. */
    public Evaluation evaluate(LogProbs model, List<String> prompts, int[] truth) {
        if (truth.length != prompts.size()) throw new IllegalArgumentException(prompts.size() + " prompts but " + truth.length + " labels");
        if (prompts.isEmpty()) throw new IllegalArgumentException("no examples to evaluate");
        double[][] s = scores(model, prompts);
        int correct = 0;
        double nll = 0;
        long tokens = 0;
        for (int e = 0; e < s.length; e++) {
            if (argmax(s[e]) == truth[e]) correct++;
            nll -= s[e][truth[e]];
            tokens += scoring == Scoring.DIRECT ? labels[truth[e]].length : tokenizer.encode(prompts.get(e)).length;
        }
        return new Evaluation(s.length, (double) correct / s.length, nll / tokens);
    }

    /**
     * The fine-tuning data of {@link SftObjective}: "prompt + label[truth]" with the prompt's length (direct), or
     * "label[truth] + prompt" with the header's length (channel), as token lines.
     */
    public Lines lines(List<String> prompts, int[] truth) {
        if (truth.length != prompts.size()) throw new IllegalArgumentException(prompts.size() + " prompts but " + truth.length + " labels");
        int[][] lines = new int[prompts.size()][];
        int[] promptLengths = new int[prompts.size()];
        for (int e = 0; e < lines.length; e++) {
            int[] x = tokenizer.encode(prompts.get(e));
            int[] first = scoring == Scoring.DIRECT ? x : labels[truth[e]];
            int[] scored = scoring == Scoring.DIRECT ? labels[truth[e]] : x;
            lines[e] = new int[first.length + scored.length];
            System.arraycopy(first, 0, lines[e], 0, first.length);
            System.arraycopy(scored, 0, lines[e], first.length, scored.length);
            promptLengths[e] = first.length;
        }
        return new Lines(lines, promptLengths);
    }
}
