package dev.descent.rl;

import dev.descent.tasks.Problem;
import dev.descent.tasks.Task;
import dev.descent.tasks.Tasks;

/**
 * A generated task of the {@code tasks} package seen by the online trainer: problems, prompts and
 * rewards pass through unchanged; the alphabet is the task's character vocabulary in the order the
 * reference policy's tokenizer numbers it ({@link Tasks#tokenizer}), so token id i is character i
 * of {@link #alphabet()} for a policy trained by {@code rl sft-warmup}.
 */
public final class GeneratedTask implements RlTask<Problem> {
    private final Task task;
    private final String vocabulary;

    public GeneratedTask(Task task) {
        this.task = task;
        this.vocabulary = Tasks.tokenizer(task.alphabet()).vocabulary();
    }

    @Override
    public String name() { return task.name(); }

    @Override
    public Problem problem(long seed, long index) { return task.problem(seed, index); }

    @Override
    public String prompt(Problem problem) { return problem.prompt(); }

    @Override
    public double reward(Problem problem, String completion) { return task.reward(problem, completion); }

    @Override
    public String alphabet() { return vocabulary; }

    @Override
    public char stop() { return task.stop(); }
}
