package dev.descent.tasks;

import dev.descent.data.CharTokenizer;
import java.util.List;
import java.util.Map;

/** The tasks by name, for the command line and configs: {@code addition}, {@code multiplication}, {@code countdown}, {@code sorting}, {@code parity}. */
public final class Tasks {
    /** The task names, in the order they are listed. */
    public static final List<String> NAMES = List.of("addition", "multiplication", Countdown.NAME, Sorting.NAME, Parity.NAME);

    private Tasks() {}

    /** The task {@code name} with its difficulty {@code settings} (unknown names and keys are refused, listing the allowed ones). */
    public static Task create(String name, Map<String, String> settings) {
        TaskSettings s = new TaskSettings(settings);
        return switch (name) {
            case "addition" -> Arithmetic.of(Arithmetic.Operation.ADDITION, s);
            case "multiplication" -> Arithmetic.of(Arithmetic.Operation.MULTIPLICATION, s);
            case Countdown.NAME -> Countdown.of(s);
            case Sorting.NAME -> Sorting.of(s);
            case Parity.NAME -> Parity.of(s);
            default -> throw new IllegalArgumentException("unknown task '" + name + "'; allowed: " + String.join(", ", NAMES));
        };
    }

    /**
     * The character tokenizer of a task: its alphabet sorted, which is also the vocabulary
     * {@link CharTokenizer#CharTokenizer(String)} builds from any text that uses every character of
     * the alphabet, such as a large enough set of demonstrations.
     */
    public static CharTokenizer tokenizer(String alphabet) {
        return new CharTokenizer(alphabet);
    }
}
