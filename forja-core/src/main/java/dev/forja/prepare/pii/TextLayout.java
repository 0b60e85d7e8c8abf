package dev.forja.prepare.pii;

import java.util.regex.Pattern;

/**
 * Where a candidate name sits in its text, for {@link PersonContextRule}: an item of a list of one person a line,
 * the end of a line or a column, inside an identifier or an address, before a model number or an address.
 */
final class TextLayout {
    private TextLayout() {}

    /**
     * Between two names of one list: a comma, a semicolon, a conjunction or a line break; not spaces alone. After a
     * login or a note in brackets, a comma or a conjunction ({@code "Ana Lima (alima) e Rui Paz"}). Spaces include
     * no-break spaces, which man pages indent with.
     */
    static final Pattern LIST_GAP = Pattern.compile(
            "^\\s*(?:[,;]\\s*(?:(?:y|e|and|&|et|und)\\s+)?|(?:y|e|and|&|et|und)\\s+|[ \\t]*\\r?\\n\\s*)$"
                    + "|^[ \\t]*[(\\[][^()\\[\\]\\n]{1,32}[)\\]]\\s*(?:[,;]\\s*(?:(?:y|e|and|&|et|und)\\s+)?"
                    + "|(?:y|e|and|&|et|und)\\s+)$",
            Pattern.UNICODE_CHARACTER_CLASS);

    /**
     * Whether {@code [start, end)} fills an item of a list of one person a line ({@code "  - Karl Berry"},
     * {@code "Adam Mitchell\t\tadam at …"}): it starts the line after its indentation and bullet, ends it or a
     * column, and the line before or after starts the same way with a capital.
     */
    static boolean listItem(String text, int start, int end) {
        int lineStart = text.lastIndexOf('\n', start - 1) + 1;
        if (itemBody(text, lineStart) != start || !endsItem(text, end)) return false;
        String prefix = text.substring(lineStart, start);
        if (lineStart >= 2) { // the line before, if not blank
            int before = text.lastIndexOf('\n', lineStart - 2) + 1;
            if (sameItemShape(text, before, prefix)) return true;
        }
        int next = text.indexOf('\n', end);
        return next >= 0 && sameItemShape(text, next + 1, prefix);
    }

    /** After a line's indentation and its bullet ({@code "-"}, {@code "*"}, {@code "•"}, {@code "3."}), if any. */
    static int itemBody(String text, int i) {
        int n = text.length();
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        if (i < n && "-*•+·–".indexOf(text.charAt(i)) >= 0) i++;
        else {
            int d = i;
            while (d < n && Character.isDigit(text.charAt(d))) d++;
            if (d > i && d < n && (text.charAt(d) == '.' || text.charAt(d) == ')')) i = d + 1;
        }
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        return i;
    }

    static boolean sameItemShape(String text, int lineStart, String prefix) {
        int body = itemBody(text, lineStart);
        return body < text.length()
                && body - lineStart == prefix.length()
                && text.startsWith(prefix, lineStart)
                && Character.isUpperCase(text.charAt(body));
    }

    /** The end of a line, or of a column: a tab, two spaces, or an address, note or dash after one space. */
    static boolean endsItem(String text, int i) {
        int n = text.length();
        if (i < n && (text.charAt(i) == ',' || text.charAt(i) == ';')) i++;
        if (i >= n || text.charAt(i) == '\n' || text.charAt(i) == '\r' || text.charAt(i) == '\t') return true;
        if (text.charAt(i) != ' ') return false;
        if (i + 1 >= n) return true;
        char c = text.charAt(i + 1);
        return c == ' ' || c == '\t' || c == '\n' || c == '<' || c == '(' || c == '[' || c == '⟨' || c == '-'
                || c == '–';
    }

    /** Whether the word ending at {@code i} goes on as an identifier or an address ({@code "Bodo_Moeller"}). */
    static boolean insideIdentifier(String text, int i) {
        return i < text.length() && (text.charAt(i) == '_' || text.charAt(i) == '@');
    }

    /** Whether a name at {@code start} goes on the list whose last name ended at {@code lastEnd} (-1: none). */
    static boolean nextInList(String text, int lastEnd, int start) {
        return lastEnd >= 0
                && start >= lastEnd
                && start - lastEnd <= 48
                && LIST_GAP.matcher(text.substring(lastEnd, start)).matches();
    }

    /**
     * Whether a model or version number follows {@code i} after one space ({@code " 68040,"}, {@code " 3.0 "}): not a
     * year ({@code " 1993"}), nor a number that goes on as a phone number or an identifier does ({@code " 555-0192"},
     * {@code " 12.345.678-9"}, {@code " 12345678Z"}).
     */
    static boolean modelNumberAfter(String text, int i) {
        int n = text.length();
        if (i + 1 >= n || text.charAt(i) != ' ' || !Character.isDigit(text.charAt(i + 1))) return false;
        int end = i + 1, dots = 0;
        while (end < n
                && (Character.isDigit(text.charAt(end))
                        || text.charAt(end) == '.' && end + 1 < n && Character.isDigit(text.charAt(end + 1))))
            if (text.charAt(end++) == '.') dots++;
        if (dots > 1) return false;
        boolean ends = end >= n
                || ",;)".indexOf(text.charAt(end)) >= 0
                || end + 1 < n && text.charAt(end) == ' ' && Character.isLetter(text.charAt(end + 1));
        boolean year = dots == 0 && end - i - 1 == 4 && (text.startsWith("19", i + 1) || text.startsWith("20", i + 1));
        return ends && !year;
    }

    static boolean endsLine(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i++;
        return i >= text.length() || text.charAt(i) == '\n' || text.charAt(i) == '\r';
    }

    /**
     * Whether an address may come next: a bracket, an '@' in the next word, or "at" after it (line breaks and spaces
     * skipped).
     */
    static boolean mayPrecedeAddress(String text, int i) {
        int n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i))) i++;
        if (i >= n) return false;
        char c = text.charAt(i);
        if (c == '<' || c == '(' || c == '[' || c == '⟨') return true; // ⟨⟩: a man page's rendering
        for (int end = Math.min(n, i + 64); i < end && !Character.isWhitespace(text.charAt(i)); i++)
            if (text.charAt(i) == '@') return true;
        return text.startsWith(" at ", i) || text.startsWith("\tat ", i); // "adam at cafe21.org"
    }

    /** A name starts after a space or punctuation, not inside a word, an address or a path. */
    static boolean startsWord(char before) {
        return !Character.isLetterOrDigit(before)
                && before != '@'
                && before != '.'
                && before != '/'
                && before != '_'
                && before != '-';
    }
}
