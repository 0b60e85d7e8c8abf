package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds known names in a text: each name's words, looked up by its first word, then matched word by word across
 * spaces, line breaks or the {@code \n} escape of a JSON string. Immutable, thread-safe.
 *
 * <p>Example: with {@code "Bernd Eckenfels"} known, {@code matchAt("por Bernd\nEckenfels.", 4)} is 19.
 */
final class NameIndex {
    private final Map<String, List<String[]>> byFirstWord = new HashMap<>();

    NameIndex(Set<String> names) {
        for (String name : names) {
            String[] words = name.split(" ");
            byFirstWord.computeIfAbsent(words[0], k -> new ArrayList<>()).add(words);
        }
        for (List<String[]> list : byFirstWord.values())
            list.sort(Comparator.comparingInt((String[] w) -> -w.length)); // the longest name first
    }

    boolean isEmpty() {
        return byFirstWord.isEmpty();
    }

    /** The end of a known name starting at {@code i}, or -1. */
    int matchAt(String text, int i) {
        if (!Character.isUpperCase(text.charAt(i)) || !wordStart(text, i)) return -1;
        int end = NameRun.wordEnd(text, i);
        List<String[]> candidates = byFirstWord.get(text.substring(i, end));
        if (candidates == null) return -1;
        for (String[] words : candidates) {
            int at = end;
            boolean all = true;
            for (int w = 1; w < words.length && all; w++) {
                int next = skipGap(text, at);
                all = next > at && text.startsWith(words[w], next);
                at = next + words[w].length();
            }
            if (all && (at >= text.length() || !partOfWord(text.charAt(at)))) return at;
        }
        return -1;
    }

    /** After spaces, tabs, line breaks and {@code \n} / {@code \r} escapes. */
    private static int skipGap(String text, int i) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (NameRun.blank(c) || c == '\n' || c == '\r') i++;
            else if (c == '\\' && i + 1 < n && (text.charAt(i + 1) == 'n' || text.charAt(i + 1) == 'r')) i += 2;
            else break;
        }
        return i;
    }

    private static boolean wordStart(String text, int i) {
        if (i == 0) return true;
        char before = text.charAt(i - 1);
        if (!partOfWord(before) && before != '.' && before != '/' && before != '-') return true;
        return (before == 'n' || before == 'r') && i >= 2 && text.charAt(i - 2) == '\\'; // "\nBernd" in JSON
    }

    /** Letters, digits and what joins them into an identifier or an address ({@code "Bodo_Moeller@…"}). */
    private static boolean partOfWord(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '@';
    }
}
