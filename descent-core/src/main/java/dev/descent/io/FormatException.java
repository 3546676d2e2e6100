package dev.descent.io;

import java.io.IOException;

/**
 * A file is not a valid instance of the format it claims to be (safetensors, {@code .npy}): bad
 * magic, a truncated file, a header that lies about lengths, offsets or shapes, an unsupported
 * dtype, and so on.
 *
 * <p>This is a <em>checked</em> exception and a subclass of {@link IOException}, so code that
 * already handles I/O failures handles corrupt files too, while code that wants to tell a corrupt
 * file from a failing disk can catch this type first. Messages name the file (when known), the
 * field at fault and the offending values.
 */
public final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
