package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja export} stopped by SIGTERM while it writes: no output file and no staging file are left. */
class ExportInterruptTest {
    @TempDir
    Path tmp;

    @Test
    void sigtermDuringTheWriteLeavesNothingBehind() throws Exception {
        // GPT-2 124M's shape: quantizing its 124M weights keeps the staging file open for seconds on any machine
        Path model = CliRun.initModel(tmp.resolve("m"), "--arch", "gpt2", "--preset", "small");
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Path out = outDir.resolve("m.gguf");
        Path log = tmp.resolve("log.txt");
        Process p = CliRun.start(
                log,
                "2g",
                "export",
                "--model",
                model.toString(),
                "--format",
                "gguf",
                "--dtype",
                "q8_0",
                "--output",
                out.toString(),
                "--threads",
                "1");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (staging(outDir).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(staging(outDir)).as(Files.readString(log)).isNotEmpty();
            p.destroy(); // SIGTERM, mid-write
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(Files.readString(log)).isNotZero();
        assertThat(out).doesNotExist();
        try (var files = Files.list(outDir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("left in " + outDir)
                    .isEmpty();
        }
    }

    /** The hidden staging files of an atomic write in {@code dir}. */
    private static List<Path> staging(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp"))
                    .toList();
        }
    }
}
