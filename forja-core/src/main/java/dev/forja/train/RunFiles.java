package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.train.monitor.MetricsLog;
import dev.forja.train.monitor.TensorBoardWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The monitoring files of a run directory (metrics.jsonl, TensorBoard events, report.html) kept consistent with the
 * steps the run will keep: a fresh start sets a killed run's files aside, a resume cuts them back to its checkpoint.
 */
final class RunFiles {
    static final String PREVIOUS = "previous-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunFiles() {}

    /**
     * Moves the files of an earlier attempt that left no checkpoint (metrics, events, report, config, final/) into
     * {@code previous-<UTC time>/} inside the run directory, so the new run's logs hold each step once.
     *
     * @return that directory, or empty when there was nothing to move
     */
    static Optional<Path> setAsidePrevious(Path runDir) {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(runDir)) {
            s.filter(p -> isMonitoringFile(p.getFileName().toString())).sorted().forEach(stale::add);
        } catch (IOException e) {
            throw new ForjaException("cannot list " + runDir + ": " + e.getMessage(), e);
        }
        if (stale.isEmpty()) return Optional.empty();
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        Path aside = runDir.resolve(PREVIOUS + stamp);
        for (int n = 1; Files.exists(aside); n++) aside = runDir.resolve(PREVIOUS + stamp + "-" + n);
        try {
            Files.createDirectories(aside);
            for (Path p : stale) Files.move(p, aside.resolve(p.getFileName()));
        } catch (IOException e) {
            throw new ForjaException(
                    "cannot move the previous attempt's files in " + runDir + " to " + aside + ": " + e.getMessage()
                            + "; move or delete them, or choose another --output",
                    e);
        }
        return Optional.of(aside);
    }

    private static boolean isMonitoringFile(String name) {
        return name.equals(MetricsLog.FILE_NAME)
                || name.startsWith("events.out.tfevents.")
                || name.equals("report.html")
                || name.equals("config.yaml")
                || name.equals("final");
    }

    /** Drops what a run logged after {@code step} from metrics.jsonl and the event files (a resume from there). */
    static void truncateAfter(Path runDir, long step) {
        MetricsLog.truncateAfter(runDir.resolve(MetricsLog.FILE_NAME), step);
        TensorBoardWriter.truncateAfter(runDir, step);
    }
}
