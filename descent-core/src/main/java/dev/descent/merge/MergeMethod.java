package dev.descent.merge;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The merge methods, by mergekit's names, with mergekit's defaults (its {@code merge_methods/registry.py}
 * and {@code linear.py} at {@code a6e402884ba9bc30da7f23e8304a35f19485de95}), ACE-Merging, PCB, sequential
 * merging by orthogonal projection (OPCM) and GradFix's task vector transport.
 *
 * <table>
 *   <caption>methods</caption>
 *   <tr><th>name</th><th>sparsification</th><th>sign consensus</th><th>normalize</th><th>rescale</th></tr>
 *   <tr><td>linear</td><td>—</td><td>no</td><td>true</td><td>—</td></tr>
 *   <tr><td>task_arithmetic</td><td>—</td><td>no</td><td>false</td><td>false</td></tr>
 *   <tr><td>ties</td><td>magnitude</td><td>sum</td><td>true</td><td>false</td></tr>
 *   <tr><td>dare_linear</td><td>random</td><td>no</td><td>false</td><td>true</td></tr>
 *   <tr><td>dare_ties</td><td>random</td><td>sum</td><td>false</td><td>true</td></tr>
 *   <tr><td>breadcrumbs</td><td>magnitude_outliers</td><td>no</td><td>false</td><td>false</td></tr>
 *   <tr><td>breadcrumbs_ties</td><td>magnitude_outliers</td><td>sum</td><td>false</td><td>false</td></tr>
 *   <tr><td>ace</td><td colspan="4">closed form per 2-D layer ({@link Ace})</td></tr>
 *   <tr><td>pcb</td><td colspan="4">parameter competition balancing ({@link Pcb})</td></tr>
 *   <tr><td>opcm</td><td colspan="4">sequential, each task vector projected off the merged one's dominant singular pairs ({@link Opcm})</td></tr>
 *   <tr><td>gradfix</td><td colspan="4">task vectors masked by the target's gradient signs, then task arithmetic ({@link GradFix})</td></tr>
 * </table>
 */
public enum MergeMethod {
    LINEAR(Sparsification.NONE, false, true, false),
    TASK_ARITHMETIC(Sparsification.NONE, false, false, false),
    TIES(Sparsification.MAGNITUDE, true, true, false),
    DARE_LINEAR(Sparsification.RANDOM, false, false, true),
    DARE_TIES(Sparsification.RANDOM, true, false, true),
    BREADCRUMBS(Sparsification.MAGNITUDE_OUTLIERS, false, false, false),
    BREADCRUMBS_TIES(Sparsification.MAGNITUDE_OUTLIERS, true, false, false),
    ACE(Sparsification.NONE, false, false, false),
    PCB(Sparsification.NONE, false, false, false),
    OPCM(Sparsification.NONE, false, false, false),
    GRADFIX(Sparsification.NONE, false, false, false);

    /** How a task vector is thinned before mixing ({@link Sparsify}). */
    public enum Sparsification { NONE, MAGNITUDE, RANDOM, MAGNITUDE_OUTLIERS }

    public final Sparsification sparsification;
    /** TIES' sign election: an entry counts only where its sign agrees with the sign of the weighted sum. */
    public final boolean consensus;
    public final boolean defaultNormalize;
    public final boolean defaultRescale;

    MergeMethod(Sparsification sparsification, boolean consensus, boolean defaultNormalize, boolean defaultRescale) {
        this.sparsification = sparsification;
        this.consensus = consensus;
        this.defaultNormalize = defaultNormalize;
        this.defaultRescale = defaultRescale;
    }

    /** mergekit's name ("dare_ties"). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the method works on task vectors and so needs a {@code base_model}. */
    public boolean needsBase() {
        return this != LINEAR;
    }

    /** The method named {@code name}, or a one-line error listing the valid names. */
    public static MergeMethod parse(String name) {
        for (MergeMethod m : values()) if (m.configName().equals(name)) return m;
        throw new IllegalArgumentException("unknown merge_method '" + name + "'; valid: " + validNames());
    }

    public static String validNames() {
        return Arrays.stream(values()).map(MergeMethod::configName).collect(Collectors.joining(", "));
    }
}
