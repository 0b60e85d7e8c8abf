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
    private final boolean ignoreCaseNeedles;
    // Digit-anchored rules run only in windows around digit runs (DigitRuns): `before` characters ahead of the
    // first digit (a keyword, CURP's letters) and `after` past the last; -1 means the whole text.
    private final int before, after;
    // Whether every match holds a needle, so that a window without one is skipped (a per-window precheck).
    private final boolean needlesInMatch;

    PatternRule(PiiType type, String regex, Accept accept, String... needles) {
        this(type, Pattern.compile(regex), regex.contains("(?<v>"), accept, needles, false, -1, -1, true);
    }

    private PatternRule(
            PiiType type,
            Pattern pattern,
            boolean namedGroup,
            Accept accept,
            String[] needles,
            boolean ignoreCaseNeedles,
            int before,
            int after,
            boolean needlesInMatch) {
        this.type = type;
        this.pattern = pattern;
        this.namedGroup = namedGroup;
        this.accept = accept;
        this.needles = needles;
        this.ignoreCaseNeedles = ignoreCaseNeedles;
        this.before = before;
        this.after = after;
        this.needlesInMatch = needlesInMatch;
    }

    /** The same rule, run only near digits: every match holds a digit within {@code before}/{@code after} chars. */
    PatternRule nearDigits(int before, int after) {
        return new PatternRule(
                type, pattern, namedGroup, accept, needles, ignoreCaseNeedles, before, after, needlesInMatch);
    }

    /** The same rule, for an expression some of whose matches hold none of the needles ("d.ni" for "dni"). */
    PatternRule needlesOutsideMatches() {
        return new PatternRule(type, pattern, namedGroup, accept, needles, ignoreCaseNeedles, before, after, false);
    }

    /** The same rule, with needles (given in lower case) looked up ignoring case. */
    PatternRule needlesIgnoreCase() {
        return new PatternRule(type, pattern, namedGroup, accept, needles, true, before, after, needlesInMatch);
    }

    @Override
    public List<PiiMatch> find(String text) {
        return find(text, before >= 0 ? DigitRuns.of(text) : null);
    }

    /** {@link #find(String)} with the digit runs of {@code text} already computed (shared across rules). */
    List<PiiMatch> find(String text, int[] digitRuns) {
        if (needles.length > 0 && !containsAny(text, 0, text.length())) return List.of();
        boolean skipWindows = needles.length > 0 && needlesInMatch;
        List<PiiMatch> out = null;
        Matcher m = pattern.matcher(text);
        if (before < 0) {
            out = scan(m, text, null);
            return out == null ? List.of() : out;
        }
        m.useTransparentBounds(true).useAnchoringBounds(false);
        int n = text.length();
        for (int i = 0; i < digitRuns.length; ) {
            int from = Math.max(0, digitRuns[i] - before), to = Math.min(n, digitRuns[i + 1] + after);
            i += 2;
            while (i < digitRuns.length && digitRuns[i] - before <= to) { // merge windows that touch
                to = Math.min(n, digitRuns[i + 1] + after);
                i += 2;
            }
            if (skipWindows && !containsAny(text, from, to)) continue;
            m.region(from, to);
            out = scan(m, text, out);
        }
        return out == null ? List.of() : out;
    }

    private List<PiiMatch> scan(Matcher m, String text, List<PiiMatch> out) {
        while (m.find()) {
            int start = namedGroup ? m.start("v") : m.start(), end = namedGroup ? m.end("v") : m.end();
            if (start < end && accept.test(text, start, end)) {
                if (out == null) out = new ArrayList<>(2);
                out.add(new PiiMatch(type, start, end));
            }
        }
        return out;
    }

    /** Whether a keyword must occur in the text before the expression runs (a keyword-led rule). */
    boolean hasNeedles() {
        return needles.length > 0;
    }

    boolean nearDigitsOnly() {
        return before >= 0;
    }

    /** Whether a needle lies wholly within {@code text[from, to)}. */
    private boolean containsAny(String text, int from, int to) {
        for (String n : needles) {
            int last = to - n.length();
            if (!ignoreCaseNeedles) {
                int at = text.indexOf(n, from);
                if (at >= 0 && at <= last) return true;
                continue;
            }
            char lower = n.charAt(0), upper = Character.toUpperCase(lower);
            for (int at = from; at <= last; at++) {
                char c = text.charAt(at);
                if ((c == lower || c == upper) && text.regionMatches(true, at, n, 0, n.length())) return true;
            }
        }
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
