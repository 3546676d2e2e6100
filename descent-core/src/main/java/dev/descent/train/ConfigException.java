package dev.descent.train;

/**
 * A configuration error of a training run (thrown by {@link TrainConfig} and the trainer's own
 * checks): one line naming the key and what is allowed. The CLI exits with code 2.
 */
public final class ConfigException extends dev.descent.config.ConfigException {
    public ConfigException(String message) {
        super(message);
    }
}
