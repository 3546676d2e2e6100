package dev.descent.optim;

/** A group of related optimizers that registers itself (one class per family keeps the registry short). */
public interface OptimizerFamily {
    void register(OptimizerRegistry registry);
}
