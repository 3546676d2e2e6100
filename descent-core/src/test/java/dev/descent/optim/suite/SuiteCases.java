package dev.descent.optim.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every family's suite settings; each family keeps its own in a {@code <Family>Cases} class beside this one. */
final class SuiteCases {
    private SuiteCases() {}

    private static final List<String> FAMILIES = List.of(
            "dev.descent.optim.suite.ClassicCases",
            "dev.descent.optim.suite.MatrixCases",
            "dev.descent.optim.suite.SeedCases",
            "dev.descent.optim.suite.SophiaCases",
            "dev.descent.optim.suite.ZerothOrderCases",
            "dev.descent.optim.suite.ZovhCases",
            "dev.descent.optim.suite.DeepZeroCases");

    /** name → case, from every family class (each has {@code static Map<String, SuiteCase> cases()}). */
    @SuppressWarnings("unchecked")
    static Map<String, SuiteCase> all() {
        Map<String, SuiteCase> out = new LinkedHashMap<>();
        for (String f : FAMILIES) {
            try {
                out.putAll((Map<String, SuiteCase>) Class.forName(f).getDeclaredMethod("cases").invoke(null));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
