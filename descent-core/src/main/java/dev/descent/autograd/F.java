package dev.descent.autograd;

import dev.descent.tensor.Broadcast;
import dev.descent.tensor.Elementwise;
import dev.descent.tensor.EmbeddingKernel;
import dev.descent.tensor.Gelu;
import dev.descent.tensor.Gemm;
import dev.descent.tensor.LayerNormKernel;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Reductions;
import dev.descent.tensor.Softmax;
import dev.descent.tensor.Tensor;
import java.util.Arrays;

/**
 * Differentiable operations (the counterpart of {@code torch.nn.functional}). Each computes its
 * result eagerly with the {@code tensor} kernels and records the backward that adds the input
 * gradients. Shapes follow PyTorch: a linear layer's weight is {@code [out, in]}, operations on
 * "rows" act on the last dimension.
 */
public final class F {
    private F() {}

    // ---------------------------------------------------------------- element-wise, broadcasting

    public static Variable add(Variable a, Variable b) { return binary(Elementwise.Op.ADD, a, b); }

    public static Variable sub(Variable a, Variable b) { return binary(Elementwise.Op.SUB, a, b); }

    public static Variable mul(Variable a, Variable b) { return binary(Elementwise.Op.MUL, a, b); }

    public static Variable div(Variable a, Variable b) { return binary(Elementwise.Op.DIV, a, b); }

    private static Variable binary(Elementwise.Op op, Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        Tensor out = Variable.unzeroed(Broadcast.shape(av.shape(), bv.shape()), a, b); // every element written
        Broadcast.apply(op, av, bv, out);
        return Variable.result(out, g -> {
            switch (op) {
                case ADD -> {
                    if (a.requiresGrad()) Broadcast.sumInto(g, a.gradForUpdate());
                    if (b.requiresGrad()) Broadcast.sumInto(g, b.gradForUpdate());
                }
                case SUB -> {
                    if (a.requiresGrad()) Broadcast.sumInto(g, a.gradForUpdate());
                    if (b.requiresGrad()) Broadcast.sumInto(Broadcast.apply(Elementwise.Op.MUL, g, Tensor.scalar(-1f)), b.gradForUpdate());
                }
                case MUL -> {
                    if (a.requiresGrad()) Broadcast.sumInto(Broadcast.apply(Elementwise.Op.MUL, g, bv), a.gradForUpdate());
                    if (b.requiresGrad()) Broadcast.sumInto(Broadcast.apply(Elementwise.Op.MUL, g, av), b.gradForUpdate());
                }
                case DIV -> {
                    if (a.requiresGrad()) Broadcast.sumInto(Broadcast.apply(Elementwise.Op.DIV, g, bv), a.gradForUpdate());
                    if (b.requiresGrad()) {
                        // d(a/b)/db = -a / b² = -out / b
                        Tensor t = Broadcast.apply(Elementwise.Op.MUL, g, out);
                        t = Broadcast.apply(Elementwise.Op.DIV, t, bv);
                        Elementwise.scale(-1f, t.data(), t.offset(), t.size());
                        Broadcast.sumInto(t, b.gradForUpdate());
                    }
                }
            }
        }, a, b);
    }

    /** a · s for a constant scalar s. */
    public static Variable scale(Variable a, float s) {
        Tensor out = Variable.unzeroed(a.shape(), a); // an element-wise map writes every element
        Elementwise.applyScalarRight(Elementwise.Op.MUL, a.value().data(), a.value().offset(), s, out.data(), 0, out.size());
        return Variable.result(out, g -> Elementwise.axpy(s, g.data(), g.offset(), a.gradForUpdate().data(),
                a.gradForUpdate().offset(), g.size()), a);
    }

    /** The same values seen with another shape (storage shared; the gradient is reshaped back). */
    public static Variable reshape(Variable a, int... shape) {
        Tensor out = a.value().reshape(shape);
        return Variable.result(out, g -> {
            Tensor ag = a.gradForUpdate();
            Elementwise.addInPlace(g.data(), g.offset(), ag.data(), ag.offset(), g.size());
        }, a);
    }

