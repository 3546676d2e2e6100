package dev.descent.bench.problems;

import java.util.List;

/** The data-backed benchmark problems, in the order listings show them. */
public final class DataProblems {
    private DataProblems() {}

    /** {@code logreg-breast-cancer}, {@code logreg-wine}, {@code mlp-digits}, {@code mlp-mnist}, {@code gpt-shakespeare}. */
    public static List<BenchProblem> all() {
        return List.of(LogisticRegressionProblem.breastCancer(), LogisticRegressionProblem.wine(), MlpDigitsProblem.standard(),
                MlpMnistProblem.standard(), GptShakespeareProblem.standard());
    }
}
