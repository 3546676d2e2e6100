package dev.descent.continual;

import dev.descent.data.ClassificationData;

/**
 * Joint training, the upper bound: on task t the model trains on the union of the training rows of
 * tasks 0…t (Avalanche's {@code Cumulative} strategy), so nothing is forgotten for lack of data.
 */
public final class JointTraining implements Strategy {
    @Override
    public String name() { return "joint"; }

    @Override
    public ClassificationData trainingData(ContinualStream stream, int t) {
        ClassificationData first = stream.task(0).train();
        int rows = 0;
        for (int j = 0; j <= t; j++) rows += stream.task(j).train().rows();
        float[] f = new float[rows * first.cols()];
        int[] l = new int[rows];
        int at = 0;
        for (int j = 0; j <= t; j++) {
            ClassificationData d = stream.task(j).train();
            System.arraycopy(d.features(), 0, f, at * d.cols(), d.features().length);
            System.arraycopy(d.labels(), 0, l, at, d.rows());
            at += d.rows();
        }
        return new ClassificationData("joint/" + t, f, l, rows, first.cols(), first.classes());
    }
}
