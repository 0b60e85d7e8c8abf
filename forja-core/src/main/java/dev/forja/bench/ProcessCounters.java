package dev.forja.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What else a process did while a step ran, for telling apart the causes of a slow step: page faults (the allocator
 * mapping fresh memory, which the kernel zeroes), context switches the process did not ask for (another process took
 * its core) and the JVM's garbage collections. Linux counters from {@code /proc/self}; -1 where they are missing.
 *
 * @param minorFaults page faults served without I/O (fresh or reclaimed pages)
 * @param majorFaults page faults that read from disk
 * @param involuntarySwitches times the scheduler took a core from one of the process's threads
 * @param gcCount garbage collections so far
 * @param gcMillis milliseconds spent in them so far
 */
public record ProcessCounters(
        long minorFaults, long majorFaults, long involuntarySwitches, long gcCount, long gcMillis) {

    /** The counters now. */
    public static ProcessCounters now() {
        long minor = -1, major = -1, switches = -1;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name, field 2, is in parentheses and may hold spaces: count fields after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            minor = Long.parseLong(f[7]); // field 10 of proc(5): minflt
            major = Long.parseLong(f[9]); // field 12: majflt
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("nonvoluntary_ctxt_switches:"))
                    switches = Long.parseLong(line.replaceAll("[^0-9]", ""));
        } catch (IOException | RuntimeException e) {
            // not Linux, or a kernel without these fields: the counters stay unknown
        }
        long count = 0, millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new ProcessCounters(minor, major, switches, count, millis);
    }

    /** What happened between {@code before} and this; unknown counters stay -1. */
    public ProcessCounters since(ProcessCounters before) {
        return new ProcessCounters(
                diff(minorFaults, before.minorFaults),
                diff(majorFaults, before.majorFaults),
                diff(involuntarySwitches, before.involuntarySwitches),
                gcCount - before.gcCount,
                gcMillis - before.gcMillis);
    }

    private static long diff(long a, long b) {
        return a < 0 || b < 0 ? -1 : a - b;
    }
}
