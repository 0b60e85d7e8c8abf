package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.List;

/**
 * Generic API keys: runs of 20-200 letters, digits, {@code _} and {@code -} that carry a vendor prefix or look
 * random ({@link SecretRules#looksLikeKey}). A hand-written scan: it touches every character once, where a regex
 * would try a 20-character match at each position.
 */
final class ApiKeyRule implements PiiRule {
    @Override
    public List<PiiMatch> find(String text) {
        List<PiiMatch> out = null;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!keyChar(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && keyChar(text.charAt(i))) i++;
            int end = i;
            if (end - start < 20 || end - start > 200) continue;
            char first = text.charAt(start);
            if (first == '_' || first == '-') continue;
            if (start > 0 && "./+".indexOf(text.charAt(start - 1)) >= 0) continue; // a path or a base64 tail
            if (end < n && text.charAt(end) == '.') continue; // a host name or a JWT part
            if (SecretRules.looksLikeKey(text, start, end)) {
                if (out == null) out = new ArrayList<>(1);
                out.add(new PiiMatch(PiiType.API_KEY, start, end));
            }
        }
        return out == null ? List.of() : out;
    }

    private static boolean keyChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    @Override
    public PiiType type() {
        return PiiType.API_KEY;
    }
}
