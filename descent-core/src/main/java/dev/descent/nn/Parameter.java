package dev.descent.nn;

import dev.descent.autograd.Variable;
import dev.descent.tensor.Tensor;

/**
 * A trainable tensor of a {@link Module}. Once the model is built its value and gradient are views
 * into the model's {@link FlatParameters} buffers, so an optimizer can treat all parameters as one
 * range (element-wise methods) or each as its own matrix (shape-aware methods).
 */
public final class Parameter extends Variable {
    private String name;
    private final ParameterRole role;

    Parameter(String localName, ParameterRole role, int... shape) {
        super(Tensor.zeros(shape), true);
        this.name = localName;
        this.role = java.util.Objects.requireNonNull(role, "role");
        this.grad = Tensor.zeros(shape);
    }

    /** What the parameter is for, as the model that built it says (optimizers route by it). */
    public ParameterRole role() { return role; }

    /** The dotted name in the model, as PyTorch's {@code named_parameters()} gives it. */
    public String name() { return name; }

    void rename(String fullName) { this.name = fullName; }

    /** Re-points value and gradient to views in the flat buffers (done once, when the model is built). */
    void bind(Tensor value, Tensor grad) {
        value.copyFrom(this.value);
        grad.copyFrom(this.grad);
        this.value = value;
        this.grad = grad;
    }

    public int rank() { return value.rank(); }

    /** True for parameters of rank ≥ 2 (hidden matrices, embeddings, heads; see {@link #role()} to tell them apart). */
    public boolean isMatrix() { return value.rank() >= 2; }

    /** The gradient view; never null for a parameter. */
    @Override
    public Tensor grad() { return grad; }

    @Override
    public Tensor gradForUpdate() { return grad; }

    @Override
    public String toString() { return name + java.util.Arrays.toString(value.shape()); }
}
