package dev.forja.data.canonical;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One level of HTML character-reference decoding, as a browser reads markup: decimal {@code &#60;} and hexadecimal
 * {@code &#x3c;} references (the {@code ;} optional, as browsers allow) and the named references that carry
 * injections ({@code &lt;}, {@code &quot;}, {@code &lpar;}, {@code &sol;}, {@code &Tab;} ...; with their {@code ;}).
 * A reference to no valid character (zero, a surrogate, past U+10FFFF) and an unknown name stay as written.
 *
 * <p>Example: {@code decode("&lt;img src=x onerror=alert&#40;1&#x29;&gt;")} is {@code <img src=x
 * onerror=alert(1)>}.
 */
final class HtmlEntities {
    private static final Pattern REFERENCE =
            Pattern.compile("&(?:#(\\d{1,8});?|#[xX]([0-9a-fA-F]{1,8});?|([A-Za-z][A-Za-z0-9]{1,15});)");

    /** HTML's named references for ASCII punctuation and the spaces, plus the common symbols (WHATWG's names). */
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("lt", "<"),
            Map.entry("gt", ">"),
            Map.entry("amp", "&"),
            Map.entry("quot", "\""),
            Map.entry("apos", "'"),
            Map.entry("nbsp", "\u00a0"),
            Map.entry("Tab", "\t"),
            Map.entry("NewLine", "\n"),
            Map.entry("excl", "!"),
            Map.entry("num", "#"),
            Map.entry("dollar", "$"),
            Map.entry("percnt", "%"),
            Map.entry("lpar", "("),
            Map.entry("rpar", ")"),
            Map.entry("ast", "*"),
            Map.entry("midast", "*"),
            Map.entry("plus", "+"),
            Map.entry("comma", ","),
            Map.entry("period", "."),
            Map.entry("sol", "/"),
            Map.entry("colon", ":"),
            Map.entry("semi", ";"),
            Map.entry("equals", "="),
            Map.entry("quest", "?"),
            Map.entry("commat", "@"),
            Map.entry("lsqb", "["),
            Map.entry("lbrack", "["),
            Map.entry("bsol", "\\"),
            Map.entry("rsqb", "]"),
            Map.entry("rbrack", "]"),
            Map.entry("Hat", "^"),
            Map.entry("lowbar", "_"),
            Map.entry("grave", "`"),
            Map.entry("lcub", "{"),
            Map.entry("lbrace", "{"),
            Map.entry("verbar", "|"),
            Map.entry("vert", "|"),
            Map.entry("rcub", "}"),
            Map.entry("rbrace", "}"),
            Map.entry("hyphen", "\u2010"),
            Map.entry("dash", "\u2010"),
            Map.entry("lsquo", "\u2018"),
            Map.entry("rsquo", "\u2019"),
            Map.entry("ldquo", "\u201c"),
            Map.entry("rdquo", "\u201d"),
            Map.entry("laquo", "\u00ab"),
            Map.entry("raquo", "\u00bb"),
            Map.entry("shy", "\u00ad"));

    private HtmlEntities() {}

    /** {@code s} with one level of references decoded; {@code s} itself when it holds none. */
    static String decode(String s) {
        if (s.indexOf('&') < 0) return s;
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        int last = 0;
        while (m.find()) {
            String r = replacement(m);
            if (r == null) continue;
            out.append(s, last, m.start()).append(r);
            last = m.end();
        }
        if (last == 0) return s;
        return out.append(s, last, s.length()).toString();
    }

    private static String replacement(Matcher m) {
        if (m.group(3) != null) return NAMED.get(m.group(3));
        long cp = m.group(1) != null ? Long.parseLong(m.group(1)) : Long.parseLong(m.group(2), 16);
        if (cp == 0 || cp > Character.MAX_CODE_POINT || cp >= 0xD800 && cp <= 0xDFFF) return null;
        return Character.toString((int) cp);
    }
}
