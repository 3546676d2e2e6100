package dev.descent.optim;

import dev.descent.nn.FlatParameters;
import dev.descent.nn.Parameter;
import dev.descent.tensor.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * The parameters a gradient transformation updates: slots over the model's flat value buffer.
 * Updates use the same layout as the values (index {@code slot.offset() + i}); a transformation's
 * state buffers are laid out densely over the set's slots (index {@code slot.stateOffset() + i}), so
 * a branch of a {@code partition} holds state only for its own parameters.
 */
public final class ParamSet {
    private final float[] values;
    private final List<ParamSlot> slots;
    private final int elements;
    private final boolean wholeBuffer;

    private ParamSet(float[] values, List<ParamSlot> slots) {
        this.values = values;
        this.slots = List.copyOf(slots);
        long n = 0;
        boolean whole = true;
        for (ParamSlot s : slots) {
            if (s.offset() != n || s.stateOffset() != n) whole = false;
            n += s.size();
        }
        this.elements = (int) n;
        this.wholeBuffer = whole && n == values.length;
    }

    /** All parameters of a model. */
    public static ParamSet of(FlatParameters params) {
        List<ParamSlot> slots = new ArrayList<>();
        List<Parameter> list = params.list();
        for (int i = 0; i < list.size(); i++) {
            Parameter p = list.get(i);
            slots.add(new ParamSlot(i, p.name(), p.shape(), p.role(), params.offset(i), params.offset(i), p.size()));
        }
        return new ParamSet(params.values(), slots);
    }

    /**
     * Parameters given as (name, shape) laid out one after another in {@code values}; with no model to
     * give their roles, each role is {@link dev.descent.nn.ParameterRole#infer inferred} from name and rank.
     */
    public static ParamSet of(float[] values, List<String> names, List<int[]> shapes) {
        List<ParamSlot> slots = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < names.size(); i++) {
            int size = dev.descent.tensor.Tensor.sizeOf(shapes.get(i));
            slots.add(new ParamSlot(i, names.get(i), shapes.get(i), off, off, size));
            off += size;
        }
        if (off != values.length) throw new IllegalArgumentException("shapes cover " + off + " values, buffer has " + values.length);
        return new ParamSet(values, slots);
    }

    /** The parameters for which {@code keep} holds, with dense state offsets of their own. */
    public ParamSet subset(Predicate<ParamSlot> keep) {
        List<ParamSlot> out = new ArrayList<>();
        int so = 0;
        for (ParamSlot s : slots) {
            if (keep.test(s)) {
                out.add(new ParamSlot(s.index(), s.name(), s.shape(), s.role(), s.offset(), so, s.size()));
                so += s.size();
            }
        }
        return new ParamSet(values, out);
    }

    /** The model's flat parameter values (all parameters, not only this set's). */
    public float[] values() { return values; }

    public List<ParamSlot> slots() { return Collections.unmodifiableList(slots); }

    public int count() { return slots.size(); }

    /** Number of scalar parameters in this set (the size of its state buffers). */
    public int elements() { return elements; }

    /** True when the set is every value of the buffer in order, so state and updates share offsets. */
    public boolean isWholeBuffer() { return wholeBuffer; }

    /** A piece of one slot: {@code length} elements at model offset {@code offset} and state offset {@code stateOffset}. */
    @FunctionalInterface
    public interface PieceBody {
        void run(ParamSlot slot, int offset, int stateOffset, int length);
    }

    /**
     * Runs {@code body} over every element of the set, split across threads by element count (not by
     * parameter) in a fixed way: each chunk of the set's element range is cut at slot boundaries.
     */
    public void forEachPiece(PieceBody body) {
        if (slots.size() == 1 || elements < (1 << 15)) {
            for (ParamSlot s : slots) {
                if (Parallel.chunkCount(s.size(), 1 << 15) == 1) {
                    // One chunk: the same single call forRange would make, without its two lambda layers.
                    body.run(s, s.offset(), s.stateOffset(), s.size());
                    continue;
                }
                Parallel.forRange(s.size(), 1 << 15, (from, to) -> body.run(s, s.offset() + from, s.stateOffset() + from, to - from));
            }
            return;
        }
        if (Parallel.chunkCount(elements, 1 << 15) == 1) {
            for (ParamSlot s : slots) if (s.size() > 0) body.run(s, s.offset(), s.stateOffset(), s.size());
            return;
        }
        Parallel.forRange(elements, 1 << 15, (from, to) -> {
            for (ParamSlot s : slots) {
                int start = Math.max(from, s.stateOffset());
                int end = Math.min(to, s.stateOffset() + s.size());
                if (start < end) body.run(s, s.offset() + (start - s.stateOffset()), start, end - start);
            }
        });
    }
}
