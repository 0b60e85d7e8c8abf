package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.samples.CorpusGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparePipelineParallelTest {
    @TempDir
    Path tmp;

    @Test
    void anyNumberOfThreadsGivesTheSingleThreadedOutputByteForByte() throws Exception {
        // ~1,500 records with PII, exact and near copies and log lines: several batches per thread.
        Path in = tmp.resolve("corpus");
        CorpusGenerator.write(in, 800_000, 3);
        PrepareConfig config = DatasetFiles.anonymizing();
        PreparePipeline.Result one = run(config, in, "t1", 1);
        PreparePipeline.Result three = run(config, in, "t3", 3);
        PreparePipeline.Result eight = run(config, in, "t8", 8);
        assertThat(one.stats().stages().get("read")).isGreaterThan(1_000);
        assertThat(one.stats().stages().get("near_dedup"))
                .isLessThan(one.stats().stages().get("exact_dedup"));
        for (PreparePipeline.Result r : List.of(three, eight)) {
            assertThat(r.contentHash()).isEqualTo(one.contentHash());
            DatasetFiles.assertSameBytes(r.output(), one.output());
        }
        assertThat(Files.readString(one.output().resolve("report.json"))).contains("\"EMAIL\"");
    }

    @Test
    void aWorkerFailureAbortsTheRunAndLeavesNoOutput() throws Exception {
        Path in = tmp.resolve("corpus");
        CorpusGenerator.write(in, 200_000, 5);
        PrepareConfig config = DatasetFiles.anonymizing().withIo(List.of(in), tmp.resolve("out"));
        TextAnonymizer failing = text -> {
            throw new IllegalStateException("anonymizer broke");
        };
        assertThatThrownBy(() -> new PreparePipeline(config, failing).threads(2).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("anonymizer broke");
        assertThat(tmp.resolve("out")).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("corpus");
        }
    }

    private PreparePipeline.Result run(PrepareConfig config, Path in, String out, int threads) {
        PrepareConfig c = config.withIo(List.of(in), tmp.resolve(out));
        return new PreparePipeline(c, PiiTextAnonymizer.of(c, null))
                .threads(threads)
                .run();
    }
}
