package dev.forja.report;

/** Escapes text for HTML and SVG, in element content and in quoted attributes alike. */
public final class Escape {
    private Escape() {}

    /** {@code s} with {@code & < > " '} as entities and XML-illegal control characters as U+FFFD; null → "". */
    public static String xml(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters other than tab and newlines are not allowed in XML 1.0.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') out.append('\uFFFD');
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }
}
