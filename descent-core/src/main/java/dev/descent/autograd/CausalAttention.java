package dev.descent.autograd;

import dev.descent.tensor.Gemm;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Softmax;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.ThreadScratch;
import java.util.Arrays;

/**
 * Fused causal multi-head attention, the computation of nanoGPT's {@code CausalSelfAttention}
 * between {@code c_attn} and {@code c_proj} ({@code F.scaled_dot_product_attention(q, k, v,
 * is_causal=True)}).
 *
 * <p>Input {@code qkv [B, T, 3C]}: columns {@code [0, C)} are queries, {@code [C, 2C)} keys,
 * {@code [2C, 3C)} values, and head h owns columns {@code [h·d, (h+1)·d)} of each, d = C / H. Each
 * (batch, head) pair is a set of strided GEMMs straight on that buffer, so no head is copied or
 * transposed:
 * <pre>
 *   S = Q Kᵀ / √d,  P = softmax(S + causal mask),  P̃ = dropout(P),  Y = P̃ V
 *   dP̃ = dY Vᵀ,  dV = P̃ᵀ dY,  dP = dropout'(dP̃),  dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √d
 *   dQ = dS K,   dK = dSᵀ Q
 * </pre>
 * The probabilities P ({@code B·H·T²} floats) are kept for the backward; the dropout mask is
 * regenerated from its counter-based stream at index {@code ((b·H + h)·T + i)·T + j}, and with it
 * the dropped probabilities P̃, which live only in a {@code T²} scratch array per thread (forward and
 * backward compute each element of P̃ with the same two operations, so the values agree).
 * (batch, head) pairs run in parallel; each writes a disjoint block of the output and gradients.
 * The per-thread {@code T²} arrays (dP, the uniforms, P̃) are {@link ThreadScratch} arrays kept
 * from call to call; every element is written before it is read (see the backward's comments).
 */
final class CausalAttention {
    private CausalAttention() {}

    private static final ThreadScratch PROBS_GRAD = new ThreadScratch();
    private static final ThreadScratch UNIFORMS = new ThreadScratch();
    private static final ThreadScratch DROPPED = new ThreadScratch();

