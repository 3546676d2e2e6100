package dev.descent.data;

import java.util.Arrays;

/**
 * A character-level tokenizer whose vocabulary is the sorted set of characters of a text, as
 * nanoGPT's {@code data/shakespeare_char/prepare.py} builds it ({@code sorted(list(set(data)))}).
 */
public final class CharTokenizer {
    private final char[] itos;
    private final int[] stoi = new int[Character.MAX_VALUE + 1];

    public CharTokenizer(String text) {
        this(text.chars().distinct().sorted().mapToObj(c -> String.valueOf((char) c)).reduce("", String::concat).toCharArray());
    }

    /** A tokenizer with the given vocabulary (index = token id). */
    public CharTokenizer(char[] vocabulary) {
        this.itos = vocabulary.clone();
        Arrays.fill(stoi, -1);
        for (int i = 0; i < itos.length; i++) {
            if (stoi[itos[i]] != -1) throw new IllegalArgumentException("character repeated in vocabulary: " + itos[i]);
            stoi[itos[i]] = i;
        }
    }

    public int vocabSize() { return itos.length; }

    /** The vocabulary as a string, id order. */
    public String vocabulary() { return new String(itos); }

    public int[] encode(String s) {
        int[] out = new int[s.length()];
        for (int i = 0; i < s.length(); i++) {
            int id = stoi[s.charAt(i)];
            if (id < 0) {
                throw new IllegalArgumentException("character " + describe(s.charAt(i)) + " at position " + i
                        + " is not in the vocabulary of " + itos.length + " characters");
            }
            out[i] = id;
        }
        return out;
    }

    public String decode(int[] ids) {
        StringBuilder b = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= itos.length) throw new IllegalArgumentException("token id " + id + " outside the vocabulary");
            b.append(itos[id]);
        }
        return b.toString();
    }

    private static String describe(char c) {
        return c < 32 || c > 126 ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
