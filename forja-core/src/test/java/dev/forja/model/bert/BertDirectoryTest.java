package dev.forja.model.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One open, handed down: loading from an open directory reads nothing from disk again. */
class BertDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aClassifierLoadsFromTheDirectoryOpenedOnce() throws IOException {
        BertConfig c = BertConfig.tiny(100);
        BertClassifier written = BertClassifier.create(
                new BertModel(c, BertModel.initialize(c, true, 3)), List.of("a", "b", "c"), false, 4);
        written.write(tmp, written.parameters());
        try (BertDirectory d = BertDirectory.open(tmp)) {
            assertThat(d.isClassifier()).isTrue(); // as forja eval asks: config.json read, the weights opened
            // config.json and the weights are gone: whatever loads below comes from the open directory
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            BertClassifier loaded = BertClassifier.load(d);
            assertThat(loaded.labels()).containsExactly("a", "b", "c");
            assertThat(loaded.pooling()).isEqualTo(BertClassifier.Pooling.POOLER);
            assertThat(Tensors.toFloats(loaded.head().get("classifier.weight")))
                    .containsExactly(Tensors.toFloats(written.head().get("classifier.weight")));
            assertThat(BertLoader.load(d, org.bytedeco.pytorch.global.torch.ScalarType.Float)
                            .config())
                    .isEqualTo(c);
        }
        // the negative control: a load that opens the path again fails now
        assertThatThrownBy(() -> BertClassifier.load(tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("config.json");
    }

    @Test
    void anEncoderIsNotAClassifier() {
        BertConfig c = BertConfig.tiny(100);
        BertWriter.write(tmp, c, BertModel.initialize(c, false, 1));
        try (BertDirectory d = BertDirectory.open(tmp)) {
            assertThat(d.isClassifier()).isFalse();
            assertThat(d.config()).isEqualTo(c);
        }
    }
}
