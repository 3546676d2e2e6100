package dev.descent.train;

/** A configuration error: one line naming the key and what is allowed. The CLI exits with code 2. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
