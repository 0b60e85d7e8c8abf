package dev.forja.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code checkpoint-<step>} directories of a run. Each is written whole into a hidden temporary directory and
 * renamed into place, so a crash or a kill leaves either a complete checkpoint or none; older ones are rotated out.
 */
public final class Checkpoints {
    static final String STATE_FILE = "trainer_state.json";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

    private final Path runDir;

    Checkpoints(Path runDir) {
        this.runDir = runDir;
    }

    static Path dir(Path runDir, long step) {
        return runDir.resolve("checkpoint-" + step);
    }

    /** Writes a checkpoint: {@code body} fills the temporary directory, then it is renamed to checkpoint-STEP. */
    Path write(long step, TrainerState state, Consumer<Path> body) {
        return AtomicDirectory.replace(dir(runDir, step), tmp -> {
            body.accept(tmp);
            Json.writeAtomic(tmp.resolve(STATE_FILE), state); // last: its presence marks a complete checkpoint
        });
    }

    /** Steps of the complete checkpoints, ascending. Leftover temporary directories are removed. */
    List<Long> steps() {
        List<Long> steps = new ArrayList<>();
        if (!Files.isDirectory(runDir)) return steps;
        try (Stream<Path> s = Files.list(runDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                Matcher m = NAME.matcher(n);
                if (m.matches() && Files.isRegularFile(p.resolve(STATE_FILE))) {
                    steps.add(Long.parseLong(m.group(1)));
                } else if (n.startsWith(".checkpoint-") && n.contains(".tmp-")) {
                    AtomicDirectory.deleteTree(p); // an interrupted write
                }
            }
        } catch (IOException e) {
            throw new ForjaException("cannot list " + runDir + ": " + e.getMessage());
        }
        steps.sort(null);
        return steps;
    }

    OptionalLong latest() {
        List<Long> s = steps();
        return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(s.get(s.size() - 1));
    }

    /**
     * The step of the newest complete checkpoint in {@code runDir}, or empty; unlike a run's own listing it removes
     * nothing (a launcher looks while its ranks may be writing).
     */
    public static OptionalLong latestIn(Path runDir) {
        if (runDir == null || !Files.isDirectory(runDir)) return OptionalLong.empty();
        try (Stream<Path> s = Files.list(runDir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .map(p -> NAME.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1)))
                    .max();
        } catch (IOException e) {
            throw new ForjaException("cannot list " + runDir + ": " + e.getMessage());
        }
    }

    /** Refuses to start over a run directory that holds checkpoints unless the run resumes. */
    public static void requireResumeToContinue(Path runDir, boolean resume) {
        OptionalLong last = latestIn(runDir);
        if (last.isPresent() && !resume) {
            throw new ForjaException(runDir + " already holds checkpoints (last: checkpoint-" + last.getAsLong()
                    + "): pass --resume to continue that run, or choose another --output");
        }
    }

    TrainerState readState(long step) {
        Path f = dir(runDir, step).resolve(STATE_FILE);
        JsonNode j = Json.read(f);
        return Json.mapper().convertValue(j, TrainerState.class);
    }

    /** Deletes all but the last {@code keep} checkpoints, never the one at {@code protectedStep}. */
    void rotate(int keep, long protectedStep) {
        List<Long> s = steps();
        for (int i = 0; i < s.size() - keep; i++) {
            if (s.get(i) != protectedStep) AtomicDirectory.deleteTree(dir(runDir, s.get(i)));
        }
    }
}
