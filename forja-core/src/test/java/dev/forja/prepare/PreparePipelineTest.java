package dev.forja.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.data.DatasetReader;
import dev.forja.data.TextExample;
import dev.forja.samples.CorpusGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparePipelineTest {
    @TempDir
    Path tmp;

    static PreparePipeline.Result prepare(Path in, Path out) {
        return new PreparePipeline(PrepareConfig.defaults().withIo(List.of(in), out), TextAnonymizer.NONE).run();
    }

    private Path corpus() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 60; i++)
            a.append("{\"text\":\"").append(CorpusGenerator.document(r)).append("\"}\n");
        Files.writeString(in.resolve("a.jsonl"), a);
        Files.writeString(
                in.resolve("b.txt"),
                "¿Dónde está el niño? ¡Aquí! La canción de São Paulo, açúcar y ñandú.\n\n"
                        + "Segundo párrafo con acentos: camión, corazón, pingüino.\n");
        return in;
    }

    @Test
    void twoRunsGiveByteIdenticalOutputsAndAChangedFileChangesTheHashAndTheDiffNamesIt() throws Exception {
        Path in = corpus();
        PreparePipeline.Result one = prepare(in, tmp.resolve("out1"));
        PreparePipeline.Result two = prepare(in, tmp.resolve("out2"));
        assertThat(two.contentHash()).isEqualTo(one.contentHash()).startsWith("sha256:");
        for (String f : List.of("train.jsonl", "val.jsonl", "manifest.json", "report.json", "report.html")) {
            assertThat(Files.readAllBytes(tmp.resolve("out2").resolve(f)))
                    .as(f)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("out1").resolve(f)));
        }
        assertThat(DatasetDiff.diff(tmp.resolve("out1"), tmp.resolve("out2")))
                .hasSize(1)
                .first()
                .asString()
                .startsWith("identical content");

        Files.writeString(
                in.resolve("b.txt"),
                "\nUn párrafo nuevo que antes no estaba en el corpus de prueba.\n",
                java.nio.file.StandardOpenOption.APPEND);
        PreparePipeline.Result three = prepare(in, tmp.resolve("out3"));
        assertThat(three.contentHash()).isNotEqualTo(one.contentHash());
        List<String> diff = DatasetDiff.diff(tmp.resolve("out1"), tmp.resolve("out3"));
        assertThat(diff).contains("source changed: in/b.txt");
        assertThat(String.join("\n", diff)).contains("1 record added, 0 removed");
        assertThat(DatasetDiff.info(tmp.resolve("out3"))).anyMatch(l -> l.contains(three.contentHash()));
    }

    @Test
    void accentsEnyeCedillaAndInvertedMarksSurviveAndTheOutputIsReadableByDatasetReader() throws Exception {
        Path in = corpus();
        prepare(in, tmp.resolve("out"));
        String all = Files.readString(tmp.resolve("out/train.jsonl")) + Files.readString(tmp.resolve("out/val.jsonl"));
        assertThat(all)
                .contains("¿Dónde está el niño? ¡Aquí! La canción de São Paulo, açúcar y ñandú.")
                .contains("pingüino")
                .contains("\"source\":\"in/b.txt:1\"");
        DatasetReader.Result read = new DatasetReader(false).read(tmp.resolve("out/train.jsonl"));
        assertThat(read.examples()).isNotEmpty().allMatch(e -> e instanceof TextExample);
        assertThat(read.stats().skippedLines()).isZero();
    }

    @Test
    void aRunThatDiesHalfwayLeavesNoOutputDirectory() throws Exception {
        Path in = corpus(), out = tmp.resolve("out");
        PreparePipeline p = new PreparePipeline(PrepareConfig.defaults().withIo(List.of(in), out), TextAnonymizer.NONE)
                .listener((n, file) -> {
                    if (n == 30) throw new IllegalStateException("killed");
                });
        assertThatThrownBy(p::run).hasMessage("killed");
        assertThat(out).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactly("in");
        }
    }

    @Test
    void refusesANonEmptyOutputAndAnEmptyInput() throws Exception {
        Path in = corpus(), out = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(out.resolve("keep.txt"), "x");
        assertThatThrownBy(() -> prepare(in, out))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("not empty");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> prepare(empty, tmp.resolve("o"))).hasMessageContaining("no input files");
    }

    @Test
    void classificationDataIsSplitStratifiedByLabel() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("cls"));
        StringBuilder csv = new StringBuilder("body,label\n");
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            csv.append('"')
                    .append(CorpusGenerator.document(r))
                    .append("\",")
                    .append(i % 4 == 0 ? "spam" : "ham")
                    .append('\n');
        }
        Files.writeString(in.resolve("t.csv"), csv);
        PrepareConfig c = dev.forja.config.RecordBinder.bind(
                PrepareConfig.class,
                java.util.Map.of("text_column", "body", "label_column", "label", "on_error", "fatal"),
                PrepareConfig.defaults().withIo(List.of(in), tmp.resolve("out")));
        new PreparePipeline(c, TextAnonymizer.NONE).run();
        List<String> val = Files.readAllLines(tmp.resolve("out/val.jsonl"));
        long spam = val.stream().filter(l -> l.contains("\"label\":\"spam\"")).count();
        long ham = val.stream().filter(l -> l.contains("\"label\":\"ham\"")).count();
        assertThat(spam).isBetween(9L, 11L); // 20% of 50
        assertThat(ham).isBetween(29L, 31L); // 20% of 150
    }

    @Test
    void anonymizerRunsOnEveryRecordAndPiiIsCountedByType() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("pii"));
        Files.writeString(
                in.resolve("p.txt"), "Escríbeme a ana@example.com mañana.\n\nOtro texto sin datos personales.\n");
        TextAnonymizer fake = t -> t.contains("@")
                ? new TextAnonymizer.Anonymized(t.replaceAll("\\S+@\\S+", "<EMAIL>"), java.util.Map.of("EMAIL", 1))
                : new TextAnonymizer.Anonymized(t, java.util.Map.of());
        PrepareConfig c = PrepareConfig.defaults().withIo(List.of(in), tmp.resolve("out"));
        c = dev.forja.config.RecordBinder.bind(PrepareConfig.class, java.util.Map.of("anonymize", true), c);
        PreparePipeline.Result r = new PreparePipeline(c, fake).run();
        String all = Files.readString(tmp.resolve("out/train.jsonl")) + Files.readString(tmp.resolve("out/val.jsonl"));
        assertThat(all).contains("<EMAIL>").doesNotContain("ana@example.com");
        assertThat(r.stats().pii).containsEntry("EMAIL", 1L);
        assertThat(Files.readString(tmp.resolve("out/report.json"))).contains("\"EMAIL\" : 1");
    }

    @Test
    void aPersonFoundInOneRecordIsMaskedInEveryRecordWhateverTheThreads() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("names"));
        Files.writeString(
                in.resolve("n.txt"),
                "Larry Wall escribió el primer intérprete hace muchos años.\n\n"
                        + "La traducción fue realizada por Larry Wall <lw@example.org> en 2003.\n");
        PrepareConfig c = PrepareConfig.defaults().withIo(List.of(in), tmp.resolve("one"));
        c = dev.forja.config.RecordBinder.bind(PrepareConfig.class, java.util.Map.of("anonymize", true), c);
        PreparePipeline.Result one =
                new PreparePipeline(c, PiiTextAnonymizer.of(c, null)).threads(1).run();
        String all = Files.readString(tmp.resolve("one/train.jsonl")) + Files.readString(tmp.resolve("one/val.jsonl"));
        assertThat(all).doesNotContain("Larry", "Wall").contains("<PERSON> escribió");
        assertThat(one.stats().pii).containsEntry("PERSON", 2L);
        PreparePipeline.Result two = new PreparePipeline(
                        c.withIo(List.of(in), tmp.resolve("two")), PiiTextAnonymizer.of(c, null))
                .threads(2)
                .run();
        assertThat(two.contentHash()).isEqualTo(one.contentHash());
    }
}
