package dev.descent.bench.continual;

import dev.descent.bench.merge.GptFamily;
import dev.descent.tasks.Problem;
import java.util.List;

/**
 * The generated tasks of {@link GptFamily} as a continual stream for one character GPT: addition →
 * sorting → multiplication → parity (the family's tasks in this order), each with its training
 * problems and held-out test problems over the family's shared vocabulary. A pure function of
 * {@code trainExamples}, {@code testProblems} and {@code dataSeed}: every strategy and seed sees the
 * same problems. Addition (10,000 prompts) and sorting (10,000) have held-out prompts outside the
 * training set; multiplication (100 prompts) and parity (64) have fewer distinct problems than a
 * typical training set, so theirs are fresh draws that can repeat training prompts
 * ({@link #heldOutUnseen}), scoring retention of a learnt table.
 */
public final class GptTaskStream {
    /** The stream's order, as names of {@link GptFamily}'s tasks. */
    public static final List<String> ORDER = List.of("addition", "sorting", "multiplication", "parity");

    private final GptFamily family;
    private final int[] index = new int[ORDER.size()];

    /**
     * @param trainExamples training problems per task
     * @param testProblems  held-out test problems per task
     * @param dataSeed      the problem streams (training: {@code dataSeed}; held out: {@code dataSeed + 1})
     */
    public GptTaskStream(int trainExamples, int testProblems, long dataSeed) {
        this.family = new GptFamily(trainExamples, dataSeed, 0, testProblems);
        for (int t = 0; t < index.length; t++) index[t] = family.tasks().indexOf(ORDER.get(t));
    }

    public int size() { return index.length; }

    public String name(int t) { return ORDER.get(t); }

    /** The family's index of the stream's task {@code t}. */
    public int familyTask(int t) { return index[t]; }

    public GptFamily family() { return family; }

    public List<Problem> train(int t) { return family.trainProblems(index[t]); }

    public List<Problem> test(int t) { return family.testProblems(index[t]); }

    public boolean heldOutUnseen(int t) { return family.heldOutUnseen(index[t]); }
}
