package dev.descent.config;

/**
 * A configuration error: one line naming the key (by its full path) and what is allowed. The CLI
 * prints it after {@code descent: } and exits with code 2.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
