package com.example.digits;

import dev.descent.autograd.F;
import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.data.ClassificationData;
import dev.descent.data.Datasets;
import dev.descent.nn.Init;
import dev.descent.nn.Linear;
import dev.descent.nn.ParameterRole;
import dev.descent.nn.ReLU;
import dev.descent.nn.Sequential;
import dev.descent.optim.Optimizer;
import dev.descent.optim.Optimizers;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;
import java.util.Arrays;

/**
 * Trains a two-layer perceptron on the handwritten digits bundled with Descent (UCI optdigits: 8×8
 * images, pixel counts 0..16) with AdamW in minibatches of 64, and prints the accuracy on the test split
 * (other writers than the training split).
 */
public final class DigitsClassifier {
    public static void main(String[] args) {
        ClassificationData train = Datasets.digitsTrain().scaled(1 / 16f);
        ClassificationData test = Datasets.digitsTest().scaled(1 / 16f);

        Sequential model = Init.torchDefault(new Sequential(
                new Linear(64, 128), new ReLU(),
                new Linear(128, 10, true, ParameterRole.HEAD)), 42);
        Optimizer opt = Optimizers.adamw().lr(3e-3).weightDecay(1e-4).build(model);

        for (int epoch = 1; epoch <= 10; epoch++) {
            int[] order = Philox.stream(42, "epoch/" + epoch).permutation(train.rows());
            for (int i = 0; i + 64 <= order.length; i += 64) {
                ClassificationData batch = train.subset("batch", Arrays.copyOfRange(order, i, i + 64));
                Variable loss = F.crossEntropy(model.forward(inputs(batch)), batch.labels());
                loss.backward();
                opt.step();
                opt.zeroGrad();
            }
            System.out.printf("epoch %2d  train accuracy %.4f%n", epoch, accuracy(model, train));
        }
        System.out.printf("test accuracy %.4f%n", accuracy(model, test));
    }

    static Variable inputs(ClassificationData d) {
        return Variable.constant(Tensor.of(d.features(), d.rows(), d.cols()));
    }

    /** The fraction of rows whose largest logit is at the label. */
    static double accuracy(Sequential model, ClassificationData d) {
        Tensor logits;
        try (NoGrad ignored = NoGrad.open()) {
            logits = model.forward(inputs(d)).value();
        }
        int correct = 0;
        for (int r = 0; r < d.rows(); r++) {
            int best = 0;
            for (int c = 1; c < d.classes(); c++) if (logits.at(r, c) > logits.at(r, best)) best = c;
            if (best == d.labels()[r]) correct++;
        }
        return (double) correct / d.rows();
    }
}
