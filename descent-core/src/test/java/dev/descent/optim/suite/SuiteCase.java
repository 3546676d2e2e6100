package dev.descent.optim.suite;

import java.util.List;
import java.util.Map;

/**
 * How the shared optimizer battery exercises one registered optimizer: hyperparameters, step counts
 * and loss thresholds on the canonical problems (each threshold justified where it is declared),
 * and hyperparameter settings that must be refused.
 *
 * @param quadratic       hyperparameters on {@code quadratic} (f* = 0, start loss 27.5)
 * @param quadraticSteps  steps on {@code quadratic}
 * @param quadraticTol    the final loss must be at most this
 * @param rosenbrock      hyperparameters on {@code rosenbrock} (f* = 0, start loss 24.2)
 * @param rosenbrockSteps steps on {@code rosenbrock}
 * @param rosenbrockTol   the final loss must be at most this
 * @param invalid         settings like {@code "lr=-1"} that must throw IllegalArgumentException naming the key
 */
public record SuiteCase(Map<String, String> quadratic, int quadraticSteps, double quadraticTol,
                        Map<String, String> rosenbrock, int rosenbrockSteps, double rosenbrockTol,
                        List<String> invalid) {}
