package dev.descent.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Central finite-difference checks of every operation of {@link F}.
 *
 * <p>For an op with output {@code out}, the scalar checked is {@code L = Σ w_i·out_i} with a fixed
 * random weight vector w (so every output element contributes with its own weight, which a plain sum
 * would not test: softmax rows, for instance, sum to 1). The analytic gradient is obtained by
 * {@code out.backward(w)}; the numerical one is {@code (L(x+h) − L(x−h)) / (x₊ − x₋)}, L summed in
 * double, with the actual float32 step {@code x₊ − x₋}.
 *
 * <p>Tolerance: the numerical derivative carries (a) truncation error O(h²·L''') — about 1e-5 relative
 * for h = 1e-2 on these well-scaled, smooth inputs — and (b) float32 round-off of the forward,
 * |ΔL| ≲ few·2⁻²⁴·Σ|w_i·out_i|, divided by 2h. Each element must satisfy
 * {@code |a − n| ≤ 1e-2·max(|a|, |n|) + 1e-3·max_j|n_j| + 8·2⁻²⁴·Σ|w·out|/(2h)}: 1% relative error on
 * the entries that matter. A wrong backward (a missing term, a transposition, a wrong broadcast axis)
 * gives O(1) relative errors.
 */
class GradCheckTest {
    static final double U = 0x1p-24;

    static Tensor gauss(long seed, float scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        Philox.stream(seed, "gradcheck").fillGaussian(t.data(), 0, t.size(), 0);
        for (int i = 0; i < t.size(); i++) t.data()[i] *= scale;
        return t;
    }

    /** Values with |x| in [lo, lo + |N(0,1)|·scale], random signs unless positive. */
    static Tensor awayFromZero(long seed, float lo, boolean positive, int... shape) {
        Tensor t = gauss(seed, 1f, shape);
        for (int i = 0; i < t.size(); i++) {
            float v = t.data()[i];
            float mag = lo + Math.abs(v);
            t.data()[i] = positive || v >= 0 ? mag : -mag;
        }
        return t;
    }

    static double weighted(Tensor out, float[] w) {
        double s = 0;
        for (int i = 0; i < out.size(); i++) s += (double) w[i] * out.get(i);
        return s;
    }

    static double weightedAbs(Tensor out, float[] w) {
        double s = 0;
        for (int i = 0; i < out.size(); i++) s += Math.abs((double) w[i] * out.get(i));
        return s;
    }

    /** Checks the gradient of Σ w·op(inputs) w.r.t. every input; returns the analytic gradients. */
    static Tensor[] check(String name, Function<Variable[], Variable> op, double h, Tensor... inputs) {
        Variable[] leaves = new Variable[inputs.length];
        for (int k = 0; k < inputs.length; k++) leaves[k] = new Variable(inputs[k].copy(), true);
        Variable out = op.apply(leaves);
        assertTrue(out.requiresGrad(), name + ": output records no gradient");
        float[] w = gauss(12345, 1f, out.size()).toArray();
        out.backward(Tensor.of(w.clone(), out.shape()));
        Tensor[] grads = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            assertNotNull(leaves[k].grad(), name + ": no gradient for input " + k);
            grads[k] = leaves[k].grad().copy();
        }
        for (int k = 0; k < inputs.length; k++) {
            Tensor[] work = new Tensor[inputs.length];
            for (int q = 0; q < inputs.length; q++) work[q] = inputs[q].copy();
            Variable[] consts = new Variable[inputs.length];
            for (int q = 0; q < inputs.length; q++) consts[q] = Variable.constant(work[q]);
            double[] numeric = new double[inputs[k].size()];
            double noise = 0;
            for (int j = 0; j < numeric.length; j++) {
                float x0 = work[k].get(j);
                float xp = (float) (x0 + h);
                float xm = (float) (x0 - h);
                work[k].set(j, xp);
                Tensor op1 = op.apply(consts).value();
                double fp = weighted(op1, w);
                double ap = weightedAbs(op1, w);
                work[k].set(j, xm);
                double fm = weighted(op.apply(consts).value(), w);
                work[k].set(j, x0);
                numeric[j] = (fp - fm) / ((double) xp - xm);
                noise = Math.max(noise, 8 * U * ap / ((double) xp - xm));
            }
            double maxN = 0;
            for (double v : numeric) maxN = Math.max(maxN, Math.abs(v));
            double diff2 = 0;
            double norm2 = 0;
            for (int j = 0; j < numeric.length; j++) {
                double a = grads[k].get(j);
                double n = numeric[j];
                double tol = 1e-2 * Math.max(Math.abs(a), Math.abs(n)) + 1e-3 * maxN + noise;
                assertEquals(n, a, tol, name + ": d/d input" + k + "[" + j + "] analytic " + a + " numeric " + n);
                diff2 += (a - n) * (a - n);
                norm2 += n * n;
            }
            assertTrue(norm2 == 0 || Math.sqrt(diff2 / norm2) < 1e-2, name + ": relative error of input " + k);
            assertTrue(maxN > 0 || name.startsWith("zero"), name + ": degenerate check, numeric gradient is 0");
        }
        return grads;
    }

    // ------------------------------------------------------------------ element-wise, broadcasting

    static final int[][] BROADCAST_SHAPES = {{2, 3, 4}, {4}, {3, 1}, {}, {2, 1, 4}};

    @Test
    void addSubMulWithBroadcasting() {
        long seed = 1;
        for (int[] other : BROADCAST_SHAPES) {
            Tensor a = gauss(seed++, 1f, 2, 3, 4);
            Tensor b = gauss(seed++, 1f, other);
            String s = Arrays.toString(other);
            check("add [2,3,4]+" + s, v -> F.add(v[0], v[1]), 1e-2, a, b);
            check("add " + s + "+[2,3,4]", v -> F.add(v[0], v[1]), 1e-2, b, a);
            check("sub [2,3,4]-" + s, v -> F.sub(v[0], v[1]), 1e-2, a, b);
            check("sub " + s + "-[2,3,4]", v -> F.sub(v[0], v[1]), 1e-2, b, a);
            check("mul [2,3,4]*" + s, v -> F.mul(v[0], v[1]), 1e-2, a, b);
            check("mul " + s + "*[2,3,4]", v -> F.mul(v[0], v[1]), 1e-2, b, a);
        }
        check("add [3,1]+[1,5]", v -> F.add(v[0], v[1]), 1e-2, gauss(90, 1f, 3, 1), gauss(91, 1f, 1, 5));
        check("mul [3,1]*[1,5]", v -> F.mul(v[0], v[1]), 1e-2, gauss(92, 1f, 3, 1), gauss(93, 1f, 1, 5));
    }

    @Test
    void divWithBroadcasting() {
        long seed = 100;
        for (int[] other : BROADCAST_SHAPES) {
            // denominators with |b| ≥ 0.5 keep a/b smooth over ±h
            Tensor a = gauss(seed++, 1f, 2, 3, 4);
            Tensor b = awayFromZero(seed++, 0.5f, false, other);
            check("div [2,3,4]/" + Arrays.toString(other), v -> F.div(v[0], v[1]), 1e-3, a, b);
            Tensor a2 = gauss(seed++, 1f, other);
            Tensor b2 = awayFromZero(seed++, 0.5f, false, 2, 3, 4);
            check("div " + Arrays.toString(other) + "/[2,3,4]", v -> F.div(v[0], v[1]), 1e-3, a2, b2);
        }
    }

    @Test
    void inputOnlyOneSideNeedsGradient() {
        Variable a = new Variable(gauss(5, 1f, 2, 3), true);
        Variable b = Variable.constant(gauss(6, 1f, 3));
        Variable y = F.sum(F.mul(a, b));
        y.backward();
        assertArrayEquals(concat(b.value().toArray(), b.value().toArray()), a.grad().toArray());
        assertEquals(null, b.grad());
    }

    static float[] concat(float[] x, float[] y) {
        float[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    @Test
    void variableUsedTwiceAccumulates() {
        // y = x·x + x: d/dx = 2x + 1, through two paths into the same leaf
        check("x*x+x", v -> F.add(F.mul(v[0], v[0]), v[0]), 1e-2, gauss(7, 1f, 3, 4));
        Variable x = new Variable(Tensor.of(new float[] {1.5f, -2f}, 2), true);
        F.sum(F.add(F.mul(x, x), x)).backward();
        assertArrayEquals(new float[] {4f, -3f}, x.grad().toArray());
    }

    @Test
    void scaleReshapeSumMean() {
        check("scale", v -> F.scale(v[0], -2.5f), 1e-2, gauss(10, 1f, 3, 4));
        check("reshape", v -> F.mul(F.reshape(v[0], 6, 4), v[1]), 1e-2, gauss(11, 1f, 2, 3, 4), gauss(12, 1f, 4));
        check("reshape -1", v -> F.reshape(F.tanh(v[0]), -1), 1e-2, gauss(13, 1f, 2, 3, 4));
        check("sum", v -> F.sum(F.mul(v[0], v[0])), 1e-2, gauss(14, 1f, 3, 5));
        check("mean", v -> F.mean(F.mul(v[0], v[0])), 1e-2, gauss(15, 1f, 3, 5));
        Variable x = new Variable(gauss(16, 1f, 4, 5), true);
        Variable m = F.mean(x);
        double ref = 0;
        for (float f : x.value().toArray()) ref += f;
        assertEquals(ref / 20, m.item(), 1e-6);
        m.backward();
        for (float g : x.grad().toArray()) assertEquals(1f / 20, g, 1e-9);
    }

    @Test
    void unaryOps() {
        // relu: |x| ≥ 0.1 > h so no input crosses the kink
        check("relu", v -> F.relu(v[0]), 1e-2, awayFromZero(20, 0.1f, false, 4, 9));
        check("tanh", v -> F.tanh(v[0]), 1e-2, gauss(21, 1.5f, 4, 9));
        check("exp", v -> F.exp(v[0]), 1e-2, gauss(22, 1f, 4, 9));
        check("log", v -> F.log(v[0]), 1e-3, awayFromZero(23, 0.5f, true, 4, 9));
        check("gelu", v -> F.gelu(v[0]), 1e-2, gauss(24, 2f, 4, 9));
        Tensor big = gauss(25, 2f, 3, 1031); // long enough for the vector loops and several threads
        check("gelu long", v -> F.gelu(v[0]), 1e-2, big);
    }

    // ------------------------------------------------------------------ matrix products

    @Test
    void matmul() {
        check("matmul", v -> F.matmul(v[0], v[1]), 1e-2, gauss(30, 1f, 3, 4), gauss(31, 1f, 4, 5));
        check("matmul 1xk", v -> F.matmul(v[0], v[1]), 1e-2, gauss(32, 1f, 1, 7), gauss(33, 1f, 7, 2));
        assertThrows(IllegalArgumentException.class,
                () -> F.matmul(Variable.constant(Tensor.zeros(3, 4)), Variable.constant(Tensor.zeros(5, 2))));
    }

    @Test
    void linear() {
        check("linear rank3 bias", v -> F.linear(v[0], v[1], v[2]), 1e-2,
                gauss(40, 1f, 2, 3, 4), gauss(41, 1f, 5, 4), gauss(42, 1f, 5));
        check("linear rank3 no bias", v -> F.linear(v[0], v[1], null), 1e-2, gauss(43, 1f, 2, 3, 4), gauss(44, 1f, 5, 4));
        check("linear rank2 bias", v -> F.linear(v[0], v[1], v[2]), 1e-2,
                gauss(45, 1f, 6, 3), gauss(46, 1f, 2, 3), gauss(47, 1f, 2));
        // forward against y = x Wᵀ + b in double
        Tensor x = gauss(48, 1f, 2, 3, 4);
        Tensor w = gauss(49, 1f, 5, 4);
        Tensor b = gauss(50, 1f, 5);
        Tensor y = F.linear(Variable.constant(x), Variable.constant(w), Variable.constant(b)).value();
        assertArrayEquals(new int[] {2, 3, 5}, y.shape());
        for (int r = 0; r < 6; r++) {
            for (int o = 0; o < 5; o++) {
                double s = b.get(o);
                for (int i = 0; i < 4; i++) s += (double) x.get(r * 4 + i) * w.get(o * 4 + i);
                assertEquals(s, y.get(r * 5 + o), 1e-5);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> F.linear(Variable.constant(Tensor.zeros(2, 3)), Variable.constant(Tensor.zeros(5, 4)), null));
    }

    // ------------------------------------------------------------------ normalisation, softmax

    @Test
    void layerNorm() {
        Tensor x = gauss(60, 2f, 2, 3, 6);
        check("layerNorm w,b", v -> F.layerNorm(v[0], v[1], v[2], 1e-5f), 1e-2, x, gauss(61, 1f, 6), gauss(62, 1f, 6));
        check("layerNorm w", v -> F.layerNorm(v[0], v[1], null, 1e-5f), 1e-2, x, gauss(63, 1f, 6));
        check("layerNorm none", v -> F.layerNorm(v[0], null, null, 1e-5f), 1e-2, x);
        Tensor wide = gauss(64, 1f, 3, 37);
        check("layerNorm wide", v -> F.layerNorm(v[0], v[1], v[2], 1e-5f), 1e-2, wide, gauss(65, 1f, 37), gauss(66, 1f, 37));
    }

    @Test
    void softmaxAndLogSoftmax() {
        check("softmax", v -> F.softmax(v[0]), 1e-2, gauss(70, 2f, 3, 7));
        check("logSoftmax", v -> F.logSoftmax(v[0]), 1e-2, gauss(71, 2f, 3, 7));
        check("softmax rank3", v -> F.softmax(v[0]), 1e-2, gauss(72, 2f, 2, 2, 19));
        check("logSoftmax rank3", v -> F.logSoftmax(v[0]), 1e-2, gauss(73, 2f, 2, 2, 19));
        // shifted by a large constant: same gradient (max subtraction), no overflow
        Tensor x = gauss(74, 2f, 2, 5);
        Tensor shifted = x.copy();
        for (int i = 0; i < shifted.size(); i++) shifted.data()[i] += 500f;
        Variable a = new Variable(x, true);
        Variable b = new Variable(shifted, true);
        Tensor w = gauss(75, 1f, 2, 5);
        F.softmax(a).backward(w.copy());
        F.softmax(b).backward(w.copy());
        for (int i = 0; i < 10; i++) assertEquals(a.grad().get(i), b.grad().get(i), 1e-4);
    }

    // ------------------------------------------------------------------ embeddings, dropout, losses

    @Test
    void embeddingWithRepeatedIndices() {
        int[] idx = {1, 3, 1, 1, 0, 3};
        Tensor[] g = check("embedding", v -> F.embedding(v[0], idx), 1e-2, gauss(80, 1f, 5, 3));
        // row 2 and 4 are never used: exactly zero gradient
        for (int j = 0; j < 3; j++) {
            assertEquals(0f, g[0].get(2 * 3 + j));
            assertEquals(0f, g[0].get(4 * 3 + j));
        }
        assertThrows(IndexOutOfBoundsException.class,
                () -> F.embedding(Variable.constant(Tensor.zeros(5, 3)), new int[] {5}));
    }

    @Test
    void dropoutWithFixedStream() {
        float p = 0.3f;
        Philox rng = Philox.stream(7, "dropout-test");
        Tensor x = gauss(81, 1f, 4, 50);
        Tensor[] g = check("dropout", v -> F.dropout(v[0], p, rng), 1e-2, x);
        // gradient = w ⊙ mask / (1 − p), mask_i = [u_i ≥ p] with u_i uniform i of the stream
        float[] w = gauss(12345, 1f, 200).toArray();
        int kept = 0;
        Tensor y = F.dropout(Variable.constant(x), p, rng).value();
        for (int i = 0; i < 200; i++) {
            boolean keep = rng.uniform(i) >= p;
            if (keep) kept++;
            float scale = keep ? 1f / (1f - p) : 0f;
            assertEquals(w[i] * scale, g[0].get(i), 1e-6 * Math.abs(w[i] * scale));
            assertEquals(x.get(i) * scale, y.get(i), 1e-6 * Math.abs(x.get(i) * scale));
        }
        assertTrue(kept > 100 && kept < 180, "kept " + kept); // Binomial(200, 0.7): mean 140, sd 6.5
        // p = 0 is the identity; invalid p rejected
        Variable v = new Variable(x, true);
        assertEquals(v, F.dropout(v, 0f, rng));
        assertThrows(IllegalArgumentException.class, () -> F.dropout(v, 1f, rng));
        assertThrows(IllegalArgumentException.class, () -> F.dropout(v, -0.1f, rng));
    }

    @Test
    void crossEntropyWithIgnoreIndex() {
        int[] targets = {1, -1, 4, 0, -1, 2};
        Tensor logits = gauss(82, 2f, 6, 5);
        check("crossEntropy", v -> F.crossEntropy(v[0], targets), 1e-2, logits);
        // value against the definition, in double: mean over the 4 counted rows
        double total = 0;
        for (int i = 0; i < 6; i++) {
            if (targets[i] == -1) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 5; j++) max = Math.max(max, logits.get(i * 5 + j));
            double z = 0;
            for (int j = 0; j < 5; j++) z += Math.exp(logits.get(i * 5 + j) - max);
            total += max + Math.log(z) - logits.get(i * 5 + targets[i]);
        }
        Variable lv = new Variable(logits.copy(), true);
        Variable loss = F.crossEntropy(lv, targets);
        assertEquals(total / 4, loss.item(), 1e-6);
        loss.backward();
        for (int j = 0; j < 5; j++) {
            assertEquals(0f, lv.grad().get(5 + j), "ignored row 1");
            assertEquals(0f, lv.grad().get(20 + j), "ignored row 4");
        }
        // each counted row's gradient sums to 0 (softmax − one-hot)
        double rowSum = 0;
        for (int j = 0; j < 5; j++) rowSum += lv.grad().get(j);
        assertEquals(0, rowSum, 1e-7);
        // large logits (≈ 1000, where float resolution is 6e-5 so finite differences are meaningless):
        // loss and gradient against the double-precision formula (softmax − one-hot)/N on the same floats
        Tensor big = shifted(gauss(83, 2f, 2, 3), 1000f);
        int[] bt = {0, 2};
        Variable bv = new Variable(big.copy(), true);
        Variable bl = F.crossEntropy(bv, bt);
        bl.backward();
        double bigLoss = 0;
        for (int i = 0; i < 2; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < 3; j++) max = Math.max(max, big.get(i * 3 + j));
            double z = 0;
            for (int j = 0; j < 3; j++) z += Math.exp(big.get(i * 3 + j) - max);
            bigLoss += (max + Math.log(z) - big.get(i * 3 + bt[i])) / 2;
            for (int j = 0; j < 3; j++) {
                double ref = (Math.exp(big.get(i * 3 + j) - max) / z - (j == bt[i] ? 1 : 0)) / 2;
                assertEquals(ref, bv.grad().get(i * 3 + j), 1e-6);
            }
        }
        assertTrue(Float.isFinite(bl.item()));
        assertEquals(bigLoss, bl.item(), 2 * Math.ulp(1000f)); // logZ ≈ 1000 is rounded to float
        assertThrows(IndexOutOfBoundsException.class,
                () -> F.crossEntropy(Variable.constant(Tensor.zeros(2, 3)), new int[] {0, 3}));
        assertThrows(IllegalArgumentException.class,
                () -> F.crossEntropy(Variable.constant(Tensor.zeros(2, 3)), new int[] {0}));
    }

    static Tensor shifted(Tensor t, float c) {
        for (int i = 0; i < t.size(); i++) t.data()[i] += c;
        return t;
    }

    // ------------------------------------------------------------------ attention

    static final int B = 2;
    static final int T = 5;
    static final int C = 8;
    static final int H = 2;

    @Test
    void causalSelfAttentionGradient() {
        Tensor qkv = gauss(90, 1f, B, T, 3 * C);
        check("attention p=0", v -> F.causalSelfAttention(v[0], H, 0f, null), 1e-2, qkv);
        // with dropout: both forward calls (and the backward) use the same stream, so the same mask
        Philox rng = Philox.stream(3, "attn-dropout");
        check("attention p=0.3", v -> F.causalSelfAttention(v[0], H, 0.3f, rng), 1e-2, qkv);
    }

    @Test
    void causalSelfAttentionMatchesNaiveReference() {
        Tensor qkv = gauss(91, 1f, B, T, 3 * C);
        Philox rng = Philox.stream(4, "attn-ref");
        for (float p : new float[] {0f, 0.3f}) {
            Tensor y = F.causalSelfAttention(Variable.constant(qkv), H, p, p > 0 ? rng : null).value();
            assertArrayEquals(new int[] {B, T, C}, y.shape());
            double[] ref = naiveAttention(qkv, p, rng);
            for (int i = 0; i < ref.length; i++) assertEquals(ref[i], y.get(i), 2e-6, "p=" + p + " at " + i);
        }
        assertThrows(IllegalArgumentException.class,
                () -> F.causalSelfAttention(Variable.constant(Tensor.zeros(B, T, 3 * C)), 3, 0f, null));
        assertThrows(IllegalArgumentException.class,
                () -> F.causalSelfAttention(Variable.constant(Tensor.zeros(B, T, 3 * C)), H, 1f, rng));
    }

    @Test
    void causalSelfAttentionIsCausal() {
        // changing a later token's q/k/v does not change earlier outputs
        Tensor qkv = gauss(92, 1f, B, T, 3 * C);
        Tensor y0 = F.causalSelfAttention(Variable.constant(qkv), H, 0f, null).value();
        Tensor q2 = qkv.copy();
        for (int j = 0; j < 3 * C; j++) q2.data()[(0 * T + 3) * 3 * C + j] += 1f;
        Tensor y1 = F.causalSelfAttention(Variable.constant(q2), H, 0f, null).value();
        for (int t = 0; t < T; t++) {
            for (int c = 0; c < C; c++) {
                int i = (0 * T + t) * C + c;
                if (t < 3) assertEquals(y0.get(i), y1.get(i), 0f);
            }
        }
        for (int i = T * C; i < 2 * T * C; i++) assertEquals(y0.get(i), y1.get(i), 0f); // other batch row
        assertFalse(y0.get(3 * C) == y1.get(3 * C));
    }

    /** softmax(Q Kᵀ/√d + causal mask), dropout with the documented mask index, times V; explicit loops in double. */
    static double[] naiveAttention(Tensor qkv, float p, Philox rng) {
        int d = C / H;
        double[] y = new double[B * T * C];
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < T; i++) {
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += (double) qkv.at(b, i, h * d + e) * qkv.at(b, j, C + h * d + e);
                        }
                        s[j] = dot / Math.sqrt(d);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= i; j++) z += Math.exp(s[j] - max);
                    for (int j = 0; j <= i; j++) {
                        double prob = Math.exp(s[j] - max) / z;
                        if (p > 0) {
                            long index = ((long) (b * H + h) * T + i) * T + j;
                            prob = rng.uniform(index) >= p ? prob / (1 - p) : 0;
                        }
                        for (int e = 0; e < d; e++) y[(b * T + i) * C + h * d + e] += prob * qkv.at(b, j, 2 * C + h * d + e);
                    }
                }
            }
        }
        return y;
    }

    // ------------------------------------------------------------------ graph mechanics

    @Test
    void noGradRecordsNothingAndNests() {
        Variable x = new Variable(gauss(95, 1f, 3), true);
        assertTrue(NoGrad.enabled());
        try (NoGrad a = NoGrad.open()) {
            try (NoGrad b = NoGrad.open()) {
                assertFalse(NoGrad.enabled());
            }
            assertFalse(NoGrad.enabled());
            Variable y = F.sum(F.tanh(x));
            assertFalse(y.requiresGrad());
            assertThrows(IllegalStateException.class, y::backward);
        }
        assertTrue(NoGrad.enabled());
        assertTrue(F.sum(F.tanh(x)).requiresGrad());
        assertThrows(IllegalStateException.class, () -> F.tanh(x).backward()); // not a scalar
    }
}
