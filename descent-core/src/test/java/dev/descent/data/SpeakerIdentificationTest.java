package dev.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The speaker-identification task builder ({@link SpeakerIdentification}). */
class SpeakerIdentificationTest {
    private static final String TINY = """
            First Citizen:
            Before we proceed any further, hear me speak.

            ALL:
            Speak, speak.

            a stage direction, not a speech

            BOB:
            One.

            ALICE:
            Two.
            And three.

            BOB:
            Four.

            ALICE:
            Five.

            CAROL:
            Six.

            BOB:
            Seven.

            ALICE:
            Eight.
            """;

    @Test
    void speechesAreBlocksThatOpenWithASpeakerLine() {
        List<SpeakerIdentification.Speech> s = SpeakerIdentification.speeches(TINY);
        assertEquals(List.of("First Citizen", "ALL", "BOB", "ALICE", "BOB", "ALICE", "CAROL", "BOB", "ALICE"),
                s.stream().map(SpeakerIdentification.Speech::speaker).toList());
        assertEquals("Two.\nAnd three.", s.get(3).text());
        assertEquals(0, s.get(0).offset());
        assertEquals(TINY.indexOf("ALL:"), s.get(1).offset());
        assertEquals(TINY.indexOf("ALICE:"), s.get(3).offset());
    }

    @Test
    void buildsABalancedDeterministicSplitOfTheMostFrequentSpeakers() {
        int from = TINY.indexOf("BOB:");
        SpeakerIdentification t = SpeakerIdentification.build(TINY, from, 2, 0.34, 100, 7);
        // after `from`: BOB 3, ALICE 3, CAROL 1; ALICE before BOB on the tie (name order)
        assertEquals(List.of("ALICE", "BOB"), t.speakers());
        assertEquals(List.of(" ALICE", " BOB"), t.labels());
        assertEquals(List.of("ALICE:\n", "BOB:\n"), t.headers(), "channel headers: the corpus's speaker lines");
        assertEquals(7, t.longestHeader(), "\"ALICE:\\n\"");
        assertEquals(3, t.perSpeaker());
        // ⌊3 · 0.34⌋ = 1 test speech per speaker, 2 for training
        assertEquals(List.of(0, 1), t.test().stream().map(SpeakerIdentification.Example::label).toList());
        assertEquals(List.of(0, 0, 1, 1), t.train().stream().map(SpeakerIdentification.Example::label).toList());
        Set<String> all = new HashSet<>();
        for (var e : t.train()) all.add(e.prompt());
        for (var e : t.test()) assertTrue(all.add(e.prompt()), "a speech in both splits: " + e.prompt());
        assertEquals(6, all.size());
        for (var e : t.test()) assertTrue(e.prompt().endsWith("\nSpoken by:"), e.prompt());
        for (var e : t.test()) assertEquals(e.speech() + "\nSpoken by:", e.prompt(), "the prompt is the speech and the template");
        // deterministic: the same arguments give the same task
        SpeakerIdentification again = SpeakerIdentification.build(TINY, from, 2, 0.34, 100, 7);
        assertEquals(t.train(), again.train());
        assertEquals(t.test(), again.test());
        // truncation keeps the first characters of the speech
        assertEquals("Tw\nSpoken by:", SpeakerIdentification.prompt("Two.\nAnd three.", 2));
        assertEquals("Two.\nSpoken by:", SpeakerIdentification.prompt("Two.", 9));
    }

    @Test
    void refusesImpossibleTasks() {
        int from = TINY.indexOf("BOB:");
        assertThrows(IllegalArgumentException.class, () -> SpeakerIdentification.build(TINY, from, 4, 0.34, 100, 0), "3 speakers after from");
        assertThrows(IllegalArgumentException.class, () -> SpeakerIdentification.build(TINY, from, 1, 0.34, 100, 0));
        assertThrows(IllegalArgumentException.class, () -> SpeakerIdentification.build(TINY, from, 2, 0.2, 100, 0), "⌊3 · 0.2⌋ = 0 test speeches");
        assertThrows(IllegalArgumentException.class, () -> SpeakerIdentification.build(TINY, from, 2, 1.0, 100, 0));
        assertThrows(IllegalArgumentException.class, () -> SpeakerIdentification.build(TINY, from, 2, 0.5, 0, 0));
    }

    /**
     * The bundled corpus from the held-out start: speakers and counts as a separate python3 re-implementation of the
     * rule finds them (split at "\n\n", first line matching [A-Z][A-Za-z' .-]*:, block start ≥ ⌊0.9·⌊0.9·1115394⌋⌋ =
     * 903468): DUKE VINCENTIO 157, PETRUCHIO 155, TRANIO 90, KATHARINA 81.
     */
    @Test
    void theBundledTaskHasTheFourMostFrequentSpeakersOfTheHeldOutPlays() throws Exception {
        String corpus;
        try (InputStream in = TextDataset.class.getResourceAsStream("tinyshakespeare.txt")) {
            corpus = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        int from = SpeakerIdentification.heldOutStart(corpus.length());
        assertEquals(903468, from);
        SpeakerIdentification t = SpeakerIdentification.build(corpus, from, 4, 1.0 / 3, 38, 0);
        assertEquals(List.of("DUKE VINCENTIO", "PETRUCHIO", "TRANIO", "KATHARINA"), t.speakers());
        assertEquals(81, t.perSpeaker());
        assertEquals(4 * 27, t.test().size());
        assertEquals(4 * 54, t.train().size());
        for (int c = 0; c < 4; c++) {
            final int cls = c;
            assertEquals(27, t.test().stream().filter(e -> e.label() == cls).count());
            assertEquals(54, t.train().stream().filter(e -> e.label() == cls).count());
        }
        for (var e : t.train()) assertTrue(e.prompt().length() <= 38 + SpeakerIdentification.TEMPLATE_SUFFIX.length());
        assertEquals(15, t.longestLabel(), "\" DUKE VINCENTIO\"");
        assertEquals(16, t.longestHeader(), "\"DUKE VINCENTIO:\\n\"");
        // channel scoring's speeches (64 − 16 = 48 characters) extend the direct ones (38): the same speeches, longer
        SpeakerIdentification channel = SpeakerIdentification.build(corpus, from, 4, 1.0 / 3, 48, 0);
        for (int i = 0; i < t.test().size(); i++) {
            assertTrue(channel.test().get(i).speech().startsWith(t.test().get(i).speech()));
            assertTrue(channel.test().get(i).speech().length() <= 48);
        }
        assertNotEquals(t.test(), SpeakerIdentification.build(corpus, from, 4, 1.0 / 3, 38, 1).test(), "another seed picks other speeches");
    }
}
