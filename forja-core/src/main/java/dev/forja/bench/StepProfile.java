package dev.forja.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.io.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a training step's time goes, for {@code forja bench train --profile}: named spans on one timeline (written as
 * a Chrome trace, which chrome://tracing and Perfetto open) and, per row of a table, the exclusive time summed over
 * the profiled steps. Rows partition the step: what no span covers is "other". Times are wall-clock nanoseconds
 * ({@link System#nanoTime}).
 *
 * <p>Example: {@code p.beginStep(t0); p.span("optimizer", "optimizer", t1, t2); p.endStep(t2); p.printTable(err);}
 */
public final class StepProfile {
    /** The row of the time no span accounts for. */
    static final String OTHER = "other (batch tensors, bookkeeping)";

    private final Map<String, Long> rows = new LinkedHashMap<>();
    private final ArrayNode events = Json.mapper().createArrayNode();
    private long origin = Long.MIN_VALUE;
    private long stepStart = Long.MIN_VALUE;
    private long stepRows;
    private long stepNanos;
    private int steps;

    /** Whether a step is being profiled ({@link #beginStep} called, {@link #endStep} not yet). */
    public boolean recording() {
        return stepStart != Long.MIN_VALUE;
    }

    /** Starts profiling a step at {@code nanos}. */
    public void beginStep(long nanos) {
        if (origin == Long.MIN_VALUE) origin = nanos;
        stepStart = nanos;
        stepRows = 0;
    }

    /**
     * A span {@code name} from {@code start} to {@code end} on the trace; its time counts in {@code row} unless row is
     * null (a span that only groups others, such as a whole block, whose parts have rows of their own).
     */
    public void span(String name, String row, long start, long end) {
        if (!recording()) return;
        ObjectNode e = events.addObject();
        e.put("name", name);
        e.put("cat", row == null ? "group" : row);
        e.put("ph", "X");
        e.put("ts", (start - origin) / 1e3); // microseconds, as the trace format wants
        e.put("dur", (end - start) / 1e3);
        e.put("pid", 1);
        e.put("tid", 1);
        if (row != null) time(row, end - start);
    }

    /** {@code nanos} of exclusive time in {@code row}, with no span of its own. */
    public void time(String row, long nanos) {
        if (!recording()) return;
        rows.merge(row, nanos, Long::sum);
        stepRows += nanos;
    }

    /** Ends the step begun by {@link #beginStep} at {@code nanos}; what no row took counts as {@link #OTHER}. */
    public void endStep(long nanos) {
        if (!recording()) return;
        time(OTHER, Math.max(0, nanos - stepStart - stepRows));
        span("step " + steps, null, stepStart, nanos);
        stepNanos += nanos - stepStart;
        steps++;
        stepStart = Long.MIN_VALUE;
    }

    /** Milliseconds per step of each row, in the order rows first appeared (package-private for tests). */
    Map<String, Double> meanMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        rows.forEach((row, nanos) -> out.put(row, nanos / 1e6 / Math.max(1, steps)));
        return out;
    }

    /** The table: each row's mean milliseconds per step and its share of the step. */
    public void printTable(PrintStream out) {
        double step = stepNanos / 1e6 / Math.max(1, steps);
        out.printf(Locale.ROOT, "profile, mean of %d step(s), wall clock:%n", steps);
        out.printf(Locale.ROOT, "  %-58s %10s %7s%n", "section", "ms", "share");
        meanMillis()
                .forEach((row, ms) -> out.printf(Locale.ROOT, "  %-58s %10.2f %6.1f%%%n", row, ms, 100 * ms / step));
        out.printf(Locale.ROOT, "  %-58s %10.2f %6.1f%%%n", "step", step, 100.0);
    }

    /** Writes the spans as a Chrome trace ({@code {"traceEvents": [...]}}), atomically. */
    public void writeTrace(Path file) {
        ObjectNode trace = Json.mapper().createObjectNode();
        trace.set("traceEvents", events);
        trace.put("displayTimeUnit", "ms");
        Json.writeAtomic(file, trace);
    }
}
