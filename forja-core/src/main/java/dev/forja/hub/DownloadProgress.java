package dev.forja.hub;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Download progress on stderr: one line per file with its size; on a terminal the line is redrawn in place with
 * the bytes so far, elsewhere (logs, CI) it is printed once when the download starts and once when it ends.
 *
 * <p>Example: {@code gpt2: model.safetensors  312.4 MB / 548.1 MB  57%}
 */
final class DownloadProgress {

    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private String label = "";
    private long total;
    private long lastDraw;

    DownloadProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress on stderr, redrawn in place when the process has a terminal. */
    static DownloadProgress toStderr() {
        return new DownloadProgress(System.err, System.console() != null);
    }

    /** No output, for callers that report progress themselves. */
    static DownloadProgress silent() {
        return new DownloadProgress(null, false);
    }

    void start(String model, String filename, long totalBytes, long resumedFrom) {
        if (out == null) {
            return;
        }
        label = model + ": " + filename;
        total = totalBytes;
        lastDraw = 0;
        if (terminal) {
            draw(resumedFrom);
        } else {
            out.println(label + "  " + (total >= 0 ? size(total) : "size unknown")
                    + (resumedFrom > 0 ? "  (resuming at " + size(resumedFrom) + ")" : ""));
        }
    }

    void update(long bytesSoFar) {
        if (out == null || !terminal) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(bytesSoFar);
        }
    }

    void finish(long bytes) {
        if (out == null) {
            return;
        }
        if (terminal) {
            draw(bytes);
            out.println();
        } else {
            out.println(label + "  done, " + size(bytes));
        }
        out.flush();
    }

    /** A one-line remark, such as falling back to the cache. */
    void note(String message) {
        if (out != null) {
            out.println(message);
            out.flush();
        }
    }

    private void draw(long bytes) {
        String line = label + "  " + size(bytes)
                + (total > 0 ? " / " + size(total) + String.format(Locale.ROOT, "  %3d%%", bytes * 100 / total) : "");
        out.print("\r" + line + "\u001b[K"); // \u001b[K clears what a longer previous line left behind
        out.flush();
    }

    /** Human size with one decimal: {@code 812 B}, {@code 4.2 KB}, {@code 548.1 MB}, {@code 2.5 GB}. */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
