package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Optimizer} from a {@link GradientTransformation}: {@code step()} transforms the
 * gradient buffer into updates in place and adds them to the parameters. The gradients are
 * consumed by the step (call {@link #zeroGrad()} before the next backward, as with PyTorch).
 *
 * <p>The learning rate is held by the state's learning-rate cells ({@link OptState#defineLearningRate}:
 * the one of {@link Transforms#scaleByLearningRate}, or of a transformation that scales by η itself),
 * which the optimizer keeps from construction, so {@link #learningRate}/{@link #setLearningRate} read
 * and write them directly. With several (a hybrid's branches: the matrix branch first, then AdamW) the
 * first in state order is the primary one, the rate shown; {@link #setLearningRate} keeps the branches
 * in the ratio they were built with: every learning-rate cell becomes its initial value × (η / the
 * primary's initial value), and a lone learning rate becomes η exactly.
 */
public final class TransformOptimizer implements Optimizer {
    private final String name;
    private final float[] grads;
    private final ParamSet params;
    private final GradientTransformation tx;
    private final OptState state;
    /** The primary learning-rate cell, or null when the transformation has none. */
    private final double[] lr;
    /** Every learning-rate cell of the state (the primary one first) and its initial value. */
    private final List<double[]> rates;
    private final List<Double> initialRates = new ArrayList<>();
    private final double initialLr;
    private long steps;

    public TransformOptimizer(String name, FlatParameters model, GradientTransformation tx) {
        this(name, ParamSet.of(model), model.grads(), tx);
    }

    /** The optimizer over {@code params} whose gradients are in {@code grads}; its learning rate is the state's (see the class comment). */
    public TransformOptimizer(String name, ParamSet params, float[] grads, GradientTransformation tx) {
        this.name = name;
        this.params = params;
        this.grads = grads;
        this.tx = tx;
        this.state = tx.init(params);
        this.rates = state.learningRates();
        this.lr = rates.isEmpty() ? null : rates.getFirst();
        this.initialLr = lr == null ? Double.NaN : lr[0];
        for (double[] r : rates) initialRates.add(r[0]);
    }

    /**
     * The same as {@link #TransformOptimizer(String, ParamSet, float[], GradientTransformation)}: the learning
     * rate is no longer found by a path; {@code lrPath} is ignored.
     *
     * @deprecated the learning rate is the state's learning-rate cell; use the four-argument constructor
     */
    @Deprecated
    public TransformOptimizer(String name, ParamSet params, float[] grads, GradientTransformation tx, String lrPath) {
        this(name, params, grads, tx);
    }

    @Override
    public void step() {
        tx.step(grads, state, params);
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
        if (rates.size() <= 1 || initialLr == 0) {   // no ratio to keep from a zero rate: set the primary alone
            lr[0] = value;
            return;
        }
        double factor = value / initialLr;
        for (int i = 0; i < rates.size(); i++) rates.get(i)[0] = initialRates.get(i) * factor;
    }

    /** Reads a hyperparameter or counter by dotted path (or unique last name). */
    public double hyper(String path) { return state.find(path)[0]; }

    /** Changes a hyperparameter between steps. */
    public void setHyper(String path, double value) { state.find(path)[0] = value; }

    @Override
    public long stepCount() { return steps; }

    /** The transformation this optimizer runs. */
    public GradientTransformation transformation() { return tx; }

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
        if (tx instanceof FusedTransformation fused) {
            // checkpoints written before the fused kernels kept their composition's state
            Map<String, Tensor> upgraded = new LinkedHashMap<>();
            Map<String, Double> upgradedScalars = fused.upgradeLegacy(state, params, tensors, scalars, upgraded);
            if (upgradedScalars != null) {
                tensors = upgraded;
                scalars = upgradedScalars;
            }
        }
        state.restore(tensors, scalars);
        steps = st.longValue();
    }

    @Override
    public String name() { return name; }
}
