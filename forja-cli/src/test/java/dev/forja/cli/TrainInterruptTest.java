package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja train} stopped by SIGTERM, in a process of its own: it says what was kept and how to go on. */
class TrainInterruptTest {
    @TempDir
    Path tmp;

    @Test
    void sigtermSaysWhichCheckpointIsKept() throws Exception {
        Path model = CliRun.initModel(tmp.resolve("m"), "--arch", "llama");
        Path data = Files.writeString(tmp.resolve("d.jsonl"), "{\"text\": \"hola mundo\"}\n".repeat(8));
        Path run = tmp.resolve("run");
        Path log = tmp.resolve("log.txt");
        Process p = CliRun.start(
                log,
                "1g",
                "train",
                "--model",
                model.toString(),
                "--data",
                data.toString(),
                "--output",
                run.toString(),
                "--max-steps",
                "100000",
                "--save-steps",
                "3",
                "--batch-size",
                "2",
                "--threads",
                "1",
                "--precision",
                "fp32");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // On a fast machine checkpoint-3 is rotated away by later ones within milliseconds: wait for any.
            while (!hasCheckpoint(run) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(hasCheckpoint(run)).as(Files.readString(log)).isTrue();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readString(log))
                .containsPattern("interrupted at step \\d+ of 100000: checkpoint-\\d+ is kept")
                .contains("--resume");
    }

    private static boolean hasCheckpoint(Path run) throws java.io.IOException {
        if (!Files.isDirectory(run)) return false;
        try (var entries = Files.list(run)) {
            return entries.anyMatch(e -> e.getFileName().toString().matches("checkpoint-\\d+") && Files.isDirectory(e));
        }
    }
}
