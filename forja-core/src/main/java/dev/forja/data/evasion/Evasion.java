package dev.forja.data.evasion;

import dev.forja.ForjaException;
import dev.forja.data.evasion.ParamList.Param;
import dev.forja.data.evasion.ParamList.Style;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The evasions attackers apply to a request's parameters, each one label-preserving: what a server decodes from the
 * request is the same payload, or one that a lenient interpreter (a SQL parser, a browser, a Unicode-normalising
 * back end) reads the same way. {@link #apply} rewrites the query strings and bodies that {@link RequestParts} finds
 * in a text (request line, raw body, JSON log fields) and leaves everything else, and the request's shape, as it was.
 * Everything random is drawn from the {@link Random} given, so a seed fixes the output.
 *
 * <p>Example: {@code Evasion.SQL_COMMENT.apply("GET /p?id=1+OR+1=1 HTTP/1.1", new Random(1))} is <code>GET
 * /p?id=1/**&#47;OR/**&#47;1=1 HTTP/1.1</code>.
 */
public enum Evasion {
    /** Percent-encodes each value: every symbol and some letters ({@code %27%20%4FR}). */
    URL("url"),
    /** Percent-encodes each value twice ({@code %2527}, a few letters too), for a back end that decodes again. */
    DOUBLE_URL("double-url"),
    /** Mixes the case of letters ({@code SeLeCt}, {@code <ScRiPt>}). */
    CASE("case"),
    /** Replaces the spaces of a value with an inline SQL comment (<code>UNION/**&#47;SELECT</code>). */
    SQL_COMMENT("sql-comment"),
    /** Replaces the spaces of a value with tabs, line feeds, form feeds or {@code +}. */
    WHITESPACE("whitespace"),
    /** Writes markup characters as HTML character references ({@code &lt;}, {@code &#40;}, {@code &#x2f;}). */
    HTML_ENTITIES("html-entities"),
    /** Writes ASCII symbols and letters as their Unicode full-width forms ({@code ＜ｓｃｒｉｐｔ＞}). */
    FULLWIDTH("fullwidth"),
    /** Writes Latin letters as Cyrillic or Greek look-alikes ({@code аlеrt}). */
    HOMOGLYPH("homoglyph"),
    /** Shuffles the order of the parameters. */
    PARAM_REORDER("param-reorder"),
    /** Adds one to three benign parameters at random places ({@code utm_source=newsletter}). */
    PARAM_PADDING("param-padding");

    private static final List<String[]> BENIGN_PARAMS = List.of(
            new String[] {"utm_source", "newsletter"},
            new String[] {"utm_medium", "email"},
            new String[] {"utm_campaign", "cyber2024"},
            new String[] {"lang", "es"},
            new String[] {"ref", "home"},
            new String[] {"page", "2"},
            new String[] {"sort", "precio"},
            new String[] {"view", "grid"},
            new String[] {"v", "3"},
            new String[] {"_", "1717171717"},
            new String[] {"fbclid", "IwAR2xk9"},
            new String[] {"moneda", "CLP"});
    private static final String[] SPACES = {"\t", "\n", "\r\n", "\f", " "};

    private final String id;

    Evasion(String id) {
        this.id = id;
    }

    /** The name used on the command line and in reports, e.g. {@code double-url}. */
    public String id() {
        return id;
    }

    /** Every transform's name, in order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Evasion::id).toList();
    }

    /** The transform named {@code name}; an unknown name is an error that lists the valid ones. */
    public static Evasion named(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Evasion e : values()) if (e.id.equals(n)) return e;
        throw new ForjaException("unknown evasion transform '" + name + "'; valid ones: " + String.join(", ", ids()));
    }

    /** The transforms of a comma-separated list ({@code url,case}), in order, each once; blank means all of them. */
    public static List<Evasion> parseList(String names) {
        if (names == null || names.isBlank()) return List.of(values());
        Set<Evasion> out = new LinkedHashSet<>();
        for (String n : names.split(",")) if (!n.isBlank()) out.add(named(n));
        return List.copyOf(out);
    }

    /** {@code text} with this evasion applied to each of its parameter lists; unchanged when it has none. */
    public String apply(String text, Random rnd) {
        return RequestParts.rewrite(text, params -> apply(params, rnd));
    }

    /**
     * {@code text} as the {@code row}-th example of a data set transformed under {@code seed}: each row draws from a
     * generator of its own, so its rewrite does not depend on the other rows or their order.
     */
    public String apply(String text, long seed, int row) {
        return apply(text, new Random(mix(mix(seed, ordinal() + 1L), row)));
    }

    // SplitMix64's finaliser over the combined words: nearby seeds and rows give unrelated generators.
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    ParamList apply(ParamList list, Random rnd) {
        return switch (this) {
            case PARAM_REORDER -> reorder(list, rnd);
            case PARAM_PADDING -> pad(list, rnd);
            default -> {
                List<Param> out = new ArrayList<>();
                for (Param p : list.params()) out.add(p.text() ? p.withValue(value(p.value(), list.style(), rnd)) : p);
                yield new ParamList(list.style(), out);
            }
        };
    }

    private String value(String v, Style style, Random rnd) {
        boolean form = style == Style.FORM;
        return switch (this) {
            case URL -> PercentCoding.encodeAll(form ? PercentCoding.decode(v) : v, rnd, 0.25);
            case DOUBLE_URL ->
                PercentCoding.encodePercentSigns(PercentCoding.encodeAll(form ? PercentCoding.decode(v) : v, rnd, 0.1));
            case CASE -> ValueUnits.map(v, style, Character::isLetter, Lookalikes::otherCase, 0.5, rnd);
            case SQL_COMMENT -> ValueUnits.map(v, style, c -> c == ' ', c -> "/**/", 1.0, rnd);
            case WHITESPACE ->
                ValueUnits.map(
                        v,
                        style,
                        c -> c == ' ',
                        c -> SPACES[rnd.nextInt(form ? SPACES.length : SPACES.length - 1)],
                        1.0,
                        rnd);
            case HTML_ENTITIES ->
                ValueUnits.map(v, style, Lookalikes::isMarkup, c -> Lookalikes.entity(c, rnd), 1.0, rnd);
            case FULLWIDTH -> ValueUnits.map(v, style, Lookalikes::hasFullWidth, Lookalikes::fullWidth, 0.5, rnd);
            case HOMOGLYPH -> ValueUnits.map(v, style, Lookalikes::hasHomoglyph, Lookalikes::homoglyph, 0.5, rnd);
            case PARAM_REORDER, PARAM_PADDING -> v;
        };
    }

    private static ParamList reorder(ParamList list, Random rnd) {
        List<Param> out = new ArrayList<>(list.params());
        // a few tries: a shuffle may give the same order back (always, when every parameter is the same)
        for (int i = 0; i < 8 && out.equals(list.params()); i++) Collections.shuffle(out, rnd);
        return new ParamList(list.style(), out);
    }

    private static ParamList pad(ParamList list, Random rnd) {
        List<Param> out = new ArrayList<>(list.params());
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            String[] kv = BENIGN_PARAMS.get(rnd.nextInt(BENIGN_PARAMS.size()));
            if (list.has(kv[0]) || out.stream().anyMatch(p -> kv[0].equals(p.name()))) continue;
            out.add(rnd.nextInt(out.size() + 1), new Param(kv[0], kv[1], true));
        }
        return new ParamList(list.style(), out);
    }
}
