package dev.descent.quant;

import dev.descent.autograd.Variable;
import dev.descent.nn.LinearLayer;
import dev.descent.nn.Module;
import dev.descent.nn.Parameter;
import dev.descent.nn.ParameterRole;
import dev.descent.tensor.StoredTensor;
import dev.descent.tensor.Tensor;
import java.util.Arrays;

/**
 * A frozen linear layer y = x Wᵀ + b whose weight W [out, in] stays packed in a
 * {@link StoredTensor} (NF4 from {@link NormalFloat4}, int8 blocks, bfloat16, …): bitsandbytes'
 * {@code Linear4bit} in Descent. The base of QLoRA: wrap it in a LoRA adapter, which trains its
 * low-rank matrices while this layer passes gradients through to its input.
 *
 * <ul>
 *   <li>Forward: one input row (sampling, batch 1) uses the format's matrix-vector kernel
 *       {@link StoredTensor#matvec}, which reads the packed bytes once; more rows use
 *       {@link QuantizedGemm#forward}, which decodes W tile by tile inside the GEMM. W is never
 *       decoded whole.</li>
 *   <li>Backward: dx = dy · W by {@link QuantizedGemm#inputGradient} (the same tiles); no weight
 *       gradient, since W is frozen. The optional bias is a float32 {@link Parameter} (role
 *       {@link ParameterRole#BIAS}), frozen by default as in QLoRA; unfreeze it to train it.</li>
 * </ul>
 */
public final class QuantizedLinear extends Module implements LinearLayer {
    private final StoredTensor weight;
    public final Parameter bias;

    /** A layer over {@code weight} [out, in] with {@code bias} [out] copied in, or none when null. */
    public QuantizedLinear(StoredTensor weight, Tensor bias) {
        int[] shape = weight.shape();
        if (shape.length != 2) throw new IllegalArgumentException("QuantizedLinear needs a weight of shape [out, in], got " + Arrays.toString(shape));
        this.weight = weight;
        if (bias != null) {
            if (bias.size() != shape[0]) {
                throw new IllegalArgumentException("bias of " + bias.size() + " values for a weight with " + shape[0] + " output features");
            }
            this.bias = parameter("bias", ParameterRole.BIAS, shape[0]);
            Tensor v = this.bias.value();
            System.arraycopy(bias.data(), bias.offset(), v.data(), v.offset(), shape[0]);
            this.bias.requiresGrad(false);
        } else {
            this.bias = null;
        }
    }

    /** The packed weight (shared, not copied). */
    public StoredTensor weight() { return weight; }

    @Override
    public int inFeatures() { return weight.shape()[1]; }

    @Override
    public int outFeatures() { return weight.shape()[0]; }

    @Override
    public Variable forward(Variable x) {
        Tensor xv = x.value();
        int in = inFeatures();
        int out = outFeatures();
        if (xv.dim(-1) != in) {
            throw new IllegalArgumentException("QuantizedLinear: input " + Arrays.toString(xv.shape()) + " with weight [" + out + ", " + in + "]");
        }
        int rows = xv.size() / in;
        int[] outShape = xv.shape();
        outShape[outShape.length - 1] = out;
        Tensor y = Tensor.zeros(outShape);
        float[] yd = y.data();
        if (rows == 1) {
            weight.matvec(xv.data(), xv.offset(), yd, 0);
            if (bias != null) {
                Tensor b = bias.value();
                for (int o = 0; o < out; o++) yd[o] += b.data()[b.offset() + o];
            }
        } else {
            float beta = 0f;
            if (bias != null) {
                Tensor b = bias.value();
                for (int r = 0; r < rows; r++) System.arraycopy(b.data(), b.offset(), yd, r * out, out);
                beta = 1f;
            }
            QuantizedGemm.forward(weight, xv.data(), xv.offset(), rows, beta, yd, 0);
        }
        return Variable.result(y, g -> {
            if (x.requiresGrad()) {
                Tensor xg = x.gradForUpdate();
                QuantizedGemm.inputGradient(weight, g.data(), g.offset(), rows, xg.data(), xg.offset());
            }
            if (bias != null && bias.requiresGrad()) {
                Tensor bg = bias.gradForUpdate();
                dev.descent.tensor.Reductions.addColumnSums(g.data(), g.offset(), rows, out, bg.data(), bg.offset());
            }
        }, x, bias);
    }
}
