package dev.descent.nn;

import dev.descent.autograd.F;
import dev.descent.autograd.Variable;
import dev.descent.tensor.Softmax;

/**
 * Per-token log-probabilities of given sequences under a {@link Gpt}, in one forward pass: for
 * tokens {@code [B, T]} and a 0/1 mask {@code [B, T]} marking the tokens to score (a completion),
 * <pre>
 *   out[b, t] = log p(tokens[b, t] | tokens[b, 0 … t−1])   where mask[b, t] = 1 and t ≥ 1,   0 elsewhere
 * </pre>
 * read from the logits of position t − 1 ({@code log_softmax} then gather, fused:
 * {@link F#targetLogProbs(Variable, int[], int[])}). Position 0 has no prediction and is never
 * scored. Sequences shorter than T are right-padded with any token and masked: attention is causal,
 * so padding after a token never changes its probability.
 */
public final class SequenceLogProbs {
    private SequenceLogProbs() {}

    /**
     * The log-probabilities {@code [B, T]} with the autograd tape (RL losses back-propagate through
     * them into the model). The model's current mode applies (dropout is active in training mode;
     * call {@code train(false)} for the policy's exact probabilities).
     */
    public static Variable of(Gpt model, int[] tokens, float[] mask, int batch, int t) {
        return ofLogits(model.forward(tokens, batch, t), tokens, mask, batch, t);
    }

    /**
     * As {@link #of}, from the logits {@code [B·T, V]} of a forward the caller already ran (to read
     * other quantities, such as entropies, off the same forward).
     */
    public static Variable ofLogits(Variable logits, int[] tokens, float[] mask, int batch, int t) {
        int[] rows = new int[batch * t];
        int[] targets = targets(tokens, mask, batch, t, rows);
        return F.reshape(F.targetLogProbs(logits, rows, targets), batch, t);
    }

    /**
     * The same values computed without a tape by the cached inference forward (evaluation
     * semantics: no dropout whatever the model's mode), row-major {@code [B, T]}.
     */
    public static float[] inference(Gpt model, int[] tokens, float[] mask, int batch, int t) {
        int[] rows = new int[batch * t];
        int[] targets = targets(tokens, mask, batch, t, rows);
        if (t > model.config().blockSize()) {
            throw new IllegalArgumentException("sequence of length " + t + " exceeds block_size " + model.config().blockSize());
        }
        int[][] chunks = new int[batch][];
        for (int b = 0; b < batch; b++) chunks[b] = java.util.Arrays.copyOfRange(tokens, b * t, (b + 1) * t);
        float[] logits = CachedForward.extend(model, new KvCache(model.config(), batch, t), chunks, true);
        int v = model.config().vocabSize();
        float[] out = new float[batch * t];
        float[] probs = new float[v];
        for (int i = 0; i < out.length; i++) {
            if (targets[i] == -1) continue;
            float logZ = Softmax.row(logits, rows[i] * v, probs, 0, v);
            out[i] = logits[rows[i] * v + targets[i]] - logZ;
        }
        return out;
    }

    /** Targets per output position (−1 where not scored) and the logits row that scores each. */
    private static int[] targets(int[] tokens, float[] mask, int batch, int t, int[] rows) {
        if (batch <= 0 || t <= 0) throw new IllegalArgumentException("batch and length must be positive, got " + batch + " and " + t);
        if (tokens.length != batch * t) throw new IllegalArgumentException("expected " + batch * t + " token ids, got " + tokens.length);
        if (mask.length != batch * t) throw new IllegalArgumentException("expected " + batch * t + " mask values, got " + mask.length);
        int[] targets = new int[batch * t];
        for (int i = 0; i < targets.length; i++) {
            float m = mask[i];
            if (m != 0f && m != 1f) throw new IllegalArgumentException("mask values must be 0 or 1, got " + m + " at position " + i);
            boolean scored = m == 1f && i % t != 0;
            targets[i] = scored ? tokens[i] : -1;
            rows[i] = scored ? i - 1 : 0;
        }
        return targets;
    }
}
