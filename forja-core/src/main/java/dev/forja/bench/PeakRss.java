package dev.forja.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident-set high-water mark ({@code VmHWM} in {@code /proc/self/status}, Linux). */
public final class PeakRss {
    private PeakRss() {}

    /** Peak RSS in MiB, or -1 where /proc is not available. */
    public static double mib() {
        return field("VmHWM:");
    }

    /** The resident set now, in MiB, or -1 where /proc is not available. */
    public static double currentMib() {
        return field("VmRSS:");
    }

    /** File-backed resident memory now (memory-mapped files such as weights), in MiB; -1 if unknown. */
    public static double fileMib() {
        return field("RssFile:");
    }

    /**
     * Resets the high-water mark to the current resident set (writes 5 to {@code /proc/self/clear_refs}), so
     * {@link #mib} measures a phase; false where the kernel does not allow it (then {@link #mib} keeps the process's
     * peak).
     */
    public static boolean reset() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static double field(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