    static Variable apply(Variable qkvVar, int heads, float dropout, Philox rng) {
        Tensor qkv = qkvVar.value();
        if (qkv.rank() != 3 || qkv.dim(2) % (3 * heads) != 0) {
            throw new IllegalArgumentException("attention needs qkv [B, T, 3C] with C divisible by " + heads
                    + " heads; got " + Arrays.toString(qkv.shape()));
        }
        if (dropout < 0 || dropout >= 1) throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + dropout);
        int batch = qkv.dim(0);
        int t = qkv.dim(1);
        int c3 = qkv.dim(2);
        int c = c3 / 3;
        int d = c / heads;
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] q = qkv.data();
        int qo = qkv.offset();
        // Written in full: each pair's T x T block by the GEMM (β = 0) and the softmax with its zero
        // fill above the diagonal, each head's columns of every row of y by the P V product (β = 0).
        Tensor probs = Variable.unzeroed(new int[] {batch, heads, t, t}, qkvVar);
        float keep = 1f / (1f - dropout);
        Tensor y = Variable.unzeroed(new int[] {batch, t, c}, qkvVar);
        int pairs = batch * heads;
        Parallel.forRange(pairs, 1, (from, to) -> {
            float[] u = dropout > 0 ? UNIFORMS.floats(t * t) : null;
            float[] pd = dropout > 0 ? DROPPED.floats(t * t) : null;
            for (int pair = from; pair < to; pair++) {
                int b = pair / heads;
                int h = pair % heads;
                int base = qo + b * t * c3 + h * d;
                int po = pair * t * t;
                float[] p = probs.data();
                lowerRows(t, d, scale, q, base, c3, q, base + c, c3, p, po);
                for (int i = 0; i < t; i++) {
                    int row = po + i * t;
                    Softmax.probabilities(p, row, p, row, i + 1);
                    java.util.Arrays.fill(p, row + i + 1, row + t, 0f);
                }
                if (dropout > 0) {
                    dropProbabilities(p, po, u, pd, t * t, rng, pair, dropout, keep);
                    Gemm.gemm(false, false, t, d, t, 1f, pd, 0, t, q, base + 2 * c, c3, 0f, y.data(), b * t * c + h * d, c);
                } else {
                    Gemm.gemm(false, false, t, d, t, 1f, p, po, t, q, base + 2 * c, c3, 0f, y.data(), b * t * c + h * d, c);
                }
            }
        });
        return Variable.result(y, dy -> {
            // Each pair's dQ, dK and dV blocks are written by exactly one GEMM each, so a gradient
            // that does not exist yet is written (β = 0) instead of added to a zero fill.
            boolean first = qkvVar.grad() == null;
            float beta = first ? 0f : 1f;
            Tensor g = first ? qkvVar.gradToOverwrite() : qkvVar.gradForUpdate();
            float[] gq = g.data();
            int go = g.offset();
            Parallel.forRange(pairs, 1, (from, to) -> {
                // Row i of dp: columns 0..i are written by lowerRows, the rest by the fill after the
                // softmax backward, before the dS products read the block. What a previous call left
                // above the diagonal is only scaled by the dropout loop, then overwritten.
                float[] dp = PROBS_GRAD.floats(t * t);
                float[] u = dropout > 0 ? UNIFORMS.floats(t * t) : null;
                float[] pd = dropout > 0 ? DROPPED.floats(t * t) : null;
                for (int pair = from; pair < to; pair++) {
                    int b = pair / heads;
                    int h = pair % heads;
                    int base = qo + b * t * c3 + h * d;
                    int gbase = go + b * t * c3 + h * d;
                    int dyo = dy.offset() + b * t * c + h * d;
                    int po = pair * t * t;
                    float[] p = probs.data();
                    // dP̃ = dY Vᵀ ; dV += P̃ᵀ dY
                    lowerRows(t, d, 1f, dy.data(), dyo, c, q, base + 2 * c, c3, dp, 0);
                    if (dropout > 0) {
                        dropProbabilities(p, po, u, pd, t * t, rng, pair, dropout, keep);
                        Gemm.gemm(true, false, t, d, t, 1f, pd, 0, t, dy.data(), dyo, c, beta, gq, gbase + 2 * c, c3);
                        for (int i = 0; i < t * t; i++) dp[i] = u[i] >= dropout ? dp[i] * keep : 0f;
                    } else {
                        Gemm.gemm(true, false, t, d, t, 1f, p, po, t, dy.data(), dyo, c, beta, gq, gbase + 2 * c, c3);
                    }
                    for (int i = 0; i < t; i++) {
                        Softmax.backwardRow(p, po + i * t, dp, i * t, dp, i * t, i + 1);
                        java.util.Arrays.fill(dp, i * t + i + 1, i * t + t, 0f);
                    }
                    // dQ += scale · dS K ; dK += scale · dSᵀ Q
                    Gemm.gemm(false, false, t, d, t, scale, dp, 0, t, q, base + c, c3, beta, gq, gbase, c3);
                    Gemm.gemm(true, false, t, d, t, scale, dp, 0, t, q, base, c3, beta, gq, gbase + c, c3);
                }
            });
        }, qkvVar);
    }

    /** Rows of a {@link #lowerRows} block: a multiple of the GEMM's micro-tile (8 rows, 32 columns). */
    static final int ROW_BLOCK = 32;

    /** The GEMM's k block ({@code Gemm.KC}): a reduction this long or shorter is one sum in k order on every path. */
    private static final int ONE_K_BLOCK = 256;

    /**
     * C = α A Bᵀ ({@code t x t}, row stride t, at {@code co}) for A and B {@code t x d} (row strides
     * lda, ldb), computed only where a causal row reads it. Row i of the scores and of dP̃ is read at
     * columns 0..i only (the softmax and its backward take i + 1 entries, then zero the rest). When
     * the whole product is on the GEMM's packed path, one call computes the micro-kernel's tiles (8 x
     * 32) that reach the diagonal ({@link Gemm#lowerTriangle}: about 9/16 of the product at T = 128,
     * with one packing of B); otherwise rows are done in blocks of {@link #ROW_BLOCK}, block [i0, i1)
     * against the first i1 rows of B (5/8 of the product at T = 128). Each element
     * that is computed is the same dot product over d as in the full product, in the same order, and
     * is stored with the same α·sum (d ≤ 256 is one k block, and the GEMM's small-product loops and its
     * micro-kernel both accumulate fma(a, b, s) from 0 in k order), so the values read are
     * bit-identical. Entries right of the computed tiles or blocks are left as they were. Heads wider
     * than 256 (more than one k block, where a small block's loops would sum differently) take the
     * full product.
     */
    static void lowerRows(int t, int d, float alpha, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                          float[] c, int co) {
        if (d > ONE_K_BLOCK) {
            Gemm.gemm(false, true, t, t, d, alpha, a, ao, lda, b, bo, ldb, 0f, c, co, t);
            return;
        }
        if (Gemm.packedPath(t, t, d)) {
            // One product over the tiles that reach the diagonal: one packing of B instead of one
            // per row block, and no block narrower than the micro-kernel's tile.
            Gemm.lowerTriangle(t, d, alpha, a, ao, lda, b, bo, ldb, c, co, t);
            return;
        }
        for (int i0 = 0; i0 < t; i0 += ROW_BLOCK) {
            int i1 = Math.min(t, i0 + ROW_BLOCK);
            Gemm.gemm(false, true, i1 - i0, i1, d, alpha, a, ao + i0 * lda, lda, b, bo, ldb, 0f, c, co + i0 * t, t);
        }
    }

    /**
     * P̃ = dropout(P) for (batch, head) pair {@code pair}: draws the pair's {@code n} uniforms into
     * {@code u} and writes {@code u ≥ dropout ? P·keep : 0} into {@code pd}.
     */
    private static void dropProbabilities(float[] p, int po, float[] u, float[] pd, int n, Philox rng, int pair,
                                          float dropout, float keep) {
        rng.fillUniform(u, 0, n, (long) pair * n);
        for (int i = 0; i < n; i++) pd[i] = u[i] >= dropout ? p[po + i] * keep : 0f;
    }

}
