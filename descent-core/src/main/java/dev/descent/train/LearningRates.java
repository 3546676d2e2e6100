package dev.descent.train;

import dev.descent.optim.Optimizer;
import dev.descent.optim.TransformOptimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a learning-rate schedule to an optimizer that may have several learning rates (Muon with
 * its AdamW branch): every state scalar named {@code lr} is set to its initial value times the
 * schedule's factor, so the ratios between the branches stay as configured.
 */
final class LearningRates {
    private final Optimizer opt;
    private final List<String> paths = new ArrayList<>();
    private final List<Double> base = new ArrayList<>();

    private LearningRates(Optimizer opt) {
        this.opt = opt;
    }

    static LearningRates of(Optimizer opt) {
        LearningRates l = new LearningRates(opt);
        if (opt instanceof TransformOptimizer t) {
            for (var e : t.optState().scalars().entrySet()) {
                if (e.getKey().equals("lr") || e.getKey().endsWith(".lr")) {
                    l.paths.add(e.getKey());
                    l.base.add(e.getValue());
                }
            }
        } else {
            l.base.add(opt.learningRate());
        }
        return l;
    }

    /**
     * Follows the schedule: the scheduled value {@code lr} of a peak {@code peak}; a single learning
     * rate is set to {@code lr} exactly, several to their initial values × lr/peak.
     */
    void follow(double lr, double peak) {
        if (paths.isEmpty()) {
            opt.setLearningRate(lr);
            return;
        }
        TransformOptimizer t = (TransformOptimizer) opt;
        for (int i = 0; i < paths.size(); i++) t.setHyper(paths.get(i), base.get(i) * (lr / peak));
    }
}
