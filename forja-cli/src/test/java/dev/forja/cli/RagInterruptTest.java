package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.forja.embed.MiniLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code kill -9} in the middle of {@code forja rag index} leaves the previous index readable and unchanged. */
class RagInterruptTest {
    @TempDir
    Path tmp;

    @Test
    void aKilledUpdateLeavesThePreviousIndex() throws Exception {
        assumeThat(MiniLm.available()).as("MiniLM artifact on the class path").isTrue();
        System.setProperty("forja.cache", tmp.resolve("cache").toString());
        Path docs = Files.createDirectories(tmp.resolve("docs")), index = tmp.resolve("index");
        Files.writeString(docs.resolve("a.md"), "# Backups\n\nRestore from the last verified backup.\n");
        Files.writeString(docs.resolve("b.md"), "# Phishing\n\nBlock the sender and reset the password.\n");
        CliRun first = CliRun.of("rag", "index", "--input", docs.toString(), "--index", index.toString());
        assertThat(first.exit()).as(first.err()).isZero();

        // enough new text to keep the update busy for seconds, so that the kill lands in the middle of it
        StringBuilder long_ = new StringBuilder();
        for (int i = 0; i < 40; i++)
            long_.append("## Step ")
                    .append(i)
                    .append("\n\nCheck the firewall rule number ")
                    .append(i)
                    .append(" and write down what changed in the change log of the week.\n\n");
        for (int f = 0; f < 30; f++) Files.writeString(docs.resolve("n" + f + ".md"), "# Notes " + f + "\n\n" + long_);
        Path log = tmp.resolve("index.log");
        Process p = CliRun.start(
                log, "512m", "rag", "index", "--input", docs.toString(), "--index", index.toString(), "--threads", "1");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (p.isAlive() && !Files.readString(log).contains("indexing:") && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertThat(p.isAlive())
                    .as("still indexing when killed: " + Files.readString(log))
                    .isTrue();
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }

        Path qrels = tmp.resolve("q.jsonl");
        Files.writeString(qrels, "{\"query\": \"restore a backup\", \"relevant\": [\"a.md\"]}\n");
        CliRun eval = CliRun.of("rag", "eval", "--index", index.toString(), "--qrels", qrels.toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("1 questions, 2 chunks"); // the index before the update, nothing half-written

        CliRun again = CliRun.of("rag", "index", "--input", docs.toString(), "--index", index.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("indexed 32 files (2 unchanged");
    }
}
