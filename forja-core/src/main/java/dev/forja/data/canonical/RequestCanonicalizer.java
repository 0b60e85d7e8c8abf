package dev.forja.data.canonical;

import java.text.Normalizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The canonical form of a request's text, as a web application firewall normalises a request before matching (what
 * ModSecurity's {@code t:urlDecodeUni,t:htmlEntityDecode,t:removeCommentsChar,t:compressWhitespace} chain and
 * Unicode TR39's skeleton do, in one function). One round is:
 *
 * <ol>
 *   <li>one level of percent-decoding ({@link PercentDecoding}: valid UTF-8 runs, {@code %uHHHH}, {@code +} as a
 *       space in a query or form value);
 *   <li>one level of HTML character references ({@link HtmlEntities});
 *   <li>Unicode NFKC, which folds full-width forms ({@code ＜ｓｃｒｉｐｔ＞}), ligatures, NBSP and other compatibility
 *       characters;
 *   <li>look-alike letters of other scripts to Latin and invisible characters removed ({@link Confusables});
 *   <li>each SQL inline comment <code>/*...*&#47;</code> to a space; MySQL's executable comment
 *       <code>/*!50000 UNION*&#47;</code> keeps its content;
 *   <li>each run of whitespace (tab, line feed, form feed, NBSP, U+3000...) to one space, the ends stripped.
 * </ol>
 *
 * Rounds repeat until one changes nothing (at most {@value #MAX_ROUNDS}), so double encoding, an entity inside a
 * percent escape, a full-width {@code ％} that starts an escape all come out decoded, and the result is a fixed point:
 * {@code canonicalize(canonicalize(s)).equals(canonicalize(s))} for every text that reaches one within the bound
 * (one nested {@value #MAX_ROUNDS} levels deep does not, and keeps its remaining escapes). JSON string escapes
 * (a backslash and {@code n} inside a JSON log line's field) are text to it, not decoded.
 *
 * <p>Example: {@code canonicalize("GET /p?q=%2527%20UNION/**&#47;SELECT%09&#x31; HTTP/1.1")} is {@code GET /p?q='
 * UNION SELECT 1 HTTP/1.1}.
 */
public final class RequestCanonicalizer {
    /** Rounds at most: each undoes one level of nested encoding. */
    public static final int MAX_ROUNDS = 8;

    private static final Pattern SQL_COMMENT = Pattern.compile("/\\*(!\\d{0,6})?(.*?)\\*/", Pattern.DOTALL);

    private RequestCanonicalizer() {}

    /** The canonical form of {@code text}: rounds of every step until one changes nothing. */
    public static String canonicalize(String text) {
        String s = text;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            String next = round(s);
            if (next.equals(s)) return s;
            s = next;
        }
        return s;
    }

    /** One round of the six steps, in order. */
    static String round(String s) {
        s = PercentDecoding.decode(s);
        s = HtmlEntities.decode(s);
        s = nfkc(s);
        s = Confusables.fold(s);
        s = sqlCommentsToSpace(s);
        return collapseWhitespace(s);
    }

    /** Unicode normalization form KC: compatibility characters (full-width, ligatures, NBSP) to their plain forms. */
    static String nfkc(String s) {
        return Normalizer.isNormalized(s, Normalizer.Form.NFKC) ? s : Normalizer.normalize(s, Normalizer.Form.NFKC);
    }

    /**
     * Each <code>/*...*&#47;</code> as a space (the shortest match); a MySQL executable comment <code>/*!50000
     * x*&#47;</code> as its content between spaces, since MySQL runs it. An unclosed <code>/*</code> stays.
     */
    static String sqlCommentsToSpace(String s) {
        if (!s.contains("/*")) return s;
        Matcher m = SQL_COMMENT.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find())
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) != null ? " " + m.group(2) + " " : " "));
        m.appendTail(out);
        return out.toString();
    }

    /** Each run of whitespace or Unicode space separators as one space, none at either end. */
    static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085') {
                space = true;
                continue;
            }
            if (space && out.length() > 0) out.append(' ');
            space = false;
            out.append(c);
        }
        String r = out.toString();
        return r.equals(s) ? s : r;
    }
}
