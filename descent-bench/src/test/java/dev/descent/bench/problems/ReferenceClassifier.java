package dev.descent.bench.problems;

import dev.descent.data.ClassificationData;
import dev.descent.optim.ParamSet;
import dev.descent.optim.ParamSlot;
import java.util.List;

/**
 * An independent float64 implementation of the classifiers' loss, for tests: the slots of a
 * {@link ParamSet} taken as (weight [out, in], bias [out]) pairs of a ReLU MLP (no hidden layer:
 * softmax regression), mean cross-entropy over given rows.
 */
final class ReferenceClassifier {
    private ReferenceClassifier() {}

    /** Logits of row {@code row} of {@code data} at parameters {@code theta} (layout of {@code params}). */
    static double[] logits(ParamSet params, double[] theta, ClassificationData data, int row) {
        List<ParamSlot> slots = params.slots();
        double[] a = new double[data.cols()];
        for (int j = 0; j < a.length; j++) a[j] = data.features()[row * data.cols() + j];
        for (int l = 0; l < slots.size(); l += 2) {
            ParamSlot w = slots.get(l);
            ParamSlot b = slots.get(l + 1);
            int out = w.shape()[0];
            int in = w.shape()[1];
            double[] z = new double[out];
            for (int k = 0; k < out; k++) {
                double s = theta[b.offset() + k];
                for (int j = 0; j < in; j++) s += theta[w.offset() + k * in + j] * a[j];
                z[k] = l + 2 < slots.size() ? Math.max(0, s) : s;
            }
            a = z;
        }
        return a;
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double[] p = new double[z.length];
        double sum = 0;
        for (int k = 0; k < z.length; k++) sum += p[k] = Math.exp(z[k] - max);
        for (int k = 0; k < z.length; k++) p[k] /= sum;
        return p;
    }

    /** Mean cross-entropy over {@code rows} of {@code data}. */
    static double loss(ParamSet params, double[] theta, ClassificationData data, int[] rows) {
        double total = 0;
        for (int r : rows) {
            double[] p = softmax(logits(params, theta, data, r));
            total -= Math.log(p[data.labels()[r]]);
        }
        return total / rows.length;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
