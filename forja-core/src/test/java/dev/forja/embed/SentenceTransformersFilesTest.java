package dev.forja.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the pooling a sentence-transformers directory asks for, and writing it back. */
class SentenceTransformersFilesTest {
    static final String TRANSFORMER = "{\"idx\": 0, \"name\": \"0\", \"path\": \"\", "
            + "\"type\": \"sentence_transformers.models.Transformer\"}";
    static final String POOLING = "{\"idx\": 1, \"name\": \"1\", \"path\": \"1_Pooling\", "
            + "\"type\": \"sentence_transformers.models.Pooling\"}";
    static final String NORMALIZE = "{\"idx\": 2, \"name\": \"2\", \"path\": \"2_Normalize\", "
            + "\"type\": \"sentence_transformers.models.Normalize\"}";

    @TempDir
    Path dir;

    private Path write(String modules, String poolingConfig) throws IOException {
        if (modules != null) Files.writeString(dir.resolve("modules.json"), modules);
        if (poolingConfig != null) {
            Files.createDirectories(dir.resolve("1_Pooling"));
            Files.writeString(dir.resolve("1_Pooling/config.json"), poolingConfig);
        }
        return dir;
    }

    private static String modes(String on) {
        return "{\"word_embedding_dimension\": 64, \"pooling_mode_cls_token\": " + on.contains("cls")
                + ", \"pooling_mode_mean_tokens\": " + on.contains("mean") + ", \"pooling_mode_max_tokens\": "
                + on.contains("max") + ", \"pooling_mode_mean_sqrt_len_tokens\": false, "
                + "\"pooling_mode_weightedmean_tokens\": " + on.contains("weighted") + ", "
                + "\"pooling_mode_lasttoken\": false, \"include_prompt\": true}";
    }

    @Test
    void withoutTheFilesItIsMeanPoolingNormalised() {
        assertThat(SentenceTransformersFiles.pooling(dir, 64)).isEqualTo(Pooling.meanNormalized());
    }

    @Test
    void bgeFilesAskForClsAndNormalisation() throws IOException {
        write("[" + TRANSFORMER + ", " + POOLING + ", " + NORMALIZE + "]", modes("cls"));
        assertThat(SentenceTransformersFiles.pooling(dir, 64)).isEqualTo(new Pooling(Pooling.Mode.CLS, true));
    }

    @Test
    void withoutANormalizeModuleVectorsAreNotNormalised() throws IOException {
        write("[" + TRANSFORMER + ", " + POOLING + "]", modes("max"));
        assertThat(SentenceTransformersFiles.pooling(dir, 64)).isEqualTo(new Pooling(Pooling.Mode.MAX, false));
    }

    @Test
    void thePoolingModulePathComesFromModulesJson() throws IOException {
        write("[" + TRANSFORMER + ", " + POOLING.replace("1_Pooling", "pool") + "]", null);
        Files.createDirectories(dir.resolve("pool"));
        Files.writeString(dir.resolve("pool/config.json"), modes("cls"));
        assertThat(SentenceTransformersFiles.pooling(dir, 64)).isEqualTo(new Pooling(Pooling.Mode.CLS, false));
    }

    @Test
    void writeThenReadGivesThePoolingBack() {
        for (String mode : new String[] {"cls", "mean", "max"}) {
            Path d = dir.resolve(mode);
            for (boolean normalize : new boolean[] {true, false}) {
                Path out = d.resolve(String.valueOf(normalize));
                Pooling p = new Pooling(Pooling.of(mode).mode(), normalize, !normalize);
                SentenceTransformersFiles.write(mkdirs(out), 64, 128, p);
                assertThat(SentenceTransformersFiles.pooling(out, 64)).isEqualTo(p);
            }
        }
    }

    @Test
    void unsupportedModesAreClearErrors() throws IOException {
        write("[" + TRANSFORMER + ", " + POOLING + "]", modes("weighted"));
        assertThatThrownBy(() -> SentenceTransformersFiles.pooling(dir, 64))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("1_Pooling/config.json")
                .hasMessageContaining("pooling_mode_weightedmean_tokens");
        write(null, modes("cls+mean"));
        assertThatThrownBy(() -> SentenceTransformersFiles.pooling(dir, 64))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("2 pooling modes at once")
                .hasMessageContaining("pooling_mode_cls_token");
        write(null, modes("none"));
        assertThatThrownBy(() -> SentenceTransformersFiles.pooling(dir, 64))
                .hasMessageContaining("switches on no pooling mode");
        write(null, modes("mean"));
        assertThatThrownBy(() -> SentenceTransformersFiles.pooling(dir, 384))
                .hasMessageContaining("word_embedding_dimension is 64")
                .hasMessageContaining("hidden size is 384");
    }

    @Test
    void modulesForjaDoesNotComputeAreClearErrors() throws IOException {
        String dense = "{\"idx\": 2, \"name\": \"2\", \"path\": \"2_Dense\", "
                + "\"type\": \"sentence_transformers.models.Dense\"}";
        write("[" + TRANSFORMER + ", " + POOLING + ", " + dense + "]", modes("cls"));
        assertThatThrownBy(() -> SentenceTransformersFiles.pooling(dir, 64))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("modules.json")
                .hasMessageContaining("sentence_transformers.models.Dense");
        write("[" + TRANSFORMER + "]", null);
        assertThatThrownBy(() -> SentenceTransformersFiles.pooling(dir, 64))
                .hasMessageContaining("no sentence_transformers.models.Pooling module");
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
