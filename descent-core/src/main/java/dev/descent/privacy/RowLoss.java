package dev.descent.privacy;

/**
 * A model's loss over chosen rows of its training data, with the gradient written into the model's
 * flat gradient buffer: what DP-SGD needs per example and a federated client needs per minibatch.
 * The rows are indices into the data the loss was built over.
 */
public interface RowLoss {
    /** Number of training rows. */
    int rows();

    /** The trainable parameters' flat values. */
    float[] values();

    /** The gradient buffer {@link #lossAndGradient} writes. */
    float[] grads();

    /**
     * Mean loss over {@code rows[from .. from + count)} and its gradient, which <em>replaces</em>
     * the contents of {@link #grads()}.
     */
    double lossAndGradient(int[] rows, int from, int count);

    /** Mean loss over {@code rows[from .. from + count)} without gradients. */
    double loss(int[] rows, int from, int count);
}
