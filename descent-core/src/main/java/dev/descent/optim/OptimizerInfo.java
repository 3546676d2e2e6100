package dev.descent.optim;

/**
 * A registered optimizer: its name, the paper it comes from, the reference implementation whose
 * semantics it follows (and that reference's license), its state size, and how to build it.
 *
 * @param stateFloatsPerParam float32 state values kept per parameter (for "state bytes per parameter" = 4×)
 * @param matrixAware         true when it treats rank-2 parameters as matrices (Muon, AuON, …)
 */
public record OptimizerInfo(String name, String summary, String paper, String reference, String license,
                            double stateFloatsPerParam, boolean matrixAware, OptimizerFactory factory) {}
