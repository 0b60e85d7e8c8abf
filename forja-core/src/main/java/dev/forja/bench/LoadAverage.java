package dev.forja.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * The 1-minute load average from {@code /proc/loadavg}: printed beside a measured peak, because on a shared machine
 * a peak and the step times measured against it are only lower bounds.
 */
public final class LoadAverage {
    private LoadAverage() {}

    /** The 1-minute load average now; empty where {@code /proc/loadavg} cannot be read (not Linux). */
    public static OptionalDouble oneMinute() {
        try {
            return parse(Files.readString(Path.of("/proc/loadavg")));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * The first field of a {@code /proc/loadavg} line.
     *
     * <p>Example: {@code parse("2.95 3.01 2.38 4/512 12345")} is 2.95.
     */
    static OptionalDouble parse(String loadavg) {
        String[] fields = loadavg.strip().split("\\s+");
        try {
            return OptionalDouble.of(Double.parseDouble(fields[0]));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /**
     * Whether a machine of {@code cores} cores is busy at load {@code load}: more than {@code cores - 0.5} runnable
     * tasks on average, so a benchmark that wants every core shares at least one of them.
     */
    public static boolean busy(double load, int cores) {
        return load > cores - 0.5;
    }

    /** The warning to print when {@link #busy}. */
    public static String warning(double load, int cores) {
        return String.format(
                java.util.Locale.ROOT,
                "warning: the machine is busy (load average %.2f on %d cores): the peak and the step times are lower "
                        + "bounds; measure again on a quiet machine",
                load,
                cores);
    }
}