    /** Sum of all elements, a scalar. */
    public static Variable sum(Variable a) {
        Tensor v = a.value();
        float s = (float) sumDouble(v);
        return Variable.result(Tensor.scalar(s), g -> {
            Tensor ag = a.gradForUpdate();
            float gv = g.get(0);
            for (int i = 0; i < ag.size(); i++) ag.data()[ag.offset() + i] += gv;
        }, a);
    }

    /** Mean of all elements, a scalar. */
    public static Variable mean(Variable a) {
        return scale(sum(a), 1f / a.size());
    }

    private static double sumDouble(Tensor v) {
        double s = 0;
        for (int i = 0; i < v.size(); i++) s += v.data()[v.offset() + i];
        return s;
    }

    public static Variable relu(Variable a) {
        Tensor av = a.value();
        Tensor out = Variable.unzeroed(a.shape(), a); // an element-wise map writes every element
        Elementwise.relu(av.data(), av.offset(), out.data(), 0, out.size());
        return Variable.result(out, g -> {
            Tensor ag = a.gradForUpdate();
            for (int i = 0; i < g.size(); i++) {
                if (out.data()[i] > 0) ag.data()[ag.offset() + i] += g.data()[g.offset() + i];
            }
        }, a);
    }

    public static Variable tanh(Variable a) {
        Tensor av = a.value();
        Tensor out = Variable.unzeroed(a.shape(), a); // an element-wise map writes every element
        Elementwise.tanh(av.data(), av.offset(), out.data(), 0, out.size());
        return Variable.result(out, g -> {
            Tensor ag = a.gradForUpdate();
            for (int i = 0; i < g.size(); i++) {
                float y = out.data()[i];
                ag.data()[ag.offset() + i] += g.data()[g.offset() + i] * (1 - y * y);
            }
        }, a);
    }

    public static Variable exp(Variable a) {
        Tensor av = a.value();
        Tensor out = Variable.unzeroed(a.shape(), a); // an element-wise map writes every element
        Elementwise.exp(av.data(), av.offset(), out.data(), 0, out.size());
        return Variable.result(out, g -> {
            Tensor ag = a.gradForUpdate();
            Elementwise.fma(g.data(), g.offset(), out.data(), 0, ag.data(), ag.offset(), ag.data(), ag.offset(), g.size());
        }, a);
    }

    public static Variable log(Variable a) {
        Tensor av = a.value();
        Tensor out = Variable.unzeroed(a.shape(), a); // an element-wise map writes every element
        Elementwise.log(av.data(), av.offset(), out.data(), 0, out.size());
        return Variable.result(out, g -> {
            Tensor ag = a.gradForUpdate();
            for (int i = 0; i < g.size(); i++) ag.data()[ag.offset() + i] += g.data()[g.offset() + i] / av.data()[av.offset() + i];
        }, a);
    }

    /** Exact (erf) GELU, as {@code torch.nn.GELU()}. */
    public static Variable gelu(Variable a) {
        Tensor av = a.value();
        Tensor out = Variable.unzeroed(a.shape(), a); // an element-wise map writes every element
        Gelu.forward(av.data(), av.offset(), out.data(), 0, out.size());
        return Variable.result(out, g -> {
            Tensor ag = a.gradForUpdate();
            Gelu.backward(av.data(), av.offset(), g.data(), g.offset(), ag.data(), ag.offset(), g.size());
        }, a);
    }

    // ---------------------------------------------------------------- matrix products

