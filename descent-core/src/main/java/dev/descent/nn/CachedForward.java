package dev.descent.nn;

import dev.descent.tensor.Gelu;
import dev.descent.tensor.Gemm;
import dev.descent.tensor.LayerNormKernel;
import dev.descent.tensor.Parallel;
import dev.descent.tensor.Softmax;
import dev.descent.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inference forward pass of a {@link Gpt} over new tokens appended to a {@link KvCache}: no
 * autograd tape, no dropout (evaluation semantics), and each layer's keys and values for the new
 * tokens stored in the cache, so that later tokens attend to them without recomputing them.
 *
 * <p>The new tokens of all sequences form one ragged batch of R rows (sequence b contributes its
 * chunk at positions {@code length(b) … length(b) + n_b − 1}); the position-wise layers (LayerNorm,
 * the four linear maps, GELU, the LM head) run as single GEMMs over the R rows, and attention runs per
 * (sequence, head) pair against that sequence's cached keys and values:
 * <pre>
 *   S = Q_new K_{0..L}ᵀ / √d,   P = softmax(S + causal mask),   Y = P V_{0..L}
 * </pre>
 * Every step uses the kernels and the operation order of the taped {@link Gpt#forward}: embedding
 * sum {@code wte[t] + wpe[p]}, bias-initialised GEMMs, the same LayerNorm, GELU and softmax rows, and
 * {@code P V} over the full key range with the masked probabilities set to zero (adding an exact
 * zero). Attention runs as two vector loops per new row instead of GEMM calls (for one row the
 * GEMM's small-problem path would be scalar, and a step's cost would grow with the context),
 * accumulating each element in the order the GEMM kernel does: scores
 * {@code s_j = scale · (fma chain over the head dimension)}, outputs {@code y = fma chain over keys}
 * (the full forward's extra masked keys add exact zeros).
 * A row's logits therefore equal the full forward's logits at that position up to the rounding
 * differences the GEMM kernel itself makes between shapes (it sums products of more than 256 terms in
 * blocks on its packed path); the tests require agreement within float rounding and identical
 * sampled tokens, also on the recipe's shape.
 *
 * <p>A linear map replaced by another {@link LinearLayer} (a LoRA adapter, a quantized layer) runs
 * through that layer's own forward over the R rows, without a tape and in evaluation mode.
 */
final class CachedForward {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private CachedForward() {}

    /**
     * Appends {@code chunks[b]} (null or empty: nothing) to sequence b of {@code cache} and returns
     * logits laid out row-major as {@code [rows, vocab]}: with {@code allRows}, one row per new
     * token, sequences in order; otherwise the row of the last new token of each sequence with a
     * non-empty chunk, in order of b.
     */
    static float[] extend(Gpt model, KvCache cache, int[][] chunks, boolean allRows) {
        GptConfig cfg = model.config();
        if (chunks.length != cache.batch()) {
            throw new IllegalArgumentException("expected " + cache.batch() + " chunks (one per cached sequence), got " + chunks.length);
        }
        int batch = cache.batch();
        int c = cfg.nEmbd();
        int vocab = cfg.vocabSize();
        int[] rowStart = new int[batch + 1];
        int outRows = 0;
        for (int b = 0; b < batch; b++) {
            int n = chunks[b] == null ? 0 : chunks[b].length;
            if (cache.length(b) + n > cache.capacity()) {
                throw new IllegalArgumentException("sequence " + b + " would hold " + (cache.length(b) + n)
                        + " positions; the cache holds " + cache.capacity());
            }
            for (int i = 0; i < n; i++) {
                int tok = chunks[b][i];
                if (tok < 0 || tok >= vocab) throw new IllegalArgumentException("token " + tok + " outside [0, " + vocab + ")");
            }
            rowStart[b + 1] = rowStart[b] + n;
            outRows += allRows ? n : (n > 0 ? 1 : 0);
        }
        int rows = rowStart[batch];
        if (rows == 0) return new float[0];

        Gpt.Transformer tr = model.transformer();
        float[] x = new float[rows * c];
        Tensor wte = tr.wte().weight.value();
        Tensor wpe = tr.wpe().weight.value();
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < rowStart[b + 1] - rowStart[b]; i++) {
                int r = rowStart[b] + i;
                int to = wte.offset() + chunks[b][i] * c;
                int po = wpe.offset() + (cache.length(b) + i) * c;
                for (int j = 0; j < c; j++) x[r * c + j] = wte.data()[to + j] + wpe.data()[po + j];
            }
        }
        float[] h = new float[rows * c];
        float[] qkv = new float[rows * 3 * c];
        float[] y = new float[rows * c];
        float[] proj = new float[rows * c];
        float[] fc = new float[rows * 4 * c];
        float[] act = new float[rows * 4 * c];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        int layer = 0;
        for (Module block : tr.h().modules()) {
            layerNorm(part(block, "ln_1", LayerNorm.class), x, h, rows, mean, rstd);
            linear(block, "attn.c_attn", h, rows, qkv);
            attention(cfg, cache, layer, chunks, rowStart, qkv, y);
            linear(block, "attn.c_proj", y, rows, proj);
            for (int i = 0; i < proj.length; i++) x[i] = x[i] + proj[i];
            layerNorm(part(block, "ln_2", LayerNorm.class), x, h, rows, mean, rstd);
            linear(block, "mlp.c_fc", h, rows, fc);
            Gelu.forward(fc, 0, act, 0, fc.length);
            linear(block, "mlp.c_proj", act, rows, proj);
            for (int i = 0; i < proj.length; i++) x[i] = x[i] + proj[i];
            layer++;
        }
        for (int b = 0; b < batch; b++) cache.advance(b, rowStart[b + 1] - rowStart[b]);
        layerNorm(part(tr, "ln_f", LayerNorm.class), x, h, rows, mean, rstd);
        float[] selected = h;
        if (!allRows) {
            selected = new float[outRows * c];
            int o = 0;
            for (int b = 0; b < batch; b++) {
                if (rowStart[b + 1] > rowStart[b]) System.arraycopy(h, (rowStart[b + 1] - 1) * c, selected, c * o++, c);
            }
        }
        float[] logits = new float[outRows * vocab];
        Gemm.gemm(false, true, outRows, vocab, c, 1f, selected, 0, c, wte.data(), wte.offset(), c, 0f, logits, 0, vocab);
        return logits;
    }

    /**
     * The layer at {@code path} under {@code parent}, which the cached path computes with its own
     * kernels: a module replaced by another kind (an adapter, a quantized layer) is refused by name
     * rather than silently skipped.
     */
    private static <M extends Module> M part(Module parent, String path, Class<M> type) {
        Module m = parent.get(path);
        if (!type.isInstance(m)) {
            throw new IllegalStateException("cached generation computes " + path + " as a " + type.getSimpleName()
                    + "; this model has a " + m.getClass().getSimpleName() + " there");
        }
        return type.cast(m);
    }

    private static void layerNorm(LayerNorm ln, float[] in, float[] out, int rows, float[] mean, float[] rstd) {
        Tensor w = ln.weight.value();
        Tensor b = ln.bias == null ? null : ln.bias.value();
        int n = w.size();
        LayerNormKernel.forward(in, 0, w.data(), w.offset(), b == null ? null : b.data(), b == null ? 0 : b.offset(),
                LayerNorm.EPS, rows, n, out, 0, mean, rstd);
    }

    /**
     * The linear layer at {@code path} under {@code block} over {@code rows} rows: a plain {@link Linear}
     * with its own kernel; any other {@link LinearLayer} (an adapter, a quantized layer) through its own
     * forward, without a tape and in evaluation mode, so that it computes what the full forward
     * computes at evaluation.
     */
    private static void linear(Module block, String path, float[] in, int rows, float[] out) {
        Module m = block.get(path);
        if (m instanceof Linear lin) {
            linear(lin, in, rows, out);
            return;
        }
        if (!(m instanceof LinearLayer layer)) {
            throw new IllegalStateException("cached generation computes " + path + " as a linear layer; this model has a "
                    + m.getClass().getSimpleName() + " there");
        }
        boolean training = m.isTraining();
        m.train(false);
        try (var ignored = dev.descent.autograd.NoGrad.open()) {
            Tensor y = layer.forward(dev.descent.autograd.Variable.constant(Tensor.view(in, 0, rows, layer.inFeatures()))).value();
            System.arraycopy(y.data(), y.offset(), out, 0, rows * layer.outFeatures());
        } finally {
            m.train(training);
        }
    }

    /** {@code out = in Wᵀ + b} as {@code F.linear} computes it (bias copied into the rows, then the GEMM with beta 1). */
    private static void linear(Linear lin, float[] in, int rows, float[] out) {
        Tensor w = lin.weight.value();
        int outF = w.dim(0);
        int inF = w.dim(1);
        float beta = 0f;
        if (lin.bias != null) {
            Tensor bv = lin.bias.value();
            for (int r = 0; r < rows; r++) System.arraycopy(bv.data(), bv.offset(), out, r * outF, outF);
            beta = 1f;
        }
        Gemm.gemm(false, true, rows, outF, inF, 1f, in, 0, inF, w.data(), w.offset(), inF, beta, out, 0, outF);
    }

    /** Stores the new keys and values of {@code layer} in the cache, then attends each new row to its sequence's prefix. */
    private static void attention(GptConfig cfg, KvCache cache, int layer, int[][] chunks, int[] rowStart,
                                  float[] qkv, float[] y) {
        int heads = cfg.nHead();
        int c = cfg.nEmbd();
        int d = c / heads;
        int c3 = 3 * c;
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int batch = cache.batch();
        int capacity = cache.capacity();
        int[] active = new int[batch];
        int count = 0;
        int widest = 0;
        for (int b = 0; b < batch; b++) {
            int n = rowStart[b + 1] - rowStart[b];
            if (n == 0) continue;
            active[count++] = b;
            widest = Math.max(widest, cache.length(b) + n);
            for (int i = 0; i < n; i++) {
                int r = rowStart[b] + i;
                int pos = cache.length(b) + i;
                for (int hd = 0; hd < heads; hd++) {
                    int kt = cache.keyOffset(b, hd) + pos;
                    int src = r * c3 + c + hd * d;
                    for (int p = 0; p < d; p++) keys[kt + p * capacity] = qkv[src + p];
                    System.arraycopy(qkv, r * c3 + 2 * c + hd * d, values, cache.valueOffset(b, hd, pos), d);
                }
            }
        }
        final int pairs = count * heads;
        final int scratch = widest;
        Parallel.forRange(pairs, 1, (from, to) -> {
            float[] p = new float[scratch];
            for (int pair = from; pair < to; pair++) {
                int b = active[pair / heads];
                int hd = pair % heads;
                int n = rowStart[b + 1] - rowStart[b];
                int past = cache.length(b);
                int kt = cache.keyOffset(b, hd);
                int vo = cache.valueOffset(b, hd, 0);
                int q = rowStart[b] * c3 + hd * d;
                int yo = rowStart[b] * c + hd * d;
                for (int i = 0; i < n; i++) {
                    int keysSeen = past + i + 1; // causal: row i attends to positions 0 … past + i
                    scores(qkv, q + i * c3, keys, kt, capacity, d, keysSeen, scale, p);
                    Softmax.row(p, 0, p, 0, keysSeen);
                    weightedSum(p, keysSeen, values, vo, d, y, yo + i * c);
                }
            }
        });
    }

    /**
     * {@code s_j = scale · Σ_p q_p Kᵀ[p, j]} for keys {@code j < len}, each sum an FMA chain over p in
     * order (as the GEMM kernel accumulates one element), vectorised across keys.
     */
    private static void scores(float[] q, int qo, float[] keys, int kt, int ldk, int d, int len, float scale, float[] s) {
        java.util.Arrays.fill(s, 0, len, 0f);
        int bound = S.loopBound(len);
        for (int p = 0; p < d; p++) {
            float qp = q[qo + p];
            FloatVector vq = FloatVector.broadcast(S, qp);
            int row = kt + p * ldk;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector.fromArray(S, keys, row + j).fma(vq, FloatVector.fromArray(S, s, j)).intoArray(s, j);
            }
            for (; j < len; j++) s[j] = Math.fma(qp, keys[row + j], s[j]);
        }
        for (int j = 0; j < len; j++) s[j] = scale * s[j];
    }

    /**
     * {@code y = Σ_j p_j V[j, :]} over {@code len} value rows, an FMA chain over j in order per element
     * starting from 0, vectorised across the head dimension. The accumulators stay in registers for the
     * whole chain (four vectors of the head dimension at a time) instead of going through {@code y} at
     * every j, whose store-to-load latency bound the decode step at long contexts; the operations and
     * their order are the same, so are the bits.
     */
    static void weightedSum(float[] p, int len, float[] values, int vo, int d, float[] y, int yo) {
        int lanes = S.length();
        int bound = S.loopBound(d);
        int i = 0;
        for (; i + 4 * lanes <= bound; i += 4 * lanes) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            for (int j = 0; j < len; j++) {
                FloatVector vp = FloatVector.broadcast(S, p[j]);
                int row = vo + j * d + i;
                a0 = FloatVector.fromArray(S, values, row).fma(vp, a0);
                a1 = FloatVector.fromArray(S, values, row + lanes).fma(vp, a1);
                a2 = FloatVector.fromArray(S, values, row + 2 * lanes).fma(vp, a2);
                a3 = FloatVector.fromArray(S, values, row + 3 * lanes).fma(vp, a3);
            }
            a0.intoArray(y, yo + i);
            a1.intoArray(y, yo + i + lanes);
            a2.intoArray(y, yo + i + 2 * lanes);
            a3.intoArray(y, yo + i + 3 * lanes);
        }
        for (; i < bound; i += lanes) {
            FloatVector a = FloatVector.zero(S);
            for (int j = 0; j < len; j++) a = FloatVector.fromArray(S, values, vo + j * d + i).fma(FloatVector.broadcast(S, p[j]), a);
            a.intoArray(y, yo + i);
        }
        for (; i < d; i++) {
            float a = 0f;
            for (int j = 0; j < len; j++) a = Math.fma(p[j], values[vo + j * d + i], a);
            y[yo + i] = a;
        }
    }
}
