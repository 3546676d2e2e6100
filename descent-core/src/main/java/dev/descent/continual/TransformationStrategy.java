package dev.descent.continual;

import dev.descent.optim.GradientTransformation;
import dev.descent.optim.Transforms;
import java.util.function.LongFunction;

/**
 * A strategy that is only an optimizer: its transformation followed by the learning rate, trained on
 * each task in turn (UPGD, CLASSP, RISE shaping).
 *
 * @param shaping the transformation before the learning rate, built from the run's seed
 */
public record TransformationStrategy(String name, LongFunction<GradientTransformation> shaping) implements Strategy {
    @Override
    public GradientTransformation transformation(double lr, long seed) {
        return Transforms.chain(shaping.apply(seed), Transforms.scaleByLearningRate(lr));
    }
}