    /** {@code a @ b} for a {@code [m, k]} and b {@code [k, n]}. */
    public static Variable matmul(Variable a, Variable b) {
        Tensor av = a.value();
        Tensor bv = b.value();
        if (av.rank() != 2 || bv.rank() != 2 || av.dim(1) != bv.dim(0)) {
            throw new IllegalArgumentException("matmul of " + Arrays.toString(av.shape()) + " and " + Arrays.toString(bv.shape()));
        }
        Tensor out = Variable.unzeroed(new int[] {av.dim(0), bv.dim(1)}, a, b); // β = 0: overwritten, never read
        Gemm.matmul(av, false, bv, false, out, false);
        return Variable.result(out, g -> {
            if (a.requiresGrad()) Gemm.matmul(g, false, bv, true, a.gradForUpdate(), true);
            if (b.requiresGrad()) Gemm.matmul(av, true, g, false, b.gradForUpdate(), true);
        }, a, b);
    }

    /** Floats per chunk below which a copy stays on one thread. */
    private static final int COPY_GRAIN = 1 << 15;

    /**
     * {@code y = x Wᵀ + b} over the last dimension of x (as {@code torch.nn.functional.linear}):
     * x {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} or null.
     */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        Tensor xv = x.value();
        Tensor w = weight.value();
        int in = w.dim(1);
        int outF = w.dim(0);
        if (xv.dim(-1) != in) {
            throw new IllegalArgumentException("linear: input " + Arrays.toString(xv.shape()) + " with weight " + Arrays.toString(w.shape()));
        }
        int rows = xv.size() / in;
        int[] outShape = xv.shape();
        outShape[outShape.length - 1] = outF;
        // written in full: by the bias rows, or by the GEMM with β = 0, which never reads it
        Tensor y = Variable.unzeroed(outShape, x, weight, bias);
        float beta = 0f;
        if (bias != null) {
            Tensor bv = bias.value();
            // split over the threads like the element-wise kernels: on one thread this copy was a
            // single-core pass over the whole output (the c_fc output of a 192-wide GPT is 12 MiB)
            Parallel.forRange(rows, Math.max(1, COPY_GRAIN / Math.max(1, outF)), (r0, r1) -> {
                for (int r = r0; r < r1; r++) System.arraycopy(bv.data(), bv.offset(), y.data(), r * outF, outF);
            });
            beta = 1f;
        }
        Gemm.gemm(false, true, rows, outF, in, 1f, xv.data(), xv.offset(), in, w.data(), w.offset(), in,
                beta, y.data(), 0, outF);
        return Variable.result(y, g -> {
            if (x.requiresGrad()) {
                // the first gradient of x is written (β = 0) rather than added to a zero-filled buffer
                boolean first = x.grad() == null;
                Tensor xg = first ? x.gradToOverwrite() : x.gradForUpdate();
                Gemm.gemm(false, false, rows, in, outF, 1f, g.data(), g.offset(), outF, w.data(), w.offset(), in,
                        first ? 0f : 1f, xg.data(), xg.offset(), in);
            }
            if (weight.requiresGrad()) {
                Tensor wg = weight.gradForUpdate();
                Gemm.gemm(true, false, outF, in, rows, 1f, g.data(), g.offset(), outF, xv.data(), xv.offset(), in,
                        1f, wg.data(), wg.offset(), in);
            }
            if (bias != null && bias.requiresGrad()) {
                Tensor bg = bias.gradForUpdate();
                Reductions.addColumnSums(g.data(), g.offset(), rows, outF, bg.data(), bg.offset());
            }
        }, x, weight, bias);
    }

    // ---------------------------------------------------------------- normalisation, softmax

    /** Layer norm over the last dimension; weight and bias {@code [n]}, either may be null. */
    public static Variable layerNorm(Variable x, Variable weight, Variable bias, float eps) {
        Tensor xv = x.value();
        int n = xv.dim(-1);
        int rows = xv.size() / n;
        // the kernel writes every row of y and every mean and rstd
        Tensor y = Variable.unzeroed(xv.shape(), x, weight, bias);
        float[] mean = Variable.unzeroedBuffer(rows, x);
        float[] rstd = Variable.unzeroedBuffer(rows, x);
        Tensor w = weight == null ? null : weight.value();
        Tensor b = bias == null ? null : bias.value();
        LayerNormKernel.forward(xv.data(), xv.offset(), w == null ? null : w.data(), w == null ? 0 : w.offset(),
                b == null ? null : b.data(), b == null ? 0 : b.offset(), eps, rows, n, y.data(), 0, mean, rstd);
        return Variable.result(y, g -> {
            Tensor xg = x.requiresGrad() ? x.gradForUpdate() : null;
            Tensor wg = weight != null && weight.requiresGrad() ? weight.gradForUpdate() : null;
            Tensor bg = bias != null && bias.requiresGrad() ? bias.gradForUpdate() : null;
            LayerNormKernel.backward(g.data(), g.offset(), xv.data(), xv.offset(),
                    w == null ? null : w.data(), w == null ? 0 : w.offset(), mean, rstd, rows, n,
                    xg == null ? null : xg.data(), xg == null ? 0 : xg.offset(),
                    wg == null ? null : wg.data(), wg == null ? 0 : wg.offset(),
                    bg == null ? null : bg.data(), bg == null ? 0 : bg.offset());
        }, x, weight, bias);
    }

    /** Softmax over the last dimension. */
    public static Variable softmax(Variable x) {
        Tensor xv = x.value();
        int n = xv.dim(-1);
        int rows = xv.size() / n;
        Tensor y = Variable.unzeroed(xv.shape(), x); // every row written
        for (int r = 0; r < rows; r++) Softmax.row(xv.data(), xv.offset() + r * n, y.data(), r * n, n);
        return Variable.result(y, g -> {
            Tensor xg = x.gradForUpdate();
            float[] tmp = new float[n];
            for (int r = 0; r < rows; r++) {
                Softmax.backwardRow(y.data(), r * n, g.data(), g.offset() + r * n, tmp, 0, n);
                Elementwise.addInPlace(tmp, 0, xg.data(), xg.offset() + r * n, n);
            }
        }, x);
    }

    /** Log-softmax over the last dimension. */
    public static Variable logSoftmax(Variable x) {
        Tensor xv = x.value();
        int n = xv.dim(-1);
        int rows = xv.size() / n;
        Tensor y = Variable.unzeroed(xv.shape(), x); // every row written
        for (int r = 0; r < rows; r++) Softmax.logRow(xv.data(), xv.offset() + r * n, y.data(), r * n, n);
        return Variable.result(y, g -> {
            Tensor xg = x.gradForUpdate();
            float[] tmp = new float[n];
            for (int r = 0; r < rows; r++) {
                Softmax.logBackwardRow(y.data(), r * n, g.data(), g.offset() + r * n, tmp, 0, n);
                Elementwise.addInPlace(tmp, 0, xg.data(), xg.offset() + r * n, n);
            }
        }, x);
    }

    // ---------------------------------------------------------------- embeddings, dropout, losses

    /** Rows {@code idx} of {@code table [rows, dim]}, shape {@code [idx.length, dim]}. */
    public static Variable embedding(Variable table, int[] idx) {
        return embedding(table, idx, null);
    }

    /**
     * Rows {@code idx} of {@code table [rows, dim]}, shape {@code [idx.length, dim]}, as the first
     * value of a graph whose storage comes from {@code arena} (null: new arrays; see
     * {@link ActivationArena}): every result computed from it uses the same arena.
     */
    public static Variable embedding(Variable table, int[] idx, ActivationArena arena) {
        Tensor t = table.value();
        int rows = t.dim(0);
        int dim = t.dim(1);
        // every row is copied from the table
        Tensor out = arena == null ? Variable.unzeroed(new int[] {idx.length, dim}, table) : arena.unzeroed(idx.length, dim);
        EmbeddingKernel.gather(t.data(), t.offset(), rows, dim, idx, out.data(), 0);
        int[] idxCopy = idx.clone();
        return Variable.result(out, g -> {
            Tensor tg = table.gradForUpdate();
            EmbeddingKernel.scatterAdd(g.data(), g.offset(), idxCopy, dim, tg.data(), tg.offset());
        }, table).inArena(arena == null ? table.arena() : arena);
    }

    /**
     * Inverted dropout: each element kept with probability 1 − p and scaled by 1/(1 − p). The mask
     * comes from {@code rng} at indices {@code 0..n-1} and is regenerated for the backward, not stored.
     */
    public static Variable dropout(Variable x, float p, Philox rng) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        if (p == 0) return x;
        Tensor xv = x.value();
        Tensor y = Variable.unzeroed(xv.shape(), x); // every element written, kept or 0
        float keepScale = 1f / (1f - p);
        applyDropout(xv.data(), xv.offset(), y.data(), 0, y.size(), p, keepScale, rng, false);
        return Variable.result(y, g -> {
            Tensor xg = x.gradForUpdate();
            applyDropout(g.data(), g.offset(), xg.data(), xg.offset(), g.size(), p, keepScale, rng, true);
        }, x);
    }

    /** Uniforms drawn at a time by {@link #applyDropout}. */
    private static final int DROPOUT_BLOCK = 4096;

    static void applyDropout(float[] src, int so, float[] dst, int dso, int n, float p, float keepScale, Philox rng,
                             boolean accumulate) {
        Parallel.forRange(n, 1 << 14, (from, to) -> {
            // the uniforms in blocks of a small scratch array: uniform i depends only on i, not on the block
            float[] u = new float[Math.min(DROPOUT_BLOCK, to - from)];
            int[] words = new int[4];
            for (int start = from; start < to; start += u.length) {
                int len = Math.min(u.length, to - start);
                rng.fillUniform(u, 0, len, start, words);
                for (int i = start; i < start + len; i++) {
                    float v = u[i - start] >= p ? src[so + i] * keepScale : 0f;
                    if (accumulate) dst[dso + i] += v;
                    else dst[dso + i] = v;
                }
            }
        });
    }

    /** Mean cross-entropy of {@code logits [n, classes]} against class indices; index −1 is ignored. */
    public static Variable crossEntropy(Variable logits, int[] targets) {
        return CrossEntropy.apply(logits, targets);
    }

    /**
     * Causal multi-head scaled-dot-product attention on a fused {@code qkv [B, T, 3C]} projection
     * (queries, keys, values side by side, heads interleaved as nanoGPT splits them); output
     * {@code [B, T, C]}.
     */
    public static Variable causalSelfAttention(Variable qkv, int heads, float dropout, Philox rng) {
        return CausalAttention.apply(qkv, heads, dropout, rng);
    }

    // ---------------------------------------------------------------- per-token losses

    /**
     * {@code log_softmax(logits).gather(-1, targets)}: the log-probability of each row's target,
     * shape {@code [n]}; a target of −1 gives 0 and no gradient. See {@link TargetLogProbs}.
     */
    public static Variable targetLogProbs(Variable logits, int[] targets) {
        int[] rows = new int[targets.length];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        return TargetLogProbs.apply(logits, rows, targets);
    }

    /**
     * Output i is {@code log_softmax(logits[rows[i]])[targets[i]]} (0 where the target is −1), shape
     * {@code [n]}: a gather of log-probabilities from chosen rows, e.g. token t scored by the logits
     * of position t − 1. Each row may feed at most one unmasked output.
     */
    public static Variable targetLogProbs(Variable logits, int[] rows, int[] targets) {
        return TargetLogProbs.apply(logits, rows, targets);
    }

    /**
     * Cross-entropy of {@code logits [B·T, V]} against {@code targets} with a weight and a 0/1 mask
     * per token (both {@code [B, T]}, null: all ones; target −1 is masked), reduced as
     * {@code reduction} says. See {@link WeightedCrossEntropy} for the equations.
     */
    public static Variable weightedCrossEntropy(Variable logits, int[] targets, float[] weights, float[] mask, int batch,
                                                TokenReduction reduction) {
        return WeightedCrossEntropy.apply(logits, targets, weights, mask, batch, reduction);
    }
}
