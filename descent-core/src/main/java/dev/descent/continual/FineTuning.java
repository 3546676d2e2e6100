package dev.descent.continual;

/** Plain fine-tuning: SGD on each task in turn, nothing against forgetting (the lower bound). */
public final class FineTuning implements Strategy {
    @Override
    public String name() { return "finetune"; }
}
