package dev.descent.spark;

import dev.descent.optim.Optimizer;
import dev.descent.tensor.Tensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run is after {@code step} steps, as plain serializable data: the flat trainable parameters
 * and the optimizer's state ({@link Optimizer#state()}, {@link Optimizer#scalars()}). The driver ships
 * it to the ranks at the start of each stage and gets it back from rank 0 at the end, to checkpoint it.
 *
 * @param tensors optimizer state tensors by name: shape, then values ({@link #tensor})
 */
public record TrainingState(long step, float[] values, Map<String, float[]> tensors, Map<String, int[]> shapes,
                            Map<String, Double> scalars) implements Serializable {

    /** The state of {@code values} and {@code optimizer} after {@code step} steps (copies). */
    public static TrainingState of(long step, float[] values, Optimizer optimizer) {
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> s = new LinkedHashMap<>();
        for (var e : optimizer.state().entrySet()) {
            Tensor v = e.getValue();
            t.put(e.getKey(), Arrays.copyOfRange(v.data(), v.offset(), v.offset() + v.size()));
            s.put(e.getKey(), v.shape());
        }
        return new TrainingState(step, values.clone(), t, s, new LinkedHashMap<>(optimizer.scalars()));
    }

    /** Copies the parameters into {@code values} and restores {@code optimizer} (a fresh start, step 0, leaves a new optimizer as it is). */
    public void applyTo(float[] values, Optimizer optimizer) {
        if (values.length != this.values.length) {
            throw new IllegalArgumentException("state holds " + this.values.length + " parameters, the model has " + values.length);
        }
        System.arraycopy(this.values, 0, values, 0, values.length);
        if (scalars.isEmpty() && tensors.isEmpty()) return;
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (var e : tensors.entrySet()) t.put(e.getKey(), Tensor.of(e.getValue().clone(), shapes.get(e.getKey())));
        optimizer.loadState(t, scalars);
    }

    /** The state at step 0: these initial parameters, an optimizer not yet stepped. */
    public static TrainingState initial(float[] values) {
        return new TrainingState(0, values.clone(), Map.of(), Map.of(), Map.of());
    }
}
