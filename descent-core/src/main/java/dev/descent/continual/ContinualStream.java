package dev.descent.continual;

import java.util.List;

/**
 * A sequence of tasks over one input width and one label space.
 *
 * @param inputs  features per row
 * @param classes size of the label space (the width of the model's one head)
 */
public record ContinualStream(String name, Scenario scenario, int inputs, int classes, List<ContinualTask> tasks) {
    public ContinualStream {
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty()) throw new IllegalArgumentException("a stream needs at least one task");
        for (ContinualTask t : tasks) {
            if (t.train().cols() != inputs || t.test().cols() != inputs) throw new IllegalArgumentException("task " + t.name() + " has rows of another width than " + inputs);
        }
    }

    public int size() { return tasks.size(); }

    public ContinualTask task(int t) { return tasks.get(t); }

    /**
     * The classes a prediction on task {@code t} chooses among: the task's classes when the task is
     * known ({@link Scenario#TASK_INCREMENTAL}), otherwise null (every class of the head).
     */
    public int[] amongFor(int t) {
        return scenario == Scenario.TASK_INCREMENTAL ? task(t).classes() : null;
    }

    /**
     * For each label, the classes a training row with that label is scored against: its task's
     * classes when the task is known, otherwise null (the whole head). Labels of a task-incremental
     * stream belong to exactly one task.
     */
    public int[][] allowedByLabel() {
        int[][] allowed = new int[classes][];
        if (scenario != Scenario.TASK_INCREMENTAL) return allowed;
        for (ContinualTask t : tasks) for (int c : t.classes()) allowed[c] = t.classes();
        return allowed;
    }
}
