package dev.forja.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str.split()} and {@code str.rstrip()} without arguments: the reference metrics tokenize with them,
 * and Python's notion of whitespace ({@code str.isspace}) is wider than Java's {@code \s} (it includes U+0085,
 * U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 and U+001C–U+001F).
 */
final class PythonWhitespace {

    private PythonWhitespace() {}

    static boolean isSpace(char c) {
        return (c >= '\t' && c <= '\r')
                || (c >= '\u001c' && c <= ' ')
                || c == '\u0085'
                || c == '\u00a0'
                || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200a')
                || c == '\u2028'
                || c == '\u2029'
                || c == '\u202f'
                || c == '\u205f'
                || c == '\u3000';
    }

    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && isSpace(s.charAt(i))) i++;
            int start = i;
            while (i < n && !isSpace(s.charAt(i))) i++;
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }

    static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) end--;
        return s.substring(0, end);
    }
}
