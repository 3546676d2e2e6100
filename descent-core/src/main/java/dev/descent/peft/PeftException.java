package dev.descent.peft;

/** Bad adapter input (a configuration value, a pattern that matches nothing, an adapter for another base): one line that says what and what is allowed. */
public final class PeftException extends IllegalArgumentException {
    public PeftException(String message) {
        super(message);
    }
}
