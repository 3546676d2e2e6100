package dev.descent.optim;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One hyperparameter of a named optimizer as users type it: its name, its default, the values it
 * allows and what it does. It reads its value from {@link HyperParams} (the default when absent) and
 * checks a value with its {@link Range}; the hyperparameter records ({@code AdamWHyper}, …) declare one
 * per component, bind from them in their {@code from(HyperParams)} and check with them in their compact
 * constructors, and the table of defaults in docs/optimizers.md is printed from them
 * ({@link HyperTable}). So a default, a name and an allowed range are each written once.
 *
 * @param <T> the value's type: Double, Integer, Long, Boolean, an enum, or {@code double[]} for a pair
 */
public final class HyperField<T> {
    /** Allowed values of a number: the text the docs show and the check (a {@link Hyper} check, which names the key). */
    public record Range(String text, BiConsumer<String, Double> check) {
        public static final Range ANY = new Range("any", (n, v) -> {});
        public static final Range NON_NEGATIVE = new Range("≥ 0", Hyper::nonNegative);
        public static final Range POSITIVE = new Range("> 0", Hyper::positive);
        public static final Range UNIT = new Range("[0, 1)", Hyper::unitInterval);
        public static final Range CLOSED_UNIT = new Range("[0, 1]", Hyper::closedUnitInterval);
        public static final Range POSITIVE_COUNT = new Range("integer ≥ 1", (n, v) -> Hyper.positiveCount(n, v.longValue()));
    }

    /** How a field reads its value; {@code dflt} when the name is absent. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(HyperParams h, String name, T dflt);
    }

    private final String name;
    private final String label;
    private final String type;
    private final T defaultValue;
    private final String defaultText;
    private final String allowed;
    private final String doc;
    private final Reader<T> reader;
    private final BiConsumer<String, T> check;

    private HyperField(String name, String label, String type, T defaultValue, String defaultText, String allowed, String doc,
                       Reader<T> reader, BiConsumer<String, T> check) {
        this.name = name;
        this.label = label;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.allowed = allowed;
        this.doc = doc;
        this.reader = reader;
        this.check = check;
    }

    /** A real number. */
    public static HyperField<Double> number(String name, double dflt, Range range, String doc) {
        return new HyperField<>(name, name, "number", dflt, format(dflt), range.text(), doc, HyperParams::getDouble, range.check()::accept);
    }

    /** An integer ({@code Range.POSITIVE_COUNT}, or a range given as numbers). */
    public static HyperField<Integer> integer(String name, int dflt, Range range, String doc) {
        return new HyperField<>(name, name, "integer", dflt, Integer.toString(dflt), range.text(), doc, HyperParams::getInt,
                (n, v) -> range.check().accept(n, v.doubleValue()));
    }

    /** true or false. */
    public static HyperField<Boolean> flag(String name, boolean dflt, String doc) {
        return new HyperField<>(name, name, "boolean", dflt, Boolean.toString(dflt), "true, false", doc, HyperParams::getBool, (n, v) -> {});
    }

    /**
     * One of an enum's constants, typed as the constant's lower-case name (any case accepted); an unknown
     * value is refused with a message that lists the valid ones.
     */
    public static <E extends Enum<E>> HyperField<E> choice(String name, E dflt, String doc) {
        E[] values = dflt.getDeclaringClass().getEnumConstants();
        String valid = Arrays.stream(values).map(HyperField::key).collect(Collectors.joining(", "));
        return new HyperField<>(name, name, "choice", dflt, key(dflt), valid, doc, (h, n, d) -> {
            String v = h.getString(n, null);
            if (v == null) return d;
            for (E e : values) if (key(e).equalsIgnoreCase(v.trim())) return e;
            throw new IllegalArgumentException(n + " must be one of " + valid + "; got '" + v + "'");
        }, (n, v) -> {});
    }

    /** The spelling of an enum constant in hyperparameters: its name in lower case. */
    public static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A value parsed from its text by {@code parse}, which throws an IllegalArgumentException naming the
     * key for a bad one ({@code allowed} is what the docs show).
     */
    public static <T> HyperField<T> parsed(String name, String type, T dflt, String defaultText, String allowed, String doc,
                                           Function<String, T> parse) {
        return new HyperField<>(name, name, type, dflt, defaultText, allowed, doc, (h, n, d) -> {
            String v = h.getString(n, null);
            return v == null ? d : parse.apply(v.trim());
        }, (n, v) -> {});
    }

