package dev.descent.optim;

import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the fused element-wise optimizers ({@link AdamW}, {@link SgdMomentum}, {@link LionFused})
 * share: the parameter set and gradient buffer, the one-pass driver ({@link FusedPass}), the
 * learning rate and step count, and named per-element state buffers exported as one tensor per
 * parameter ({@code <parameter>.<buffer>}, as PyTorch names its state). A subclass allocates its
 * buffers with {@link #stateBuffer}, prepares the step's scalars in {@link #beforePass} and updates
 * one piece of one parameter in {@link #piece}.
 */
abstract class FusedOptimizer implements Optimizer {
    protected final ParamSet params;
    protected final float[] grads;
    protected final FusedPass pass;
    protected final ParamSlot[] slots;
    private final String name;
    private final Map<String, float[]> buffers = new LinkedHashMap<>();
    protected double lr;
    protected long t;

    protected FusedOptimizer(String name, ParamSet params, float[] grads, double lr) {
        Hyper.nonNegative("lr", lr);
        FusedPass.checkGrads(params, grads);
        this.name = name;
        this.params = params;
        this.grads = grads;
        this.pass = new FusedPass(params, this::piece);
        this.slots = pass.slots();
        this.lr = lr;
    }

    /** A zero state buffer over the set's elements, exported as {@code <parameter>.<suffix>}. */
    protected final float[] stateBuffer(String suffix) {
        float[] b = new float[params.elements()];
        buffers.put(suffix, b);
        return b;
    }

    /** Sets this step's scalars (bias corrections, decay factor) before the pass; {@link #t} is already the new step. */
    protected void beforePass() {}

    /** Updates {@code n} elements of slot {@code slot} at model offset {@code off} and state offset {@code so}. */
    protected abstract void piece(int slot, int off, int so, int n);

    @Override
    public final void step() {
        t++;
        beforePass();
        pass.run();
    }

    @Override
    public void zeroGrad() { pass.zero(grads); }

    @Override
    public double learningRate() { return lr; }

    @Override
    public void setLearningRate(double lr) {
        Hyper.nonNegative("lr", lr);
        this.lr = lr;
    }

    @Override
    public long stepCount() { return t; }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (ParamSlot p : slots) {
            for (var b : buffers.entrySet()) s.put(p.name() + "." + b.getKey(), Tensor.view(b.getValue(), p.stateOffset(), p.shape()));
        }
        return s;
    }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) t);
        s.put("lr", lr);
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> state, Map<String, Double> scalars) {
        Double steps = scalars.get("step");
        if (steps == null) throw new IllegalArgumentException("optimizer state is missing the scalar 'step'");
        FusedPass.restore(state(), state);
        this.t = steps.longValue();
        if (scalars.containsKey("lr")) this.lr = scalars.get("lr");
    }

    @Override
    public String name() { return name; }
}
