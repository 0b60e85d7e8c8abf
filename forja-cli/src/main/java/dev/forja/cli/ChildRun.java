package dev.forja.cli;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * {@code forja ARGS} run to its end in a JVM of its own ({@link ChildJvm}), everything it prints appended to a log
 * file between two lines of ours: what ran, and the process id and exit code it ended with. What
 * {@code federate simulate} runs for each site and round, and for the centralised baseline.
 */
final class ChildRun {
    private ChildRun() {}

    /**
     * Runs {@code forja args} with its output appended to {@code log}; {@code who} names it in messages ("site 2,
     * round 1"). A non-zero exit is an error naming {@code who}, the child's last line and the log.
     */
    static void run(List<String> args, Path log, String who) {
        append(log, "forja federate simulate: " + who + ": forja " + String.join(" ", args) + "\n");
        Process p;
        try {
            p = new ProcessBuilder(ChildJvm.forja(args))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new ForjaException("cannot start a JVM for " + who + ": " + e.getMessage());
        }
        // a Ctrl-C of this process ends the child too, instead of leaving it running
        Thread stop = new Thread(p::destroy);
        Runtime.getRuntime().addShutdownHook(stop);
        long start = System.nanoTime();
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new ForjaException(who + " was interrupted; its output is in " + log);
        } finally {
            Runtime.getRuntime().removeShutdownHook(stop);
        }
        append(
                log,
                String.format(
                        Locale.ROOT,
                        "forja federate simulate: %s: pid %d exited %d after %.1f s%n",
                        who,
                        p.pid(),
                        exit,
                        (System.nanoTime() - start) / 1e9));
        if (exit != 0) {
            throw new ForjaException(
                    who + ": forja " + args.get(0) + " failed (exit " + exit + "): " + lastError(log) + "; see " + log);
        }
    }

    private static void append(Path log, String text) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ForjaException("cannot write the log " + log + ": " + e.getMessage());
        }
    }

    /** The child's {@code forja: error: ...} line without its prefix, else its last line of output. */
    private static String lastError(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(its log cannot be read: " + e.getMessage() + ")";
        }
        String last = "(no output)";
        for (String line : lines.subList(0, Math.max(0, lines.size() - 1))) { // the last one is ours
            if (line.startsWith("forja: error: ")) return line.substring("forja: error: ".length());
            if (!line.isBlank() && !line.startsWith("forja federate simulate: ")) last = line.strip();
        }
        return last;
    }
}
