package dev.descent.autograd;

import dev.descent.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value in a define-by-run computation: a {@link Tensor}, its gradient, and (for results of
 * operations recorded while gradients are enabled) the node that produced it.
 *
 * <p>Each operation in {@link F} computes its output eagerly and, when any input needs a gradient
 * and no {@link NoGrad} scope is open, records a {@link Backward} closure with references to its
 * inputs. {@link #backward()} orders the recorded graph topologically from this scalar and runs the
 * closures in reverse, each adding into its inputs' gradients. Gradients accumulate (as in
 * PyTorch) until they are zeroed; a parameter's gradient is a view into the model's flat gradient
 * buffer, so accumulation lands there directly.
 *
 * <p>A value may belong to an {@link ActivationArena}: results computed from it take their storage
 * (values, gradients, saved buffers) from that arena, and {@link #backward(Tensor)} hands each
 * intermediate gradient back to it once consumed. Without an arena every buffer is a new array.
 */
public class Variable {
    /** Adds the contribution of an output gradient into the inputs' gradients. */
    @FunctionalInterface
    public interface Backward {
        void apply(Tensor outGrad);
    }

    protected Tensor value;
    protected Tensor grad;
    private boolean requiresGrad;
    private Variable[] parents;
    private Backward backward;
    private ActivationArena arena;

    /** A leaf holding {@code value}; {@code requiresGrad} leaves collect gradients. */
    public Variable(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** A constant leaf (no gradient). */
    public static Variable constant(Tensor value) {
        return new Variable(value, false);
    }

    /**
     * The result of an operation: records {@code backward} when gradients are enabled and some
     * parent needs one; otherwise a constant.
     */
    public static Variable result(Tensor value, Backward backward, Variable... parents) {
        boolean needs = false;
        if (NoGrad.enabled()) {
            for (Variable p : parents) {
                if (p != null && p.requiresGrad) {
                    needs = true;
                    break;
                }
            }
        }
        Variable v = new Variable(value, needs);
        v.arena = arenaOf(parents);
        if (needs) {
            v.parents = parents;
            v.backward = backward;
        }
        return v;
    }

    public Tensor value() { return value; }

    /** The arena this value's results take their storage from, or null (new arrays). */
    public ActivationArena arena() { return arena; }

    /** The arena of the first of {@code vars} that has one, or null. */
    static ActivationArena arenaOf(Variable... vars) {
        for (Variable v : vars) {
            if (v != null && v.arena != null) return v.arena;
        }
        return null;
    }

    /**
     * A tensor of {@code shape} for an output that its operation overwrites in full before reading
     * any of it: from the arena of the first of {@code vars} that has one, not zero-filled
     * ({@link ActivationArena#unzeroed}), else a new one.
     */
    static Tensor unzeroed(int[] shape, Variable... vars) {
        ActivationArena a = arenaOf(vars);
        return a == null ? Tensor.zeros(shape) : a.unzeroed(shape);
    }

    /** {@link #unzeroed} for a saved array of {@code length} floats, from the arena of {@code v}. */
    static float[] unzeroedBuffer(int length, Variable v) {
        return v.arena == null ? new float[length] : v.arena.unzeroedBuffer(length);
    }

    /** This value, belonging to {@code arena} from now on (for the first value of a graph). */
    Variable inArena(ActivationArena arena) {
        this.arena = arena;
        return this;
    }

    /** The accumulated gradient, or null if none has been computed. */
    public Tensor grad() { return grad; }

    public boolean requiresGrad() { return requiresGrad; }

    /** Turns gradient collection for a leaf on or off (a frozen parameter); a leaf's owner decides when this is allowed. */
    protected void setRequiresGrad(boolean on) { this.requiresGrad = on; }

    public int[] shape() { return value.shape(); }

    public int size() { return value.size(); }

    /** The gradient tensor, allocated (zero) on first use; operations add into it. */
    public Tensor gradForUpdate() {
        if (grad == null) grad = arena == null ? Tensor.zeros(value.shape()) : arena.zeros(value.shape());
        return grad;
    }

    /**
     * The gradient tensor for an operation that will write every element of it, when no gradient
     * has been added yet ({@link #grad()} is null): taken from the arena without its zero fill, so
     * the caller must overwrite it in full (a GEMM with β = 0). Once a gradient exists, use
     * {@link #gradForUpdate} and add into it. Writing the first contribution instead of adding it
     * to zeros gives the same bits (x + 0 = x for every x but −0, and a GEMM's sum, started from
     * +0, is −0 only when it underflows from below) and saves a fill and a read of the whole tensor.
     *
     * @throws IllegalStateException if a gradient already exists
     */
    public Tensor gradToOverwrite() {
        if (grad != null) throw new IllegalStateException("gradient already started; add into gradForUpdate()");
        grad = arena == null ? Tensor.zeros(value.shape()) : arena.unzeroed(value.shape());
        return grad;
    }

    /** The scalar value of a one-element variable. */
    public float item() {
        if (value.size() != 1) throw new IllegalStateException("item() of a tensor of shape " + Arrays.toString(value.shape()));
        return value.get(0);
    }

    /** Back-propagates from this scalar (seed gradient 1). */
    public void backward() {
        if (value.size() != 1) {
            throw new IllegalStateException("backward() needs a scalar; got shape " + Arrays.toString(value.shape()));
        }
        Tensor seed = Tensor.zeros(value.shape());
        seed.set(0, 1f);
        backward(seed);
    }

    /**
     * Back-propagates {@code seed} (the gradient of some scalar with respect to this value) through the
     * recorded graph, then releases the graph so that its intermediate values can be collected.
     *
     * <p>Each node is released as soon as its backward has run: its gradient (consumed, and never
     * read again) goes back to its arena, if it has one, and its closure, parents and gradient are
     * dropped, so that the memory of the layers already done can be collected or reused while the
     * pass goes on through the layers below. The arithmetic is the same as releasing at the end.
     */
    public void backward(Tensor seed) {
        if (!requiresGrad) throw new IllegalStateException("this value does not depend on anything that needs a gradient");
        List<Variable> order = topologicalOrder();
        gradForUpdate();
        dev.descent.tensor.Elementwise.addInPlace(seed.data(), seed.offset(), grad.data(), grad.offset(), grad.size());
        for (int i = order.size() - 1; i >= 0; i--) {
            Variable v = order.get(i);
            order.set(i, null);
            if (v.backward == null) continue; // a leaf keeps its gradient
            if (v.grad != null) {
                v.backward.apply(v.grad);
                if (v.arena != null) v.arena.recycle(v.grad);
            }
            v.backward = null;
            v.parents = null;
            v.grad = null;
        }
    }

    /** Nodes reachable from this one, parents before children (iterative DFS; graphs are deep). */
    private List<Variable> topologicalOrder() {
        List<Variable> order = new ArrayList<>();
        Map<Variable, Boolean> seen = new IdentityHashMap<>();
        Deque<Variable> stack = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        stack.push(this);
        next.push(0);
        seen.put(this, true);
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            int i = next.pop();
            Variable[] ps = v.parents == null ? new Variable[0] : v.parents;
            if (i < ps.length) {
                next.push(i + 1);
                Variable p = ps[i];
                if (p != null && p.requiresGrad && seen.put(p, true) == null) {
                    stack.push(p);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }

    @Override
    public String toString() {
        return "Variable" + Arrays.toString(value.shape()) + (requiresGrad ? " (grad)" : "");
    }
}
