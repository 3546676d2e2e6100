package dev.descent.optim;

import dev.descent.nn.ParameterRole;
import java.util.Arrays;
import java.util.Objects;

/**
 * One parameter as an optimizer sees it: its name, shape, role (what it is for, from the model that
 * built it), place in the model's flat buffers ({@code offset}) and place in the flat state buffers of
 * the {@link ParamSet} it belongs to ({@code stateOffset}).
 *
 * <p>Shape-aware optimizers view a parameter of rank ≥ 2 as a matrix of {@link #rows()} ×
 * {@link #cols()} (the first dimension by the product of the others, as Muon flattens conv filters).
 */
public record ParamSlot(int index, String name, int[] shape, ParameterRole role, int offset, int stateOffset, int size) {
    public ParamSlot {
        shape = shape.clone();
        Objects.requireNonNull(role, "role");
    }

    /** A slot for a parameter known only by name and shape: its role is {@link ParameterRole#infer inferred}. */
    public ParamSlot(int index, String name, int[] shape, int offset, int stateOffset, int size) {
        this(index, name, shape, ParameterRole.infer(name, shape.length), offset, stateOffset, size);
    }

    public int rank() { return shape.length; }

    /** True for parameters of rank ≥ 2. */
    public boolean isMatrix() { return shape.length >= 2; }

    /** Rows of the matrix view (the first dimension; 1 for vectors and scalars). */
    public int rows() { return shape.length >= 2 ? shape[0] : 1; }

    /** Columns of the matrix view (the product of the other dimensions; the size for vectors). */
    public int cols() { return shape.length >= 2 ? size / Math.max(1, shape[0]) : size; }

    @Override
    public int[] shape() { return shape.clone(); }

    @Override
    public String toString() { return name + Arrays.toString(shape); }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSlot p && p.index == index && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && p.role == role && p.offset == offset && p.stateOffset == stateOffset;
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + offset; }
}
