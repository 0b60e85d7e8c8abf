package dev.forja.train;

import dev.forja.model.ModelWriter;
import java.nio.file.Path;

/** Test helper: makes a finished run look interrupted after its last checkpoint. */
final class ModelWriterAccess {
    private ModelWriterAccess() {
    }

    static void deleteFinal(Path runDir) {
        ModelWriter.deleteTree(runDir.resolve("final"));
    }

    static void deleteCheckpoint(Path runDir, long step) {
        ModelWriter.deleteTree(runDir.resolve("checkpoint-" + step));
    }
}
