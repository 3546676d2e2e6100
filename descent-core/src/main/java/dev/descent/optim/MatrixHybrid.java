package dev.descent.optim;

import dev.descent.nn.ParameterRole;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The layout of the hybrid matrix optimizers ({@code muon}, {@code auon}, {@code hybrid_auon}, {@code reg}):
 * a {@link Transforms#partition} that sends hidden matrices ({@link #hiddenMatrix}) to the matrix method
 * and everything else to AdamW with Muon's reference "aux Adam" defaults ({@link #auxAdamW}).
 *
 * <p>The AdamW branch is {@link Adam#adamw} (Muon's {@code adam_update}: bias-corrected, eps outside the
 * square root, decoupled decay on every parameter of the branch). Its hyperparameters are
 * {@link AuxAdamWHyper}'s: {@code adamw_lr}, {@code adamw_betas} (or {@code adamw_beta1}/{@code adamw_beta2}),
 * {@code adamw_eps}, {@code adamw_weight_decay} (defaults 3e-4, (0.9, 0.95), 1e-10, 0 as Muon's aux groups).
 * The optimizer's {@code learningRate()} is the matrix branch's η (the first learning rate of the state,
 * saved as {@code <label>.lr.lr}); the AdamW rate is the branch's own (saved as {@code adamw.2.lr}) and
 * keeps its ratio to η under {@code setLearningRate}.
 */
public final class MatrixHybrid {
    private MatrixHybrid() {}

    /**
     * True for the hidden weight matrices Muon-style methods apply to: parameters whose role is
     * {@link ParameterRole#HIDDEN_MATRIX} (given by the model; for bare names, rank ≥ 2 and no embedding
     * or head in the name, see {@link ParameterRole#infer}). Everything else (biases, gains, embeddings,
     * the classifier/LM head) goes to AdamW, as Muon's README asks.
     */
    public static boolean hiddenMatrix(ParamSlot p) {
        return p.isMatrix() && p.role() == ParameterRole.HIDDEN_MATRIX;
    }

    /** The partition label used by the hybrids: {@code matrixLabel} for hidden matrices, "adamw" otherwise. */
    public static Function<ParamSlot, String> hybridLabel(String matrixLabel) {
        return p -> hiddenMatrix(p) ? matrixLabel : "adamw";
    }

    /** The hybrid: hidden matrices → {@code matrixTx} (under {@code label}), the rest → AdamW. */
    public static GradientTransformation hybrid(String label, GradientTransformation matrixTx, GradientTransformation adamw) {
        Map<String, GradientTransformation> branches = new LinkedHashMap<>();
        branches.put(label, matrixTx);
        branches.put("adamw", adamw);
        return Transforms.partition(hybridLabel(label), branches);
    }

    /** Muon's aux AdamW ({@link Adam#adamw}, decay on every parameter of the branch) from its record. */
    static GradientTransformation auxAdamW(AuxAdamWHyper h) {
        return Adam.adamw(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), p -> true);
    }
}
