package dev.forja.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.model.bert.BertModel;
import dev.forja.onnx.BertOnnxImport;
import dev.forja.onnx.MiniLmResources;
import dev.forja.tensor.CpuThreads;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentenceEncoderTest {
    @TempDir
    static Path tmp;

    static Path imported;
    static SentenceEncoder fromDir;

    @BeforeAll
    static void importOnce() {
        MiniLmResources.onnxBytes(); // skips the class when the artifact is absent
        imported = MiniLm.directory(tmp.resolve("all-MiniLM-L6-v2"));
        fromDir = SentenceEncoder.load(imported);
    }

    @AfterAll
    static void close() {
        if (fromDir != null) fromDir.close();
    }

    @Test
    void importWritesASentenceTransformersDirectory() {
        for (String f : List.of(
                "config.json",
                "model.safetensors",
                "tokenizer.json",
                "modules.json",
                "sentence_bert_config.json",
                "1_Pooling/config.json")) {
            assertThat(imported.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Json.read(imported.resolve("sentence_bert_config.json"))
                        .get("max_seq_length")
                        .asInt())
                .isEqualTo(256);
        assertThat(Json.read(imported.resolve("1_Pooling/config.json"))
                        .get("pooling_mode_mean_tokens")
                        .asBoolean())
                .isTrue();
        assertThat(fromDir.maxTokens()).isEqualTo(256);
        // the bundle pads every text to 128 tokens; the imported tokenizer.json gives a text its own tokens
        assertThat(Json.read(imported.resolve("tokenizer.json")).get("padding").isNull())
                .isTrue();
        assertThat(Json.read(imported.resolve("tokenizer.json"))
                        .get("truncation")
                        .isNull())
                .isTrue();
        assertThat(fromDir.tokenize("Acceso denegado"))
                .hasSizeLessThan(10)
                .startsWith(101)
                .endsWith(102);
        assertThat(fromDir.dimension()).isEqualTo(384);
    }

    @Test
    void roundTripThroughTheDirectoryEqualsTheDirectImport() {
        BertOnnxImport imp = BertOnnxImport.of(MiniLmResources.model(), OptionalInt.empty());
        List<String> texts = Sentences.all().subList(70, 94);
        try (HfTokenizer tok = HfTokenizer.load(imported);
                SentenceEncoder direct = new SentenceEncoder(
                        new BertModel(imp.config(), imp.parameters()), tok, 256, SentenceEncoder.DEFAULT_BATCH)) {
            float[][] a = direct.embed(texts);
            float[][] b = fromDir.embed(texts);
            for (int i = 0; i < texts.size(); i++)
                assertThat(b[i]).as(texts.get(i)).containsExactly(a[i]);
        }
    }

    @Test
    void vectorsAreUnitLengthInInputOrderAndIndependentOfBatching() {
        List<String> texts = Sentences.all().subList(0, 24);
        float[][] batched = fromDir.embed(texts);
        assertThat(batched).hasNumberOfRows(24);
        for (int i : new int[] {0, 7, 23}) {
            float[] alone = fromDir.embed(texts.get(i));
            for (int c = 0; c < alone.length; c++) assertThat(batched[i][c]).isCloseTo(alone[c], within(1e-5f));
        }
        for (float[] v : batched) {
            double n = 0;
            for (float x : v) n += x * x;
            assertThat(Math.sqrt(n)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void batchesSplitOverTwoThreadsGiveTheSequentialVectors() {
        List<String> texts = Sentences.all(); // more than one batch of SentenceEncoder.DEFAULT_BATCH
        assertThat(texts.size()).isGreaterThan(2 * SentenceEncoder.DEFAULT_BATCH);
        try {
            CpuThreads.use(1, true);
            float[][] sequential = fromDir.embed(texts);
            CpuThreads.use(2, true);
            assertThat(CpuThreads.inferenceWorkers()).isEqualTo(2);
            float[][] split = fromDir.embed(texts);
            assertThat(openblas_nolapack.blas_get_num_threads()).isEqualTo(2); // restored after the split
            for (int i = 0; i < texts.size(); i++) {
                for (int c = 0; c < split[i].length; c++) {
                    assertThat(split[i][c]).isCloseTo(sequential[i][c], within(1e-5f));
                }
            }
        } finally {
            CpuThreads.use(CpuThreads.all(), false); // the state before any use(), as CpuThreadsTest leaves it
        }
    }

    @Test
    void similarMeaningsAreCloserThanUnrelatedOnes() {
        float[][] v = fromDir.embed(List.of(
                "Your password expired, click here to reset it",
                "Haga clic aquí para restablecer su contraseña vencida",
                "The weather is sunny and warm today"));
        assertThat(dot(v[0], v[1])).isGreaterThan(dot(v[0], v[2]));
    }

    @Test
    void longTextsAreTruncatedAndCounted() {
        String longText = "failed login from 203.0.113.45 ".repeat(100);
        try (SentenceEncoder e = SentenceEncoder.load(imported)) {
            long[] ids = e.tokenize(longText);
            assertThat(ids).hasSize(256);
            assertThat(ids[0]).isEqualTo(101); // [CLS]
            assertThat(ids[255]).isEqualTo(102); // [SEP] kept after the cut
            assertThat(e.truncatedCount()).isEqualTo(1);
            e.embed(List.of("short", longText, longText));
            assertThat(e.truncatedCount()).isEqualTo(3);
        }
    }

    @Test
    void aDirectoryThatIsNotBertIsAClearError() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("gpt2"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        assertThatThrownBy(() -> SentenceEncoder.load(dir))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("model_type is 'gpt2', not 'bert'");
        Path weighted = linkedCopy("weighted", "{\"pooling_mode_weightedmean_tokens\": true}");
        assertThatThrownBy(() -> SentenceEncoder.load(weighted))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(weighted.resolve("1_Pooling/config.json").toString())
                .hasMessageContaining("pooling_mode_weightedmean_tokens");
    }

    @Test
    void poolingAndPrefixesComeFromTheDirectory() throws Exception {
        assertThat(fromDir.pooling()).isEqualTo(Pooling.meanNormalized());
        assertThat(fromDir.prefixes()).isEqualTo(EmbeddingPrefixes.NONE);
        Path cls = linkedCopy("cls", "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true}");
        new EmbeddingPrefixes("query: ", "passage: ").write(cls);
        String text = "Failed password for root from 203.0.113.4";
        try (SentenceEncoder e = SentenceEncoder.load(cls)) {
            assertThat(e.pooling()).isEqualTo(new Pooling(Pooling.Mode.CLS, true));
            float[] byCls = e.embed(text);
            assertThat(maxAbsDiff(byCls, fromDir.embed(text)))
                    .as("CLS vectors are not mean vectors")
                    .isGreaterThan(0.01);
            assertThat(e.embedQueries(List.of(text))[0]).containsExactly(e.embed("query: " + text));
            assertThat(e.embedQuery(text)).containsExactly(e.embed("query: " + text));
            assertThat(e.embedPassages(List.of(text))[0]).containsExactly(e.embed("passage: " + text));
            assertThat(maxAbsDiff(e.embedQueries(List.of(text))[0], byCls)).isGreaterThan(0.01);
        }
        try (SentenceEncoder e = SentenceEncoder.load(cls, EmbeddingPrefixes.NONE)) {
            assertThat(e.embedQueries(List.of(text))[0])
                    .as("the caller's prefixes win")
                    .containsExactly(e.embed(text));
        }
        assertThat(fromDir.embedQueries(List.of(text))[0]).containsExactly(fromDir.embed(text));
    }

    @Test
    void withoutIncludePromptThePrefixIsLeftOutOfTheMean() throws Exception {
        Path dir = linkedCopy("no-prompt", "{\"pooling_mode_mean_tokens\": true, \"include_prompt\": false}");
        new EmbeddingPrefixes("query: ", "").write(dir);
        String text = "Failed password for root from 203.0.113.4";
        try (SentenceEncoder e = SentenceEncoder.load(dir)) {
            assertThat(e.pooling()).isEqualTo(new Pooling(Pooling.Mode.MEAN, true, false));
            long[] ids = e.tokenize("query: " + text);
            int prompt = e.tokenize("query: ").length - 1; // [CLS] query :
            assertThat(prompt).isEqualTo(3);
            float[] expected;
            try (NoGradGuard ng = new NoGradGuard()) {
                Tensor hidden = e.model().forward(Tensors.ofLongs(ids, 1, ids.length), null, null); // (1, T, C)
                long[] mask = new long[ids.length];
                for (int t = prompt; t < ids.length; t++) mask[t] = 1;
                expected = Tensors.toFloats(
                        Pooling.normalize(Pooling.meanPool(hidden, Tensors.ofLongs(mask, 1, ids.length))));
            }
            float[] query = e.embedQuery(text);
            assertThat(maxAbsDiff(query, expected)).isLessThan(1e-5);
            assertThat(maxAbsDiff(query, e.embed("query: " + text))).isGreaterThan(0.01);
            assertThat(e.embedPassages(List.of(text))[0])
                    .as("no passage prefix")
                    .containsExactly(e.embed(text));
        }
    }

    /** The imported MiniLM's files linked into tmp/{@code name}, with {@code pooling} as its pooling config. */
    private static Path linkedCopy(String name, String pooling) throws Exception {
        Path dir =
                Files.createDirectories(tmp.resolve(name).resolve("1_Pooling")).getParent();
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "sentence_bert_config.json")) {
            Files.createSymbolicLink(dir.resolve(f), imported.resolve(f).toAbsolutePath());
        }
        Files.writeString(dir.resolve("1_Pooling/config.json"), pooling);
        return dir;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void importRefusesANonEmptyTarget() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(target.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> SentenceModelImport.write(
                        MiniLmResources.model(),
                        MiniLmResources.tokenizerBytes(),
                        target,
                        OptionalInt.empty(),
                        OptionalInt.empty()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("not empty");
        assertThat(Files.readString(target.resolve("notes.txt"))).isEqualTo("mine");
        List<Path> leftovers = new ArrayList<>();
        try (var s = Files.list(tmp)) {
            s.filter(p -> p.getFileName().toString().startsWith(".taken")).forEach(leftovers::add);
        }
        assertThat(leftovers).as("the staging directory is removed").isEmpty();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
