package dev.descent.optim;

/** A value (usually a learning rate) as a function of the step count, which starts at 0. */
@FunctionalInterface
public interface Schedule {
    double at(long step);
}
