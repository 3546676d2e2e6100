package dev.descent.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise kernels over flat ranges, written with the Vector API.
 *
 * <p>Each takes arrays with offsets and a length, so the same loop serves a whole flat parameter
 * buffer, one parameter's view, or one row. Broadcasting is in {@link Broadcast}, which reduces
 * every case to calls of these loops.
 */
public final class Elementwise {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Elementwise() {}

    /** Binary operations with a broadcasting form in {@link Broadcast}. */
    public enum Op {
        ADD, SUB, MUL, DIV;

        float apply(float a, float b) {
            return switch (this) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
            };
        }

        FloatVector apply(FloatVector a, FloatVector b) {
            return switch (this) {
                case ADD -> a.add(b);
                case SUB -> a.sub(b);
                case MUL -> a.mul(b);
                case DIV -> a.div(b);
            };
        }
    }

    /** out[i] = a[i] op b[i]. */
    public static void apply(Op op, float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            op.apply(FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = op.apply(a[ao + i], b[bo + i]);
    }

    /** out[i] = a[i] op s. */
    public static void applyScalarRight(Op op, float[] a, int ao, float s, float[] out, int oo, int n) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            op.apply(FloatVector.fromArray(S, a, ao + i), vs).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = op.apply(a[ao + i], s);
    }

    /** out[i] = s op b[i]. */
    public static void applyScalarLeft(Op op, float s, float[] b, int bo, float[] out, int oo, int n) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            op.apply(vs, FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = op.apply(s, b[bo + i]);
    }

    /** y[i] += alpha * x[i]. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** x[i] *= alpha. */
    public static void scale(float alpha, float[] x, int xo, int n) {
        applyScalarRight(Op.MUL, x, xo, alpha, x, xo, n);
    }

    /** y[i] += x[i]. */
    public static void addInPlace(float[] x, int xo, float[] y, int yo, int n) {
        apply(Op.ADD, y, yo, x, xo, y, yo, n);
    }

    /** out[i] = a[i] * b[i] + c[i]. */
    public static void fma(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] out, int oo, int n) {
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), FloatVector.fromArray(S, c, co + i))
                    .intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = Math.fma(a[ao + i], b[bo + i], c[co + i]);
    }

    /** out[i] = max(a[i], 0). */
    public static void relu(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            FloatVector.fromArray(S, a, ao + i).max(0f).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = Math.max(a[ao + i], 0f);
    }

    /** out[i] = tanh(a[i]). */
    public static void tanh(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            VectorMath.tanh(FloatVector.fromArray(S, a, ao + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = VectorMath.tanh(a[ao + i]);
    }

    /** out[i] = exp(a[i]). */
    public static void exp(float[] a, int ao, float[] out, int oo, int n) {
        int i = 0;
        for (int u = S.loopBound(n); i < u; i += L) {
            VectorMath.exp(FloatVector.fromArray(S, a, ao + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = VectorMath.exp(a[ao + i]);
    }

    /** out[i] = log(a[i]). */
    public static void log(float[] a, int ao, float[] out, int oo, int n) {
        // StrictMath: the same bits compiled or interpreted (see VectorMath).
        for (int i = 0; i < n; i++) out[oo + i] = (float) StrictMath.log(a[ao + i]);
    }
}
