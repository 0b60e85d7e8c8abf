package dev.forja.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many cores' worth of CPU other processes used while a measurement ran: the machine's busy time from
 * {@code /proc/stat} less this process's own CPU time. Unlike the load average, which trails the last minute and
 * counts this run's own start and whatever ran just before, it covers exactly the measured interval.
 *
 * <p>Example: {@code OtherCpu.Sample s = OtherCpu.sample(); measure(); double others = s.othersCoresSince();}
 */
public final class OtherCpu {
    private OtherCpu() {}

    /**
     * A reading of the machine's and this process's CPU counters.
     *
     * @param busyTicks the machine's non-idle time over all cores (user, nice, system, irq, softirq, steal)
     * @param totalTicks the same plus idle and iowait
     * @param ownNanos this process's CPU time
     * @param wallNanos {@link System#nanoTime} at the reading
     */
    public record Sample(long busyTicks, long totalTicks, long ownNanos, long wallNanos) {
        /**
         * Cores' worth of CPU that other processes used from this sample until now, at least 0; NaN where
         * {@code /proc/stat} cannot be read.
         */
        public double othersCoresSince() {
            return others(this, sample(), Runtime.getRuntime().availableProcessors());
        }
    }

    /** The counters now; ticks -1 where {@code /proc/stat} cannot be read (not Linux). */
    public static Sample sample() {
        long own = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean o
                ? o.getProcessCpuTime()
                : -1;
        long[] ticks = {-1, -1};
        try {
            ticks = parse(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException | RuntimeException e) {
            // not Linux: others() answers NaN
        }
        return new Sample(ticks[0], ticks[1], own, System.nanoTime());
    }

    /**
     * Busy and total ticks of the {@code cpu} line of {@code /proc/stat}.
     *
     * <p>Example: {@code parse("cpu  100 0 50 800 10 0 5 2 0 0")} is {busy 157, total 967}.
     */
    static long[] parse(String cpuLine) {
        String[] f = cpuLine.strip().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 8) throw new IllegalArgumentException("not a cpu line: " + cpuLine);
        long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]);
        long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]);
        long softirq = Long.parseLong(f[7]), steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        long busy = user + nice + system + irq + softirq + steal; // guest time is already inside user
        return new long[] {busy, busy + idle + iowait};
    }

    /** Cores' worth of CPU other processes used between {@code a} and {@code b} on {@code cores} cores, >= 0. */
    static double others(Sample a, Sample b, int cores) {
        long total = b.totalTicks() - a.totalTicks();
        long wall = b.wallNanos() - a.wallNanos();
        if (a.totalTicks() < 0 || b.totalTicks() < 0 || total <= 0 || wall <= 0 || a.ownNanos() < 0) {
            return Double.NaN;
        }
        double busyCores = cores * (double) (b.busyTicks() - a.busyTicks()) / total;
        double ownCores = (double) (b.ownNanos() - a.ownNanos()) / wall;
        return Math.max(0, busyCores - ownCores);
    }
}
