package dev.descent.cli;

import dev.descent.io.FormatException;
import dev.descent.config.ConfigException;
import dev.descent.train.TrainingStopped;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** Turns the failures a user can cause into one clear line and an exit code; anything else is a bug and keeps its trace. */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parse) {
        var err = cl.getErr();
        if (ex instanceof TrainingStopped s) {
            err.println("descent: " + s.getMessage());
            return s.interrupted() ? Descent.INTERRUPTED : Descent.DIVERGED;
        }
        if (ex instanceof ConfigException || ex instanceof IllegalArgumentException || ex instanceof FormatException) {
            err.println("descent: " + ex.getMessage());
            return Descent.BAD_INPUT;
        }
        if (ex instanceof NoSuchFileException e) {
            err.println("descent: file not found: " + e.getFile());
            return Descent.BAD_INPUT;
        }
        if (ex instanceof AccessDeniedException e) {
            err.println("descent: permission denied: " + e.getFile());
            return Descent.BAD_INPUT;
        }
        if (ex instanceof java.io.IOException e) {
            err.println("descent: I/O error: " + e.getMessage());
            return Descent.BAD_INPUT;
        }
        err.println("descent: internal error (please report):");
        ex.printStackTrace(err);
        return 1;
    }
}
