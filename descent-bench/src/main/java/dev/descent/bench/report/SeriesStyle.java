package dev.descent.bench.report;

/**
 * How a series is drawn: a colour from a fixed palette of twelve and, for the 13th series on, a dash
 * pattern, so some 48 optimizers stay distinguishable. Styles are given to optimizers once per report
 * (in name order) so an optimizer looks the same in every chart.
 */
public record SeriesStyle(String color, String dash) {
    /** Twelve colours with good mutual contrast on white (Tableau 10 plus two darker tones). */
    private static final String[] PALETTE = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#b8860b",
    };
    /** Solid, dashed, dotted, dash-dot; SVG stroke-dasharray values. */
    private static final String[] DASHES = {"", "7 3", "2 2.5", "9 3 2 3"};

    public static SeriesStyle of(int index) {
        return new SeriesStyle(PALETTE[index % PALETTE.length], DASHES[(index / PALETTE.length) % DASHES.length]);
    }
}
