package dev.forja.prepare.pii;

import java.util.Arrays;
import java.util.Set;

/**
 * A run of name-shaped tokens: capitalised words ({@code "López"}, {@code "McDonald"}, {@code "Braud-Santoni"}),
 * words in capitals ({@code "ISHIKAWA"}), initials ({@code "A."}, {@code "J.R."}) and the lower-case particles
 * between them ({@code "de"}, {@code "van der"}, {@code "dos"}). Tokens are separated by spaces or by one line break
 * ({@code "José\nLópez Mellado"}), or by the {@code +} or {@code %20} of a form or URL value; punctuation, a digit, a blank line or any other lower-case word ends the run, and
 * a run never ends on a particle.
 *
 * <p>Example: {@code NameRun.scan("por Fred N. van Kempen <fred@x>", 4)} has tokens WORD, INITIAL, PARTICLE, WORD
 * and spans {@code "Fred N. van Kempen"}.
 */
final class NameRun {
    /** What a token is. */
    enum Kind {
        WORD,
        CAPS,
        INITIAL,
        PARTICLE
    }

    static final Set<String> PARTICLES = Set.of(
            "de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "van", "von", "le", "la", "los",
            "las", "y", "e", "ten", "ter", "bin", "ben", "al", "zu");
    private static final int MAX_TOKENS = 8;
    /** The widest gap inside a name: justified text (a man page) spreads a name's words over many spaces. */
    private static final int MAX_SPACES = 16;

    final String text;
    final int size;
    private final int[] starts, ends;
    private final Kind[] kinds;

    private NameRun(String text, int size, int[] starts, int[] ends, Kind[] kinds) {
        this.text = text;
        this.size = size;
        this.starts = starts;
        this.ends = ends;
        this.kinds = kinds;
    }

    int start(int token) {
        return starts[token];
    }

    int end(int token) {
        return ends[token];
    }

    Kind kind(int token) {
        return kinds[token];
    }

    /** The token's word, a hyphenation at a line's end joined ({@code "Carva-\n  lho"} is {@code "Carvalho"}). */
    String word(int token) {
        return dehyphenated(text.substring(starts[token], ends[token]));
    }

    /**
     * Where the rest of a word hyphenated at a line's end starts: after {@code "-"}, the line break and the next
     * line's indentation, at a lower-case letter; or {@code end} if no such break follows {@code end}.
     */
    static int hyphenatedRest(String text, int end) {
        int n = text.length(), i = end + 1;
        if (end >= n || text.charAt(end) != '-') return end;
        if (i < n && text.charAt(i) == '\r') i++;
        if (i >= n || text.charAt(i) != '\n') return end;
        i++;
        while (i < n && blank(text.charAt(i))) i++;
        return i < n && Character.isLowerCase(text.charAt(i)) ? i : end;
    }

