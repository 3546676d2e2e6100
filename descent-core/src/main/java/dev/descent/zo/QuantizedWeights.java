package dev.descent.zo;

import dev.descent.tensor.Codebook;
import dev.descent.tensor.Int4BlockTensor;
import java.util.List;

/**
 * 4-bit block-quantized weights seen as one vector of n codes (the tensors one after another):
 * element i's code, its block scale (absmax) and its decoded value scale·level(code). The codes are
 * written in place, so a model holding these tensors evaluates the new weights at once.
 */
public final class QuantizedWeights {
    private final List<Int4BlockTensor> tensors;
    private final int[] starts;
    private final int size;
    private final Codebook codebook;

    public QuantizedWeights(List<Int4BlockTensor> tensors) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("no quantized weights given");
        this.tensors = List.copyOf(tensors);
        this.codebook = tensors.get(0).codebook();
        this.starts = new int[tensors.size() + 1];
        for (int t = 0; t < tensors.size(); t++) {
            if (tensors.get(t).codebook() != codebook) throw new IllegalArgumentException("the quantized weights use different codebooks");
            starts[t + 1] = starts[t] + tensors.get(t).size();
        }
        this.size = starts[tensors.size()];
    }

    public int size() { return size; }

    public Codebook codebook() { return codebook; }

    private int tensorOf(int i) {
        int t = 0;
        while (i >= starts[t + 1]) t++;
        return t;
    }

    /** The code of element i. */
    public int code(int i) {
        int t = tensorOf(i);
        return tensors.get(t).code(i - starts[t]);
    }

    /** Stores code c for element i. */
    public void setCode(int i, int c) {
        int t = tensorOf(i);
        tensors.get(t).setCode(i - starts[t], c);
    }

    /** The block scale (absmax) of element i. */
    public float scale(int i) {
        int t = tensorOf(i);
        Int4BlockTensor w = tensors.get(t);
        return w.scales()[(i - starts[t]) / dev.descent.tensor.StorageFormat.BLOCK];
    }

    /** The weight code c stands for at element i: scale·level(c), in float32 as the kernels decode it. */
    public float value(int i, int c) {
        return codebook.level(c) * scale(i);
    }

    /** What the engine stores for an arbitrary weight w at element i: the nearest code to w/scale (scale 0: the zero code). */
    public int nearestCode(int i, float w) {
        float s = scale(i);
        return s == 0 ? codebook.encode(0f) : codebook.encode(w / s);
    }
}
