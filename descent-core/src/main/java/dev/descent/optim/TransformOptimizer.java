package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.tensor.Elementwise;
import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link Optimizer} from a {@link GradientTransformation}: {@code step()} transforms the
 * gradient buffer into updates in place and adds them to the parameters. The gradients are
 * consumed by the step (call {@link #zeroGrad()} before the next backward, as with PyTorch).
 *
 * <p>The learning rate shown and set is the state scalar {@code lr} of the transformation (the
 * one of {@link Transforms#scaleByLearningRate}); with several, name it by its dotted path in the
 * constructor.
 */
public final class TransformOptimizer implements Optimizer {
    private final String name;
    private final float[] grads;
    private final ParamSet params;
    private final GradientTransformation tx;
    private final OptState state;
    private final double[] lr;
    private long steps;

    public TransformOptimizer(String name, FlatParameters model, GradientTransformation tx) {
        this(name, ParamSet.of(model), model.grads(), tx, "lr");
    }

    /**
     * @param lrPath the state scalar that holds the learning rate ("lr" when it is unique), or null
     *               when the optimizer has none
     */
    public TransformOptimizer(String name, ParamSet params, float[] grads, GradientTransformation tx, String lrPath) {
        this.name = name;
        this.params = params;
        this.grads = grads;
        this.tx = tx;
        this.state = tx.init(params);
        this.lr = lrPath == null ? null : state.find(lrPath);
    }

    @Override
    public void step() {
        tx.update(grads, state, params);
        float[] p = params.values();
        params.forEachPiece((slot, off, so, n) -> Elementwise.addInPlace(grads, off, p, off, n));
        steps++;
    }

    @Override
    public void zeroGrad() {
        for (ParamSlot s : params.slots()) java.util.Arrays.fill(grads, s.offset(), s.offset() + s.size(), 0f);
    }

    @Override
    public double learningRate() {
        return lr == null ? Double.NaN : lr[0];
    }

    @Override
    public void setLearningRate(double value) {
        Hyper.nonNegative("lr", value);
        if (lr == null) throw new IllegalStateException(name + " has no learning rate");
        lr[0] = value;
    }

    /** Reads a hyperparameter or counter by dotted path (or unique last name). */
    public double hyper(String path) { return state.find(path)[0]; }

    /** Changes a hyperparameter between steps. */
    public void setHyper(String path, double value) { state.find(path)[0] = value; }

    @Override
    public long stepCount() { return steps; }

    /** The transformation's state (for inspection and tests). */
    public OptState optState() { return state; }

    public ParamSet paramSet() { return params; }

    @Override
    public Map<String, Tensor> state() { return state.tensors(); }

    @Override
    public Map<String, Double> scalars() {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", (double) steps);
        s.putAll(state.scalars());
        return s;
    }

    @Override
    public void loadState(Map<String, Tensor> tensors, Map<String, Double> scalars) {
        Double st = scalars.get("step");
        if (st == null) throw new IllegalArgumentException("optimizer state is missing the scalar 'step'");
        state.restore(tensors, scalars);
        steps = st.longValue();
    }

    @Override
    public String name() { return name; }
}
