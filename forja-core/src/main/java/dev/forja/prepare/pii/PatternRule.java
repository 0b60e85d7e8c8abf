package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule made of a regular expression and a validator: the expression proposes candidates (the named group
 * {@code v} when present, else the whole match) and {@link Accept} keeps those whose check digits or context
 * are right. Optional needles are plain substrings of which at least one must occur before the expression runs
 * at all, a cheap skip for texts that cannot match ({@code "@"} for e-mail).
 */
final class PatternRule implements PiiRule {
    /** Start boundary: not glued to a letter, digit or underscore, nor to a number through {@code . - /}. */
    static final String L = "(?<![\\p{L}\\p{N}_])(?<!\\d[.\\-/])";
    /** End boundary, the mirror of {@link #L}. */
    static final String R = "(?![\\p{L}\\p{N}_])(?![.\\-/]\\d)";

    /** Decides whether the candidate {@code text[start, end)} is a real match. */
    @FunctionalInterface
    interface Accept {
        boolean test(String text, int start, int end);

        Accept ALWAYS = (text, start, end) -> true;

        /** Accepts when {@code check} holds for the candidate with separators removed and upper-cased. */
        static Accept compact(java.util.function.Predicate<String> check) {
            return (text, start, end) -> check.test(CheckDigits.compact(text.subSequence(start, end)));
        }
    }

    private final PiiType type;
    private final Pattern pattern;
    private final boolean namedGroup;
    private final Accept accept;
    private final String[] needles;

    PatternRule(PiiType type, String regex, Accept accept, String... needles) {
        this.type = type;
        this.pattern = Pattern.compile(regex);
        this.namedGroup = regex.contains("(?<v>");
        this.accept = accept;
        this.needles = needles;
    }

    @Override
    public List<PiiMatch> find(String text) {
        if (needles.length > 0 && !containsAny(text)) return List.of();
        List<PiiMatch> out = null;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            int start = namedGroup ? m.start("v") : m.start(), end = namedGroup ? m.end("v") : m.end();
            if (start < end && accept.test(text, start, end)) {
                if (out == null) out = new ArrayList<>(2);
                out.add(new PiiMatch(type, start, end));
            }
        }
        return out == null ? List.of() : out;
    }

    private boolean containsAny(String text) {
        for (String n : needles) if (text.contains(n)) return true;
        return false;
    }

    @Override
    public PiiType type() {
        return type;
    }

    @Override
    public String toString() {
        return "PatternRule[" + type + "]";
    }
}
