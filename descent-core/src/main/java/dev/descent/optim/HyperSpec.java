package dev.descent.optim;

import java.util.List;
import java.util.function.Function;

/**
 * The hyperparameters of a named optimizer: its {@link HyperField}s (in the order the docs list them)
 * and the binding of a typed record from {@link HyperParams}. Each hyperparameter record holds one as
 * {@code SPEC}; {@link OptimizerFactory#of} registers a factory that takes the record.
 *
 * @param <H> the record type
 */
public record HyperSpec<H>(List<HyperField<?>> fields, Function<HyperParams, H> binder) {
    public HyperSpec {
        fields = List.copyOf(fields);
    }

    /** The record from named values (defaults for the names not given); a bad value throws naming its key. */
    public H bind(HyperParams h) {
        return binder.apply(h);
    }
}
