package dev.descent.continual;

/**
 * How a stream's tasks relate (van de Ven &amp; Tolias's three scenarios).
 * <ul>
 *   <li>{@link #CLASS_INCREMENTAL}: each task brings new classes; the model predicts among every
 *       class without being told the task.</li>
 *   <li>{@link #TASK_INCREMENTAL}: the same tasks, but the task is known: training and prediction
 *       are restricted to the task's classes (a multi-head model, here one shared head masked to the
 *       task's logits).</li>
 *   <li>{@link #DOMAIN_INCREMENTAL}: every task has the same classes under a changed input (permuted
 *       pixels) or a changed labelling (permuted labels).</li>
 * </ul>
 */
public enum Scenario {
    CLASS_INCREMENTAL, TASK_INCREMENTAL, DOMAIN_INCREMENTAL
}
