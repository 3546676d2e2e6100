package dev.descent.continual;

/**
 * A term added to the training loss of a continual strategy (EWC's quadratic anchor): its value at
 * the parameters and, when asked, its gradient added into the gradient buffer.
 */
@FunctionalInterface
public interface Penalty {
    Penalty NONE = (params, grads) -> 0;

    /**
     * @param params the model's flat parameter values
     * @param grads  the gradient buffer to add the penalty's gradient to, or null for the value only
     * @return the penalty's value
     */
    double apply(float[] params, float[] grads);
}
