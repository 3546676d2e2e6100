package dev.descent.optim;

import static dev.descent.optim.MatrixMomentum.matrixBranch;
import static dev.descent.optim.MatrixMomentum.momentumThen;

import java.util.Map;

/**
 * Muon — MomentUm Orthogonalized by Newton–Schulz (K. Jordan et al., "Muon: An optimizer for hidden layers
 * in neural networks", 2024), with the semantics of KellerJordan/Muon @ 857d1adc ({@code muon.py:
 * muon_update, MuonWithAuxAdam}; MIT). The registered {@code muon} sends hidden matrices here and the rest
 * to AdamW ({@link MatrixHybrid}).
 */
public final class Muon {
    private Muon() {}

    /**
     * Muon's direction (KellerJordan/Muon {@code muon_update}, spec 05): momentum (lerp form, β),
     * Nesterov blend, O = NS(U) with {@code nsSteps} quintic steps in float32 ({@link NewtonSchulz}),
     * then O · sqrt(max(1, rows/cols)). rows/cols are the last two dimensions of the parameter's shape,
     * as the reference computes them from the gradient (for a 4-D conv filter that is kh/kw — the
     * reference's quirk, kept), while NS itself sees the (shape[0], rest) matrix view.
     * State scalars: {@code momentum}, {@code nesterov}, {@code ns_steps}.
     */
    public static GradientTransformation scaleByMuon(double momentum, boolean nesterov, int nsSteps) {
        Hyper.positiveCount("ns_steps", nsSteps);
        return momentumThen(momentum, nesterov, Map.of("ns_steps", (double) nsSteps), (slot, u, off, st, sc) -> {
            int steps = (int) st.get("ns_steps");
            sc.ns().apply(u, off, slot.rows(), slot.cols(), u, off, steps);
            float f = (float) muonShapeFactor(slot.shape());
            if (f != 1f) for (int i = 0; i < slot.size(); i++) u[off + i] *= f;
        });
    }

    /** sqrt(max(1, shape[-2]/shape[-1])), 1 for vectors. */
    public static double muonShapeFactor(int[] shape) {
        if (shape.length < 2) return 1;
        return Math.sqrt(Math.max(1.0, (double) shape[shape.length - 2] / shape[shape.length - 1]));
    }

    /** Muon on every parameter it is given: {@code matrixBranch(scaleByMuon, wd, lr)}. */
    public static GradientTransformation muon(double lr, double momentum, boolean nesterov, int nsSteps, double weightDecay) {
        return matrixBranch(scaleByMuon(momentum, nesterov, nsSteps), weightDecay, lr);
    }
}
