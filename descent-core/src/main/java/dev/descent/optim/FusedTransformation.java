package dev.descent.optim;

import dev.descent.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fused kernel as a {@link GradientTransformation}: its state and its {@link #update} are those of
 * the composed chain it fuses (so a checkpoint does not depend on which form ran), and its
 * {@link #step} does the whole optimizer step — moments, decay, learning rate and the parameter
 * update — in one pass over the flat buffers ({@link FusedPass}), reading every hyperparameter from
 * that same state and advancing the same counters. The composed form and the fused step compute the
 * same mathematics with float operations in a different order (see {@code FusedEqualsComposedTest}).
 *
 * <p>A subclass gives the composed chain and a {@link Kernel} bound to one state: the kernel finds its
 * buffers and scalars in the state once, reads the step's scalars in {@link Kernel#beforePass} and
 * updates one piece of one parameter in {@link Kernel#piece}. The kernel is cached in the state, so
 * steps after the first allocate nothing.
 */
abstract class FusedTransformation implements GradientTransformation {
    private final GradientTransformation composed;

    protected FusedTransformation(GradientTransformation composed) {
        this.composed = composed;
    }

    /**
     * The state buffers of the checkpoint format these kernels wrote before they kept the composed
     * state: per parameter {@code <parameter>.<legacy name>} (PyTorch's names), with scalars {@code step}
     * and {@code lr} only. Maps each legacy name to the dotted path of the composed buffer that holds it.
     */
    protected abstract Map<String, String> legacyBuffers();

    /**
     * A checkpoint in the legacy format ({@link #legacyBuffers}) rewritten in the composed format for
     * {@code state} (made by {@link #init} over {@code params}) into {@code upgradedTensors}, returning its
     * scalars; null when the checkpoint is not in the legacy format (its scalars are more than
     * {@code step} and {@code lr}). The buffers are gathered into the flat state layout; every counter {@code count} is
     * the step count (these kernels advance all of them once per step), the learning rate is the saved
     * {@code lr}, and the other hyperparameters keep their values in {@code state} (the legacy format did
     * not store them; the optimizer was built with them).
     */
    Map<String, Double> upgradeLegacy(OptState state, ParamSet params, Map<String, Tensor> tensors, Map<String, Double> scalars,
                                      Map<String, Tensor> upgradedTensors) {
        Map<String, String> legacy = legacyBuffers();
        // the legacy scalars were "step" and "lr" alone; the composed state always has more (its counters)
        boolean legacyScalars = scalars.containsKey("step") && scalars.keySet().stream().allMatch(k -> k.equals("step") || k.equals("lr"));
        if (!legacyScalars || state.scalars().isEmpty()) return null;
        for (var e : legacy.entrySet()) {
            float[] flat = new float[params.elements()];
            for (ParamSlot s : params.slots()) {
                String name = s.name() + "." + e.getKey();
                Tensor t = tensors.get(name);
                if (t == null) throw new IllegalArgumentException("optimizer state is missing '" + name + "'");
                if (t.size() != s.size()) {
                    throw new IllegalArgumentException("optimizer state '" + name + "' has " + t.size() + " values, expected " + s.size());
                }
                System.arraycopy(t.toArray(), 0, flat, s.stateOffset(), s.size());
            }
            upgradedTensors.put(e.getValue(), Tensor.of(flat, flat.length));
        }
        Map<String, Double> out = new LinkedHashMap<>(state.scalars());
        double step = scalars.get("step");
        for (var key : out.keySet()) {
            if (key.equals("count") || key.endsWith(".count")) out.put(key, step);
        }
        if (scalars.containsKey("lr")) {
            for (var key : out.keySet()) if (key.equals("lr") || key.endsWith(".lr")) out.put(key, scalars.get("lr"));
        }
        out.put("step", step);
        return out;
    }

    @Override
    public final OptState init(ParamSet params) {
        return composed.init(params);
    }

    /** The composed chain's update (used when this transformation is a part of a larger chain). */
    @Override
    public final void update(float[] updates, OptState state, ParamSet params) {
        composed.update(updates, state, params);
    }

    @Override
    public final void step(float[] grads, OptState state, ParamSet params) {
        FusedPass.checkGrads(params, grads);
        Kernel k = state.cachedOrNull(this);
        if (k == null) k = state.cached(this, () -> kernel(state, params));
        k.grads = grads;
        k.beforePass();
        k.pass.run();
    }

    /** The kernel over {@code params} bound to {@code state} (made by {@link #init}). */
    protected abstract Kernel kernel(OptState state, ParamSet params);

    /** One state's fused pass: its buffers found once, its per-step scalars in fields. */
    abstract static class Kernel {
        final ParamSet params;
        final ParamSlot[] slots;
        final FusedPass pass;
        /** The gradient buffer of the current step. */
        float[] grads;

        Kernel(ParamSet params) {
            this.params = params;
            this.pass = new FusedPass(params, this::piece);
            this.slots = pass.slots();
        }

        /** Reads this step's scalars from the state and advances its counters. */
        abstract void beforePass();

        /** Updates {@code n} elements of slot {@code slot} at model offset {@code off} and state offset {@code so}. */
        abstract void piece(int slot, int off, int so, int n);

        /** One flag per slot: does the decay mask hold for it. */
        final boolean[] mask(java.util.function.Predicate<ParamSlot> decay) {
            boolean[] d = new boolean[slots.length];
            for (int i = 0; i < slots.length; i++) d[i] = decay.test(slots[i]);
            return d;
        }
    }

    /** The state of {@link Transforms#addDecayedWeights}'s decayed branch (where {@code weight_decay} lives). */
    static OptState decayState(OptState addDecayedWeights) {
        return addDecayedWeights.child("masked");
    }

    /** What {@link Transforms#scaleByLearningRate} does to its state in a step with a constant rate: the rate, and count + 1. */
    static double learningRateStep(OptState scaleByLearningRate) {
        scaleByLearningRate.set("count", scaleByLearningRate.get("count") + 1);
        return scaleByLearningRate.get("lr");
    }
}
