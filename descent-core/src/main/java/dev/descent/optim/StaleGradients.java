package dev.descent.optim;

import dev.descent.tensor.Philox;
import java.util.Arrays;
import java.util.Objects;

/**
 * Simulated gradient delay, as in asynchronous or pipelined training: the update of step t uses the
 * gradient computed at step {@code t − D_t} (on the parameters and minibatch of that step) instead of
 * the fresh one. It wraps the {@link Objective}, so any optimizer on the one training loop sees
 * delayed gradients without knowing it; with D = 0 it hands over the fresh gradient untouched, so
 * training is bit-identical to training without the wrapper.
 * <ul>
 *   <li>fixed delay: {@code D_t = D};</li>
 *   <li>random delay: {@code D_t} uniform on {0, …, D} from the stream (seed, "delay") at index t,
 *       independent of the optimizer's randomness (a gradient may then be used twice or never,
 *       as when workers of different speeds report out of order).</li>
 * </ul>
 * While the pipeline fills ({@code t < D_t}) no gradient has arrived and the update uses a zero
 * gradient (the choice of pipelined-training simulations such as the Adaptive Braking paper's, where
 * the first D steps apply nothing; an optimizer with weight decay or a bias-corrected step count still
 * advances its state). The reported loss is the fresh loss at step t. Memory: D + 1 gradient copies.
 */
public final class StaleGradients implements Objective {
    private final Objective inner;
    private final float[] grads;
    private final int maxDelay;
    private final boolean random;
    private final Philox delays;
    private final float[][] ring;
    private long step = -1;

    /**
     * @param inner    the objective whose gradients are delayed
     * @param grads    the gradient buffer it writes (and the optimizer reads)
     * @param delay    D ≥ 0: the fixed delay, or the largest random delay
     * @param random   draw D_t uniformly from {0, …, D} instead of using D every step
     * @param seed     keys the random delays
     */
    public StaleGradients(Objective inner, float[] grads, int delay, boolean random, long seed) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.grads = Objects.requireNonNull(grads, "grads");
        if (delay < 0) throw new IllegalArgumentException("delay must be >= 0, got " + delay);
        this.maxDelay = delay;
        this.random = random;
        this.delays = Philox.stream(seed, "delay");
        this.ring = new float[delay == 0 ? 0 : delay + 1][];
        for (int i = 0; i < ring.length; i++) ring[i] = new float[grads.length];
    }

    /** The delay of step t. */
    public int delayAt(long t) {
        return random ? delays.nextInt(t, maxDelay + 1) : maxDelay;
    }

    @Override
    public void prepare(long step) {
        this.step = step;
        inner.prepare(step);
    }

    @Override
    public double lossAndGradient() {
        double loss = inner.lossAndGradient();
        if (maxDelay == 0) return loss;
        if (step < 0) throw new IllegalStateException("call prepare(step) before lossAndGradient()");
        int slots = ring.length;
        System.arraycopy(grads, 0, ring[(int) (step % slots)], 0, grads.length);
        int d = delayAt(step);
        if (step < d) Arrays.fill(grads, 0f);
        else System.arraycopy(ring[(int) ((step - d) % slots)], 0, grads, 0, grads.length);
        return loss;
    }

    @Override
    public double loss() { return inner.loss(); }

    @Override
    public Curvature curvature() { return inner.curvature(); }
}
