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
 * square root, decoupled decay on every parameter of the branch). Its hyperparameters: {@code adamw_lr},
 * {@code adamw_betas} (or {@code adamw_beta1}/{@code adamw_beta2}), {@code adamw_eps},
 * {@code adamw_weight_decay} (defaults 3e-4, (0.9, 0.95), 1e-10, 0 as Muon's aux groups). The
 * optimizer's {@code learningRate()} is the matrix branch's η (state {@code <label>.lr.lr}); the AdamW
 * rate is the separate state scalar {@code adamw.2.lr}.
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

    /** Muon's aux AdamW from {@code adamw_*} hyperparameters (defaults lr 3e-4, betas (0.9, 0.95), eps 1e-10, wd 0). */
    static GradientTransformation auxAdamW(HyperParams h) {
        double lr = h.getDouble("adamw_lr", 3e-4);
        double b1 = h.getDouble("adamw_beta1", 0.9);
        double b2 = h.getDouble("adamw_beta2", 0.95);
        String betas = h.getString("adamw_betas", null);
        if (betas != null) {
            String[] parts = betas.replace("(", "").replace(")", "").replace("[", "").replace("]", "").split(",");
            if (parts.length != 2) throw new IllegalArgumentException("adamw_betas must be two numbers like 0.9,0.95, got '" + betas + "'");
            try {
                b1 = Double.parseDouble(parts[0].trim());
                b2 = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("adamw_betas must be two numbers like 0.9,0.95, got '" + betas + "'");
            }
        }
        double eps = h.getDouble("adamw_eps", 1e-10);
        double wd = h.getDouble("adamw_weight_decay", 0.0);
        Hyper.nonNegative("adamw_lr", lr);
        return Adam.adamw(lr, checked("adamw_beta1", b1), checked("adamw_beta2", b2), nonNeg("adamw_eps", eps), nonNeg("adamw_weight_decay", wd), p -> true);
    }

    private static double checked(String name, double v) {
        Hyper.unitInterval(name, v);
        return v;
    }

    private static double nonNeg(String name, double v) {
        Hyper.nonNegative(name, v);
        return v;
    }
}
