package dev.descent.data;

import dev.descent.tensor.Philox;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Speaker identification on the held-out plays of Tiny Shakespeare: a prompt-based classification task
 * scored by label-word likelihood, as MeZO (Malladi et al., NeurIPS 2023) scores SST-2 with the label
 * words "great"/"terrible". Here the prompt is a speech followed by {@value #TEMPLATE_SUFFIX} and the
 * label words are the speakers' names, so the classifier is the language model itself:
 * <pre>
 *   prompt   = speech[0 … maxSpeechChars) + "\nSpoken by:"
 *   label k  = " " + NAME_k                                      (e.g. " DUKE VINCENTIO")
 *   ŷ        = argmax_k log p(label k | prompt)                  (dev.descent.tasks.LabelWordClassifier)
 * </pre>
 * How the task is built (deterministic: a function of the corpus and the arguments only):
 * <ol>
 *   <li><b>Speeches.</b> The corpus is cut at blank lines; a block whose first line is a speaker
 *       line ({@code NAME:} — a capital, then letters, spaces, apostrophes, dots or hyphens, then a
 *       colon, e.g. {@code DUKE VINCENTIO:}, {@code Provost:}) is a speech by NAME, its text the lines
 *       after it joined by '\n'. Only speeches that start at or after character {@code from} count
 *       (the held-out plays; {@link #heldOutStart} is where the pre-training slice [0, 0.9) of the
 *       training split ends, so the task reads the fine-tuning slice [0.9, 1) and the validation split,
 *       none of which the pre-trained model saw).</li>
 *   <li><b>Speakers.</b> The {@code k} speakers with the most speeches there (ties: name order).</li>
 *   <li><b>Balance.</b> Every speaker keeps n = (the smallest of the k counts) speeches, chosen by a
 *       Philox permutation of its speeches (stream ({@code seed}, "speakers/NAME")), so each class has
 *       n examples and chance accuracy is 1/k.</li>
 *   <li><b>Split by speech.</b> The first ⌊n·testFraction⌋ of each speaker's chosen speeches are the test
 *       set, the rest the training set: both splits are balanced, and no speech is in both.</li>
 *   <li><b>Truncation.</b> A speech longer than {@code maxSpeechChars} keeps its first
 *       {@code maxSpeechChars} characters (openings name whom a speaker addresses), so that prompt and
 *       label fit a model's context.</li>
 * </ol>
 * <p>For noisy-channel scoring ({@code LabelWordClassifier.Scoring.CHANNEL}) the classes are the headers
 * {@code NAME + ":\n"} ({@link #headers()}), the pre-training format of a speech, and the input is the
 * (truncated) speech itself ({@link Example#speech}): score_k = log p(speech | "NAME_k:\n").
 *
 * On the bundled corpus from {@link #heldOutStart} (the end of <i>Measure for Measure</i>, <i>The Taming
 * of the Shrew</i>, the start of <i>The Tempest</i>), k = 4 gives DUKE VINCENTIO (157 speeches), PETRUCHIO
 * (155), TRANIO (90) and KATHARINA (81), so n = 81 (see {@code SpeakerIdentificationTest}).
 */
public final class SpeakerIdentification {
    /** What follows the speech in every prompt; a label word follows it. */
    public static final String TEMPLATE_SUFFIX = "\nSpoken by:";
    /** What follows a name in a channel header: the corpus's speaker line "NAME:" and its line break. */
    public static final String HEADER_SUFFIX = ":\n";

    private static final Pattern SPEAKER_LINE = Pattern.compile("[A-Z][A-Za-z' .-]*:");

    /** One speech: who speaks, what they say (the lines after the speaker line), and where the speaker line starts in the corpus. */
    public record Speech(String speaker, String text, int offset) {}

    /** One example: the (truncated) speech and the index of its class in {@link #labels()}. */
    public record Example(String speech, int label) {
        /** The direct-scoring prompt: the speech, then {@link #TEMPLATE_SUFFIX}. */
        public String prompt() { return speech + TEMPLATE_SUFFIX; }
    }

    private final List<String> speakers;
    private final List<String> labels;
    private final List<String> headers;
    private final List<Example> train;
    private final List<Example> test;
    private final int perSpeaker;

    private SpeakerIdentification(List<String> speakers, List<Example> train, List<Example> test, int perSpeaker) {
        this.speakers = List.copyOf(speakers);
        List<String> l = new ArrayList<>();
        for (String s : speakers) l.add(" " + s);
        this.labels = List.copyOf(l);
        this.headers = speakers.stream().map(s -> s + HEADER_SUFFIX).toList();
        this.train = List.copyOf(train);
        this.test = List.copyOf(test);
        this.perSpeaker = perSpeaker;
    }

    /**
     * The first character of the held-out plays of a corpus of {@code length} characters: ⌊0.9·⌊0.9·length⌋⌋, the
     * end of the pre-training slice [0, 0.9) of nanoGPT's 90 % training split (the {@code train_end = 0.9} of a
     * pre-training run).
     */
    public static int heldOutStart(int length) {
        int train = (int) (length * 0.9);
        return (int) (0.9 * train);
    }

    /** Every speech of {@code corpus} (see the class comment for what a speech is), in corpus order. */
    public static List<Speech> speeches(String corpus) {
        List<Speech> out = new ArrayList<>();
        int at = 0;
        int n = corpus.length();
        while (at < n) {
            int end = corpus.indexOf("\n\n", at);
            if (end < 0) end = n;
            String block = corpus.substring(at, end);
            int nl = block.indexOf('\n');
            if (nl > 0 && SPEAKER_LINE.matcher(block.substring(0, nl)).matches() && nl + 1 < block.length()) {
                out.add(new Speech(block.substring(0, nl - 1), block.substring(nl + 1), at));
            }
            at = end + 2;
        }
        return out;
    }

    /**
     * Builds the task from {@code corpus} (see the class comment).
     *
     * @param from           first corpus character of the held-out plays (speeches starting before it are left out)
     * @param k              number of speakers (classes), at least 2
     * @param testFraction   fraction of each speaker's speeches in the test set, in (0, 1)
     * @param maxSpeechChars characters of a speech kept in its prompt, at least 1
     * @param seed           keys the choice of each speaker's speeches
     */
    public static SpeakerIdentification build(String corpus, int from, int k, double testFraction, int maxSpeechChars, long seed) {
        if (k < 2) throw new IllegalArgumentException("speakers k = " + k + " must be at least 2");
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("test_fraction = " + testFraction + " must be in (0, 1)");
        if (maxSpeechChars < 1) throw new IllegalArgumentException("max_speech_chars = " + maxSpeechChars + " must be at least 1");
        Map<String, List<Speech>> bySpeaker = new LinkedHashMap<>();
        for (Speech s : speeches(corpus)) {
            if (s.offset() >= from) bySpeaker.computeIfAbsent(s.speaker(), x -> new ArrayList<>()).add(s);
        }
        if (bySpeaker.size() < k) {
            throw new IllegalArgumentException("the held-out text has " + bySpeaker.size() + " speakers, fewer than k = " + k);
        }
        List<String> top = new ArrayList<>(bySpeaker.keySet());
        top.sort(Comparator.<String>comparingInt(s -> -bySpeaker.get(s).size()).thenComparing(Comparator.naturalOrder()));
        top = top.subList(0, k);
        int n = Integer.MAX_VALUE;
        for (String s : top) n = Math.min(n, bySpeaker.get(s).size());
        int nTest = (int) Math.floor(n * testFraction);
        if (nTest < 1 || nTest >= n) {
            throw new IllegalArgumentException("test_fraction = " + testFraction + " of " + n + " speeches per speaker leaves an empty split");
        }
        List<Example> train = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            List<Speech> all = bySpeaker.get(top.get(c));
            int[] perm = Philox.stream(seed, "speakers/" + top.get(c)).permutation(all.size());
            for (int i = 0; i < n; i++) {
                Example e = new Example(truncate(all.get(perm[i]).text(), maxSpeechChars), c);
                (i < nTest ? test : train).add(e);
            }
        }
        return new SpeakerIdentification(top, train, test, n);
    }

    /** The prompt of a speech: its first {@code maxSpeechChars} characters, then {@link #TEMPLATE_SUFFIX}. */
    public static String prompt(String speech, int maxSpeechChars) {
        return truncate(speech, maxSpeechChars) + TEMPLATE_SUFFIX;
    }

    private static String truncate(String speech, int maxSpeechChars) {
        return speech.length() > maxSpeechChars ? speech.substring(0, maxSpeechChars) : speech;
    }

    /** The speakers, most speeches first; class c is speaker c. */
    public List<String> speakers() { return speakers; }

    /** The label words: " " + speaker, in class order. */
    public List<String> labels() { return labels; }

    /** The channel headers: speaker + {@link #HEADER_SUFFIX}, in class order. */
    public List<String> headers() { return headers; }

    /** Training examples, class by class. */
    public List<Example> train() { return train; }

    /** Test examples, class by class. */
    public List<Example> test() { return test; }

    /** Speeches kept per speaker (both splits). */
    public int perSpeaker() { return perSpeaker; }

    /** Characters of the longest channel header. */
    public int longestHeader() {
        int m = 0;
        for (String h : headers) m = Math.max(m, h.length());
        return m;
    }

    /** Characters of the longest label word. */
    public int longestLabel() {
        int m = 0;
        for (String l : labels) m = Math.max(m, l.length());
        return m;
    }
}
