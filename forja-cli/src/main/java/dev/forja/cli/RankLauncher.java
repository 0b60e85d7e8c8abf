package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.train.Checkpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Starts one machine's rank processes and supervises them, torchrun's role: it waits for all; when one fails it names
 * it, gives the others {@code grace} to exit on their own (a rank whose peer died fails its next collective at once),
 * then kills them; with restarts left it starts the whole group again. The first process of a group inherits this
 * one's stdout and stderr (its progress bar draws as in a single run); the others' lines are re-printed on
 * {@code err} as {@code [rank R] line}. A shutdown hook stops the group when this process is stopped.
 *
 * <p>It knows nothing of training: a group is command lines and environments ({@link Rank}), so tests run it on a
 * small main class of their own.
 */
final class RankLauncher {
    /** How long the shutdown hook lets the ranks finish after SIGTERM before it kills them. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** One rank's process: its global rank, its command line, and what to add to this process's environment. */
    record Rank(int rank, List<String> command, Map<String, String> env) {
        Rank {
            command = List.copyOf(command);
            env = Map.copyOf(env);
        }
    }

    private final PrintStream err;
    private final Duration grace;
    private final int maxRestarts;
    private final Path runDir;
    private volatile List<Process> running = List.of();

    /**
     * @param grace how long the other ranks may run on after one failed
     * @param runDir the run's output directory, whose {@code checkpoint-<step>} directories the messages name
     */
    RankLauncher(PrintStream err, Duration grace, int maxRestarts, Path runDir) {
        this.err = err;
        this.grace = grace;
        this.maxRestarts = maxRestarts;
        this.runDir = runDir;
    }

    /** A rank that exited non-zero (or was killed): the attempt's first failure. */
    record Failure(int rank, long pid, int exitCode) {
        /** "rank 1 (pid 4242) exited with code 137: killed by signal 9 (SIGKILL)". */
        String describe() {
            return "rank " + rank + " (pid " + pid + ") exited with code " + exitCode + signal(exitCode);
        }
    }

    /**
     * Runs the group until it succeeds or its restarts are spent. {@code group.apply(a)} gives attempt a's ranks
     * (attempt 1, then 2 ... {@code maxRestarts + 1}; a later one is expected to resume), this machine's first.
     *
     * @throws ForjaException when the last attempt failed: which rank, and the checkpoint to resume from
     */
    void run(IntFunction<List<Rank>> group) {
        Thread hook = new Thread(this::stopRunning, "forja-launcher-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int attempts = maxRestarts + 1;
            for (int attempt = 1; ; attempt++) {
                Failure failure = attempt(group.apply(attempt));
                if (failure == null) return;
                if (attempt == attempts) {
                    throw new ForjaException(
                            failure.describe() + (attempts > 1 ? " (attempt " + attempt + " of " + attempts + ")" : "")
                                    + "; " + resumeAdvice());
                }
                OptionalLong last = Checkpoints.latestIn(runDir);
                err.printf(
                        "forja: restarting the group (attempt %d of %d) %s%n",
                        attempt + 1,
                        attempts,
                        last.isPresent()
                                ? "from checkpoint-" + last.getAsLong()
                                : "from the beginning (no checkpoint yet)");
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it stops what is left
            }
        }
    }

    /** Starts the ranks, waits for all of them; returns the first failure, or null when all exited 0. */
    private Failure attempt(List<Rank> ranks) {
        List<Process> processes = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        try {
            for (int i = 0; i < ranks.size(); i++) {
                Rank r = ranks.get(i);
                ProcessBuilder b = new ProcessBuilder(r.command());
                b.environment().putAll(r.env());
                if (i == 0) {
                    b.inheritIO();
                } else {
                    b.redirectErrorStream(true);
                }
                Process p = b.start();
                processes.add(p);
                running = List.copyOf(processes);
                if (i > 0) pumps.add(pump(r.rank(), p));
            }
        } catch (IOException e) {
            processes.forEach(Process::destroyForcibly);
            throw new ForjaException(
                    "cannot start rank " + ranks.get(processes.size()).rank() + " ("
                            + ranks.get(processes.size()).command().get(0) + "): " + e.getMessage());
        }
        err.println("forja: starting " + ranks.size() + (ranks.size() == 1 ? " process (" : " processes (")
                + IntStream.range(0, ranks.size())
                        .mapToObj(i -> "rank " + ranks.get(i).rank() + ": pid "
                                + processes.get(i).pid())
                        .collect(Collectors.joining(", "))
                + ")");
        try {
            return supervise(ranks, processes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processes.forEach(Process::destroyForcibly);
            throw new ForjaException("interrupted while supervising the ranks: stopped them");
        } finally {
            for (Thread t : pumps) {
                try {
                    t.join(5_000); // the last lines of a rank that just exited
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            running = List.of();
        }
    }

    private Failure supervise(List<Rank> ranks, List<Process> processes) throws InterruptedException {
        BlockingQueue<Integer> exited = new LinkedBlockingQueue<>();
        for (int i = 0; i < processes.size(); i++) {
            int index = i;
            processes.get(i).onExit().thenRun(() -> exited.add(index));
        }
        Failure first = null;
        long deadline = Long.MAX_VALUE;
        for (int left = processes.size(); left > 0; ) {
            Integer i = first == null
                    ? exited.take()
                    : exited.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (i == null) { // the grace period is over: stop who is left
                for (int k = 0; k < processes.size(); k++) {
                    Process p = processes.get(k);
                    if (p.isAlive()) {
                        err.printf(
                                "forja: rank %d (pid %d) still running %d s after rank %d failed: stopping it%n",
                                ranks.get(k).rank(), p.pid(), grace.toSeconds(), first.rank());
                        p.destroyForcibly();
                    }
                }
                deadline = Long.MAX_VALUE;
                continue;
            }
            left--;
            Process p = processes.get(i);
            int code = p.exitValue();
            if (code != 0 && first == null) {
                first = new Failure(ranks.get(i).rank(), p.pid(), code);
                err.println("forja: " + first.describe());
                deadline = System.nanoTime() + grace.toNanos();
            }
        }
        return first;
    }

    /** Copies a rank's output to {@code err}, a line at a time, each prefixed with its rank. */
    private Thread pump(int rank, Process p) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) err.println("[rank " + rank + "] " + line);
                    } catch (IOException e) {
                        err.println("[rank " + rank + "] (output lost: " + e.getMessage() + ")");
                    }
                },
                "forja-rank-" + rank + "-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The shutdown hook: SIGTERM to every rank still running, then SIGKILL to those still there after a while. */
    private void stopRunning() {
        List<Process> ps = running;
        ps.forEach(Process::destroy);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Process p : ps) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    private String resumeAdvice() {
        OptionalLong last = Checkpoints.latestIn(runDir);
        return last.isPresent()
                ? "checkpoint-" + last.getAsLong() + " is kept in " + runDir
                        + ": rerun with --resume to continue from it"
                : "no checkpoint was written in " + runDir + " yet: rerun the same command to start again";
    }

    /** ", killed by signal 9 (SIGKILL)" for the exit codes the JVM reports for a signal (128 + its number). */
    private static String signal(int exitCode) {
        int n = exitCode - 128;
        if (n < 1 || n > 31) return "";
        String name = switch (n) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 6 -> " (SIGABRT)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
        return ": killed by signal " + n + name;
    }
}
