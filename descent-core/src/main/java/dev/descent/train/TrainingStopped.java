package dev.descent.train;

/** A run that stopped before its last step: a non-finite loss, or an interrupt. */
public final class TrainingStopped extends RuntimeException {
    private final long step;
    private final boolean interrupted;

    public TrainingStopped(String message, long step, boolean interrupted) {
        super(message);
        this.step = step;
        this.interrupted = interrupted;
    }

    public long step() { return step; }

    /** True when stopped by a signal (the checkpoint was written), false for a non-finite loss. */
    public boolean interrupted() { return interrupted; }
}
