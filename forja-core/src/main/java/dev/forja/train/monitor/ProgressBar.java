package dev.forja.train.monitor;

import dev.forja.report.HumanFormat;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * The training progress line on stderr. On a terminal it redraws one line in place:
 *
 * <pre>  step 120/900 [=====>    ] loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 4m12s</pre>
 *
 * Elsewhere (a log file, CI) it prints plain lines: the first step, every logging step, and otherwise at most
 * one every {@code intervalSeconds}:
 *
 * <pre>  step 120/900 | loss 2.314 | lr 3.0e-04 | 1,530 tok/s | eta 4m12s</pre>
 *
 * The ETA is the time per step averaged over every step since the first (whose time, spent warming up, is left
 * out): evaluations and checkpoints recur, so their cost belongs in the average, spread over all steps instead of
 * jerking the estimate up after each one and down again. A NaN value leaves its field out.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final long totalSteps;
    private final boolean interactive;
    private final long intervalNanos;
    private final LongSupplier clock;

    private long firstStep = -1;
    private long firstTime;
    private long lastStep = -1;
    private double secondsPerStep = Double.NaN;
    private long lastPrint;
    private boolean printed;
    private int lastWidth;

    /**
     * @param interactive     redraw in place with {@code \r} (a terminal) instead of printing lines
     * @param intervalSeconds the most often a non-interactive line is printed between logging steps
     * @param clock           nanosecond clock ({@code System::nanoTime} outside tests)
     */
    public ProgressBar(
            PrintStream out, long totalSteps, boolean interactive, double intervalSeconds, LongSupplier clock) {
        if (totalSteps <= 0) throw new IllegalArgumentException("totalSteps must be positive, got " + totalSteps);
        this.out = out;
        this.totalSteps = totalSteps;
        this.interactive = interactive;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
        this.clock = clock;
    }

    /** A bar on stderr: in place when a console is attached, else a line at most every 30 seconds. */
    public static ProgressBar onStderr(long totalSteps) {
        return new ProgressBar(System.err, totalSteps, System.console() != null, 30, System::nanoTime);
    }

    /**
     * Reports that {@code step} (1-based) has finished.
     *
     * @param loggingStep a step whose metrics are logged: always printed in non-interactive mode
     */
    public void update(long step, double loss, double lr, double tokensPerSecond, boolean loggingStep) {
        long now = clock.getAsLong();
        if (firstStep < 0) {
            firstStep = step;
            firstTime = now;
        } else if (step > firstStep) {
            secondsPerStep = (now - firstTime) / 1e9 / (step - firstStep);
        }
        lastStep = step;

        boolean last = step >= totalSteps;
        if (interactive) {
            if (last || loggingStep || !printed || now - lastPrint >= REDRAW_NANOS) {
                redraw(line(step, loss, lr, tokensPerSecond, true), now);
            }
        } else if (last || loggingStep || !printed || now - lastPrint >= intervalNanos) {
            out.println(line(step, loss, lr, tokensPerSecond, false));
            lastPrint = now;
            printed = true;
        }
        if (last) finish();
    }

    /** Ends the in-place line so the next output starts on its own line. Safe to call more than once. */
    public void finish() {
        if (interactive && lastWidth > 0) {
            out.println();
            lastWidth = 0;
        }
        out.flush();
    }

    /** Estimated seconds left, from the mean step time since the first step; NaN until two steps have been seen. */
    public double etaSeconds() {
        return secondsPerStep * Math.max(0, totalSteps - lastStep);
    }

    String line(long step, double loss, double lr, double tokensPerSecond, boolean withBar) {
        StringBuilder s = new StringBuilder("step ").append(step).append('/').append(totalSteps);
        StringBuilder fields = new StringBuilder();
        if (Double.isFinite(loss)) field(fields, "loss " + HumanFormat.fixed(loss, 3));
        if (Double.isFinite(lr)) field(fields, "lr " + HumanFormat.scientific(lr, 1));
        if (Double.isFinite(tokensPerSecond)) field(fields, HumanFormat.thousands(tokensPerSecond) + " tok/s");
        field(fields, "eta " + HumanFormat.duration(etaSeconds()));
        if (withBar)
            return s.append(' ').append(bar(step)).append(' ').append(fields).toString();
        return s.append(" | ").append(fields).toString();
    }

    String bar(long step) {
        int filled = (int) Math.min(WIDTH, Math.round((double) WIDTH * step / totalSteps));
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) {
            if (i < filled - 1 || (i == filled - 1 && filled == WIDTH)) b.append('=');
            else if (i == filled - 1) b.append('>');
            else b.append(' ');
        }
        return b.append(']').toString();
    }

    private void redraw(String line, long now) {
        // Pad with spaces so a shorter line fully covers the previous one.
        String padding = " ".repeat(Math.max(0, lastWidth - line.length()));
        out.print("\r" + line + padding);
        out.flush();
        lastWidth = line.length();
        lastPrint = now;
        printed = true;
    }

    private static void field(StringBuilder fields, String text) {
        if (fields.length() > 0) fields.append(" | ");
        fields.append(text);
    }
}