    /**
     * A pair of decay rates, each in [0, 1): {@code <name>=b1,b2} (PyTorch's {@code betas} spelling;
     * brackets allowed) or the separate {@code <single1>}/{@code <single2>} (null when the pair is the
     * only spelling). A bad pair is refused naming the key that was given.
     */
    public static HyperField<double[]> betas(String name, String single1, String single2, double b1, double b2, String doc) {
        String shown = single1 == null ? name : name + " (or " + single1 + ", " + single2 + ")";
        return new HyperField<>(name, shown, "pair", new double[] {b1, b2}, format(b1) + "," + format(b2), "each in [0, 1)", doc,
                (h, n, d) -> readPair(h, name, single1, single2, d), (n, v) -> {});
    }

    private static double[] readPair(HyperParams h, String name, String single1, String single2, double[] dflt) {
        double[] out = single1 == null ? dflt.clone() : new double[] {h.getDouble(single1, dflt[0]), h.getDouble(single2, dflt[1])};
        String v = h.getString(name, null);
        if (v != null) {
            String[] parts = v.replace("(", "").replace(")", "").replace("[", "").replace("]", "").split(",");
            try {
                if (parts.length != 2) throw new NumberFormatException();
                out[0] = Double.parseDouble(parts[0].trim());
                out[1] = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be two numbers like " + format(dflt[0]) + "," + format(dflt[1]) + ", got '" + v + "'");
            }
            if (!(out[0] >= 0 && out[0] < 1 && out[1] >= 0 && out[1] < 1)) {
                throw new IllegalArgumentException(name + " must both be in [0, 1), got '" + v + "'");
            }
        } else if (single1 != null) {
            Hyper.unitInterval(single1, out[0]);
            Hyper.unitInterval(single2, out[1]);
        }
        return out;
    }

    /** The same field with the default shown in the docs as {@code text} (a default that depends on another choice). */
    public HyperField<T> shownAs(String text) {
        return new HyperField<>(name, label, type, defaultValue, text, allowed, doc, reader, check);
    }

    /** The same field with the allowed values shown as {@code text} (a condition its {@link Range} cannot say). */
    public HyperField<T> allowing(String text) {
        return new HyperField<>(name, label, type, defaultValue, defaultText, text, doc, reader, check);
    }

    /** The value given under this name, or the default; marks the name as known to {@link HyperParams#checkAllUsed}. */
    public T read(HyperParams h) {
        return reader.read(h, name, defaultValue);
    }

    /** The value given, or {@code dflt} when none was (a default decided by another hyperparameter). */
    public T read(HyperParams h, T dflt) {
        return reader.read(h, name, dflt);
    }

    /** Checks {@code value} against the allowed range; the message names this hyperparameter. Returns the value. */
    public T check(T value) {
        check.accept(name, value);
        return value;
    }

    /** The key users type. */
    public String name() { return name; }

    /** The name as the docs show it (a pair adds its separate spellings). */
    public String label() { return label; }

    public String type() { return type; }

    public T defaultValue() { return defaultValue; }

    /** The default as the docs show it. */
    public String defaultText() { return defaultText; }

    /** The allowed values as the docs show them. */
    public String allowed() { return allowed; }

    public String doc() { return doc; }

    /** A number as the docs show it: integers plain, 0.01 ≤ |v| < 1e6 in decimals, otherwise like 1e-3 or 2.5e-8. */
    static String format(double v) {
        if (v == 0) return "0";
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return Long.toString((long) v);
        double a = Math.abs(v);
        if (a >= 1e-2 && a < 1e6) return stripZeros(java.math.BigDecimal.valueOf(v).toPlainString());
        String s = String.format(Locale.ROOT, "%.6e", v);
        String mant = stripZeros(s.substring(0, s.indexOf('e')));
        int exp = Integer.parseInt(s.substring(s.indexOf('e') + 1));
        return mant + "e" + exp;
    }

    private static String stripZeros(String s) {
        if (!s.contains(".")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