    /** {@code s} with each hyphenation at a line's end joined: the hyphen, the line break and the indentation out. */
    static String dehyphenated(String s) {
        int at = s.indexOf("-\n");
        if (at < 0) at = s.indexOf("-\r\n");
        if (at < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int rest = s.charAt(i) == '-' ? hyphenatedRest(s, i) : i;
            if (rest > i) {
                i = rest;
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    /** Whether one space and a capitalised word of two letters or more follow {@code i}. */
    private static boolean beforeWord(String text, int i) {
        return i + 2 < text.length()
                && text.charAt(i) == ' '
                && Character.isUpperCase(text.charAt(i + 1))
                && Character.isLowerCase(text.charAt(i + 2));
    }

    /** The run that starts at the upper-case letter at {@code i}; empty ({@code size == 0}) if none does. */
    static NameRun scan(String text, int i) {
        int[] starts = new int[MAX_TOKENS], ends = new int[MAX_TOKENS];
        Kind[] kinds = new Kind[MAX_TOKENS];
        int size = 0, lineBreaks = 0, breakBefore = -1, wideBefore = -1, pos = i, n = text.length();
        while (size < MAX_TOKENS && pos < n) {
            int end = wordEnd(text, pos);
            char c = text.charAt(pos);
            Kind kind;
            if (size > 0 && end == pos && nicknameEnd(text, pos) > pos) { // "Joel 'Espy' Klecker"
                end = nicknameEnd(text, pos);
                kind = Kind.PARTICLE;
            } else if (end == pos) {
                break;
            } else if (Character.isUpperCase(c)) {
                if (end - pos == 1) {
                    if (end < n && text.charAt(end) == '.') {
                        end++;
                        while (end + 1 < n && Character.isUpperCase(text.charAt(end)) && text.charAt(end + 1) == '.')
                            end += 2; // "J.R."
                    } else if (!(size > 0 && kinds[size - 1] == Kind.WORD && beforeWord(text, end))) {
                        break; // a lone capital: not a name, unless a middle initial without its dot ("James M Leddy")
                    }
                    kind = Kind.INITIAL;
                } else {
                    kind = hasLowerCase(text, pos + 1, end) ? Kind.WORD : Kind.CAPS;
                }
            } else if (size > 0 && PARTICLES.contains(text.substring(pos, end))) {
                kind = Kind.PARTICLE;
            } else {
                break;
            }
            if (kind == Kind.WORD && lineBreaks == 0) { // "Carva-\n       lho": a word hyphenated at a line's end
                int rest = hyphenatedRest(text, end);
                if (rest > end) {
                    end = wordEnd(text, rest);
                    lineBreaks++;
                }
            }
            if (end < n && (text.charAt(end) == '_' || text.charAt(end) == '@' || Character.isDigit(text.charAt(end))))
                break; // an identifier ("Mykas0", "Bodo_Moeller"), an address
            if (breakBefore == size && end < n && text.charAt(end) == ':') { // "Brenner\nComment:": a label
                breakBefore = -1;
                break;
            }
            starts[size] = pos;
            ends[size] = end;
            kinds[size++] = kind;
            // the gap to the next token: spaces, or one line break with its indentation
            int next = end, spaces = 0;
            while (next < n && blank(text.charAt(next)) && spaces < MAX_SPACES) {
                next++;
                spaces++;
            }
            if (text.indexOf('\t', end) >= 0 && text.indexOf('\t', end) < next) break; // a tab: the next column
            if (spaces >= 3 && wideBefore < 0) wideBefore = size; // justified text, or two columns
            if (next == end && next + 1 < n && text.charAt(next) == '+') next++; // a form's value: "Luis+Soto"
            else if (next == end && text.startsWith("%20", next)) next += 3; // a URL's: "Luis%20Soto"
            if (next < n && text.charAt(next) == '\r') next++;
            if (next < n && text.charAt(next) == '\n' && lineBreaks == 0) {
                lineBreaks++;
                breakBefore = size;
                next++;
                while (next < n && blank(text.charAt(next))) next++;
            }
            boolean glued = kind == Kind.INITIAL
                    && next == end
                    && next + 1 < n
                    && Character.isUpperCase(text.charAt(next))
                    && Character.isLowerCase(text.charAt(next + 1)); // "Ricardo C.O.Freitas"
            if (!glued
                    && (next == end
                            || next >= n
                            || !Character.isLetter(text.charAt(next)) && nicknameEnd(text, next) < 0)) break;
            pos = next;
        }
        size = listEnd(text, size, starts, ends, kinds);
        // one name a line ("Alan Cox\nBernd Eckenfels" in AUTHORS), not "José\nLópez Mellado"
        if (breakBefore > 0
                && breakBefore < size
                && names(kinds, 0, breakBefore) >= 2
                && names(kinds, breakBefore, size) >= 2) size = breakBefore;
        // two names in two columns ("Alan Cox        Bernd Eckenfels"), not "Rubén      Porras     Campo"
        if (wideBefore > 0
                && wideBefore < size
                && names(kinds, 0, wideBefore) >= 2
                && names(kinds, wideBefore, size) >= 2) size = wideBefore;
        while (size > 0 && kinds[size - 1] == Kind.PARTICLE) size--;
        return new NameRun(text, size, starts, ends, kinds);
    }

    /**
     * Where a list of two names joined by "y" or "e" splits: at a joiner with two name words on each side, or one on
     * the left, particles between them ({@code "Alan Cox y Bernd Eckenfels"}, {@code "Rubens de Jesus e Ana da Silva"},
     * {@code "Felipe e Marcelo"}), but not inside one name ({@code "José Ortega y Gasset"}).
     */
    private static int listEnd(String text, int size, int[] starts, int[] ends, Kind[] kinds) {
        int left = 0;
        for (int t = 0; t < size; t++) {
            if (kinds[t] != Kind.PARTICLE) {
                left++;
                continue;
            }
            if (!joiner(text, starts[t], ends[t]) || left == 0) continue;
            int right = 0;
            for (int u = t + 1; u < size && !(kinds[u] == Kind.PARTICLE && joiner(text, starts[u], ends[u])); u++)
                if (kinds[u] != Kind.PARTICLE) right++;
            // a word alone on the left starts a list too ("Felipe e Marcelo", "Ana y Luis Soto"); a surname joined to
            // a name's last word is one name ("José Ortega y Gasset")
            if (right >= 2 || left == 1 && right >= 1) return t;
        }
        return size;
    }

    private static boolean joiner(String text, int start, int end) {
        return end - start == 1 && (text.charAt(start) == 'y' || text.charAt(start) == 'e');
    }

    private static int names(Kind[] kinds, int from, int to) {
        int k = 0;
        for (int t = from; t < to; t++) if (kinds[t] != Kind.PARTICLE) k++;
        return k;
    }

    /** A copy holding tokens {@code [from, to)}, particles at either end dropped. */
    NameRun slice(int from, int to) {
        while (from < to && kinds[from] == Kind.PARTICLE) from++;
        while (to > from && kinds[to - 1] == Kind.PARTICLE) to--;
        return new NameRun(
                text,
                to - from,
                Arrays.copyOfRange(starts, from, Math.max(from, to)),
                Arrays.copyOfRange(ends, from, Math.max(from, to)),
                Arrays.copyOfRange(kinds, from, Math.max(from, to)));
    }

    int count(Kind kind) {
        int k = 0;
        for (int t = 0; t < size; t++) if (kinds[t] == kind) k++;
        return k;
    }

    /**
     * Letters, with an inner apostrophe or hyphen ("D'Ávila", "Braud-Santoni"), a hyphen escaped for roff
     * ({@code "Fernández\\-Sanguino"}) or a replacement character where a decoder lost a letter ("Rub\uFFFDn").
     */
    static int wordEnd(String text, int i) {
        int n = text.length(), start = i;
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isLetter(c) || c == '\uFFFD' && i > start) i++;
            else if (c == '\\'
                    && i > start
                    && i + 2 < n
                    && text.charAt(i + 1) == '-'
                    && Character.isLetter(text.charAt(i + 2))) i += 2;
            else if ((c == '\'' || c == '’' || c == '-')
                    && i > start
                    && i + 1 < n
                    && Character.isLetter(text.charAt(i + 1))
                    && !possessive(text, i)) i++;
            else break;
        }
        return i;
    }

    private static final String OPENING_QUOTES = "'\"‘“«", CLOSING_QUOTES = "'\"’”»";

    /** The end of a nickname in quotes at {@code i} ({@code "'Espy'"}, {@code "“Bob”"}), or -1. */
    private static int nicknameEnd(String text, int i) {
        int quote = OPENING_QUOTES.indexOf(text.charAt(i));
        if (quote < 0 || i + 1 >= text.length() || !Character.isLetter(text.charAt(i + 1))) return -1;
        int end = wordEnd(text, i + 1);
        if (end >= text.length() || text.charAt(end) != CLOSING_QUOTES.charAt(quote)) return -1;
        return end + 1 < text.length() && text.charAt(end + 1) == ' ' ? end + 1 : -1; // and a name goes on
    }

    /** A space, a tab, or a no-break space ({@code "Andrés\n\u00a0\u00a0 García"} in converted HTML). */
    static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\u00a0' || c == '\u202f';
    }

    /** An English possessive at {@code i}: {@code "Gildea's patch"}, not {@code "O'Brien"}. */
    private static boolean possessive(String text, int i) {
        char c = text.charAt(i);
        return (c == '\'' || c == '’')
                && text.charAt(i + 1) == 's'
                && (i + 2 >= text.length() || !Character.isLetter(text.charAt(i + 2)));
    }

    private static boolean hasLowerCase(String text, int from, int to) {
        for (int i = from; i < to; i++) if (Character.isLowerCase(text.charAt(i))) return true;
        return false;
    }
}
