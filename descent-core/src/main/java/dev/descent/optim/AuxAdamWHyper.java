package dev.descent.optim;

import static dev.descent.optim.HyperField.Range.NON_NEGATIVE;

import java.util.List;

/**
 * The AdamW branch of the matrix hybrids ({@code muon}, {@code auon}, {@code hybrid_auon}, {@code reg};
 * {@link MatrixHybrid#auxAdamW}): keys prefixed {@code adamw_}, defaults of Muon's aux Adam groups
 * (lr 3e-4, betas (0.9, 0.95), eps 1e-10, weight decay 0).
 */
public record AuxAdamWHyper(double lr, double beta1, double beta2, double eps, double weightDecay) {
    static final HyperField<Double> LR = HyperField.number("adamw_lr", 3e-4, NON_NEGATIVE, "learning rate of the AdamW branch");
    static final HyperField<double[]> BETAS = HyperField.betas("adamw_betas", "adamw_beta1", "adamw_beta2", 0.9, 0.95,
            "β₁, β₂ of the AdamW branch");
    static final HyperField<Double> EPS = HyperField.number("adamw_eps", 1e-10, NON_NEGATIVE, "ε of the AdamW branch");
    static final HyperField<Double> WEIGHT_DECAY = HyperField.number("adamw_weight_decay", 0, NON_NEGATIVE,
            "decoupled weight decay of the AdamW branch");
    static final List<HyperField<?>> FIELDS = List.of(LR, BETAS, EPS, WEIGHT_DECAY);

    public static final AuxAdamWHyper DEFAULTS = new AuxAdamWHyper(LR.defaultValue(), 0.9, 0.95, EPS.defaultValue(), WEIGHT_DECAY.defaultValue());

    public AuxAdamWHyper {
        LR.check(lr);
        Hyper.unitInterval("adamw_beta1", beta1);
        Hyper.unitInterval("adamw_beta2", beta2);
        EPS.check(eps);
        WEIGHT_DECAY.check(weightDecay);
    }

    public static AuxAdamWHyper from(HyperParams h) {
        double[] b = BETAS.read(h);
        return new AuxAdamWHyper(LR.read(h), b[0], b[1], EPS.read(h), WEIGHT_DECAY.read(h));
    }

    /** The fields of a hybrid: its matrix branch's, then these. */
    static List<HyperField<?>> withAux(List<HyperField<?>> matrix) {
        var all = new java.util.ArrayList<HyperField<?>>(matrix);
        all.addAll(FIELDS);
        return all;
    }
}
