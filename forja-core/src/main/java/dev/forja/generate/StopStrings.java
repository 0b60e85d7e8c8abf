package dev.forja.generate;

import java.util.List;

/**
 * Streams generated text while watching for stop strings: text that could still be the start of a stop string is
 * held back, so nothing past a stop string is ever printed.
 *
 * <p>Example: with stop {@code "\n\n"}, pushing {@code "Hola\n"} returns {@code "Hola"} and holds {@code "\n"};
 * pushing {@code "\nmundo"} then stops and returns {@code ""}.
 */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds new text; returns what is safe to emit now. */
    public String push(String text) {
        if (stopped) return "";
        pending.append(text);
        int cut = Integer.MAX_VALUE;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0) cut = Math.min(cut, at);
        }
        if (cut != Integer.MAX_VALUE) {
            stopped = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, pending.length()); k > hold; k--) {
                if (pending.toString().endsWith(s.substring(0, k))) {
                    hold = k;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    /** True once a stop string has appeared. */
    public boolean stopped() {
        return stopped;
    }

    /** Whatever is still held back, at the end of generation. */
    public String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }
}
