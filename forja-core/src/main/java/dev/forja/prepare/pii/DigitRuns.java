package dev.forja.prepare.pii;

import java.util.Arrays;

/**
 * Where the digits are: {@code [start0, end0, start1, end1, …]}, runs of digits with gaps of up to 4 other
 * characters merged ({@code 2024-03-15} is one run). Most rules need a digit, and prose has few, so they run only
 * in windows around these runs; one pass over the text replaces a regex pass per rule.
 */
final class DigitRuns {
    private DigitRuns() {}

    private static final int GAP = 4;

    static int[] of(String text) {
        int[] runs = new int[16];
        int count = 0, n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') continue;
            int start = i;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') i++;
            if (count > 0 && start - runs[count - 1] <= GAP) {
                runs[count - 1] = i;
            } else {
                if (count == runs.length) runs = Arrays.copyOf(runs, count * 2);
                runs[count++] = start;
                runs[count++] = i;
            }
        }
        return Arrays.copyOf(runs, count);
    }
}
