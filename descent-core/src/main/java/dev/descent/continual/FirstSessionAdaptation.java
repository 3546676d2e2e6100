package dev.descent.continual;

import dev.descent.data.ClassificationData;

/**
 * First-Session Adaptation (Panos et al., "First Session Adaptation: a strong replay-free baseline for
 * class-incremental learning", ICCV 2023): the body is adapted on the first session only and frozen
 * afterwards; a head that supports exact incremental updates — LDA with a shared covariance, or the
 * nearest class mean — is placed on its features ({@link LdaHead}) and updated with each session's
 * classes, with no replay. Here the body has no pre-training: the first task trains the whole MLP
 * from its initialisation (full-body adaptation, the paper's high-shot choice), its own output layer
 * is then discarded.
 */
public final class FirstSessionAdaptation implements Strategy {
    private final boolean lda;
    private final double shrinkage;
    private LdaHead head;

    public FirstSessionAdaptation(boolean lda, double shrinkage) {
        if (!(shrinkage >= 0 && shrinkage <= 1)) throw new IllegalArgumentException("shrinkage must be in [0, 1], got " + shrinkage);
        this.lda = lda;
        this.shrinkage = shrinkage;
    }

    @Override
    public String name() { return "fsa"; }

    @Override
    public boolean trainsOn(int t) { return t == 0; }

    @Override
    public void afterTask(Learner learner, ContinualStream stream, int t) {
        if (stream.scenario() == Scenario.DOMAIN_INCREMENTAL) {
            throw new IllegalArgumentException("fsa needs new classes in each task (a class- or task-incremental stream), not " + stream.name());
        }
        ClassificationData f = learner.features(stream.task(t).train());
        if (head == null) head = new LdaHead(f.cols(), learner.classes(), lda, shrinkage);
        head.add(f);
    }

    @Override
    public int[] predict(Learner learner, ClassificationData data, int[] among) {
        double[][] s = head.scores(learner.features(data));
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            int best = -1;
            for (int c = 0; c < s[i].length; c++) {
                if (among != null && !Learner.contains(among, c)) continue;
                if (s[i][c] == Double.NEGATIVE_INFINITY) continue;
                if (best < 0 || s[i][c] > s[i][best]) best = c;
            }
            out[i] = best;
        }
        return out;
    }
}
