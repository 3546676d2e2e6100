package dev.descent.nn;

import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor of a {@link Module} that the model learns or holds fixed. It is <b>trainable</b> (the
 * default) or <b>frozen</b> ({@link #requiresGrad(boolean) requiresGrad(false)}), and carries the
 * {@link ParameterRole} the building model gave it.
 *
 * <p>Until the model is flattened ({@link Module#flatten()}) a parameter owns its value. Flattening
 * makes a trainable parameter's value and gradient views into the model's flat value and gradient
 * buffers, so an optimizer can treat all trainable parameters as one range (element-wise methods) or
 * each as its own matrix (shape-aware methods); a frozen parameter's value becomes a view into a
 * separate frozen buffer and it has no gradient at all: operations see {@code requiresGrad() ==
 * false} and skip computing its gradient (a frozen Linear weight costs no {@code dW} GEMM).
 */
public final class Parameter extends Variable {
    private String name;
    private final ParameterRole role;
    private boolean flattened;

    Parameter(String localName, ParameterRole role, int... shape) {
        super(Tensor.zeros(shape), true);
        this.name = localName;
        this.role = Objects.requireNonNull(role, "role");
    }

    /**
     * The dotted name in the model, as PyTorch's {@code named_parameters()} gives it, once the model
     * is flattened; before that, the local name the module registered it under.
     */
    public String name() { return name; }

    /** What the parameter is for, as the model that built it says (optimizers route by it). */
    public ParameterRole role() { return role; }

    /** True unless the parameter is frozen. */
    public boolean isTrainable() { return requiresGrad(); }

    /**
     * Makes the parameter trainable ({@code true}) or frozen ({@code false}); allowed only before the
     * model is flattened, because flattening decides which buffer holds it.
     */
    public Parameter requiresGrad(boolean on) {
        if (flattened) {
            throw new IllegalStateException("parameter '" + name + "' is already flattened; freeze or unfreeze parameters before flattening the model");
        }
        setRequiresGrad(on);
        if (!on) grad = null;
        return this;
    }

    /** True once the parameter is a view into a model's flat buffers. */
    public boolean isFlattened() { return flattened; }

    void rename(String fullName) { this.name = fullName; }

    /**
     * Re-points the value (and, for a trainable parameter, the gradient) to views in flat buffers,
     * copying what the parameter held; done once, when the model is flattened.
     */
    void bind(Tensor value, Tensor grad) {
        if (flattened) throw new IllegalStateException("parameter '" + name + "' already belongs to a flattened model");
        if ((grad != null) != isTrainable()) throw new IllegalArgumentException("a gradient view for exactly the trainable parameters");
        value.copyFrom(this.value);
        if (grad != null && this.grad != null) grad.copyFrom(this.grad);
        this.value = value;
        this.grad = grad;
        this.flattened = true;
    }

    public int rank() { return value.rank(); }

    /** True for parameters of rank ≥ 2 (hidden matrices, embeddings, heads; see {@link #role()} to tell them apart). */
    public boolean isMatrix() { return value.rank() >= 2; }

    /** The gradient: a view into the flat gradient buffer once flattened; null for a frozen parameter. */
    @Override
    public Tensor grad() { return grad; }

    @Override
    public Tensor gradForUpdate() {
        if (!isTrainable()) throw new IllegalStateException("parameter '" + name + "' is frozen: it has no gradient");
        return super.gradForUpdate();
    }

    @Override
    public String toString() { return name + Arrays.toString(value.shape()) + (isTrainable() ? "" : " (frozen)"); }
}
