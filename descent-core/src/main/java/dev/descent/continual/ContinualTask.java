package dev.descent.continual;

import dev.descent.data.ClassificationData;

/**
 * One task of a stream: its training and test rows (labels in the stream's label space, never
 * relabelled per task) and the classes it contains.
 *
 * @param index   position in the stream (0-based)
 * @param classes the labels that occur in the task, ascending
 */
public record ContinualTask(int index, String name, int[] classes, ClassificationData train, ClassificationData test) {
    public ContinualTask {
        classes = classes.clone();
    }

    @Override
    public int[] classes() { return classes.clone(); }
}
