package dev.forja.model.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.ModelWeightsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.tensor.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny random BERT (2 layers, width 64): save/load round trips, padding invariance, errors. */
class BertModelTest {
    static final BertConfig TINY = BertConfig.tiny(100);
    static final long[] SEQ = {1, 17, 42, 5, 99, 3, 2};

    @TempDir
    Path tmp;

    @Test
    void nameTableHasEveryBertModelTensor() {
        assertThat(BertModel.specs(TINY, false)).hasSize(5 + 16 * 2);
        assertThat(BertModel.specs(TINY, true)).hasSize(5 + 16 * 2 + 2);
        assertThat(BertModel.specs(TINY, false).get(0).name()).isEqualTo("embeddings.word_embeddings.weight");
        BertModel m = new BertModel(TINY, BertModel.initialize(TINY, false, 1));
        assertThat(m.linears())
                .containsKeys("encoder.layer.1.attention.self.query", "encoder.layer.0.output.dense")
                .hasSize(12);
    }

    @Test
    void saveAndLoadGiveTheSameHiddenStates() {
        Map<String, Tensor> params = BertModel.initialize(TINY, true, 7);
        BertModel a = new BertModel(TINY, params);
        BertWriter.write(tmp, TINY, params);
        BertModel b = BertLoader.load(tmp, ScalarType.Float);
        assertThat(b.config()).isEqualTo(TINY);
        assertThat(b.hasPooler()).isTrue();
        Tensor ids = Tensors.ofLongs(SEQ, 1, SEQ.length);
        try (NoGradGuard g = new NoGradGuard()) {
            assertThat(Tensors.toFloats(b.forward(ids, null, null)))
                    .containsExactly(Tensors.toFloats(a.forward(ids, null, null)));
            float[] pooled = Tensors.toFloats(b.pool(b.forward(ids, null, null)));
            assertThat(pooled).hasSize(64);
            for (float p : pooled) assertThat(Math.abs(p)).isLessThanOrEqualTo(1f); // tanh
        }
    }

    @Test
    void loadsCheckpointsWithTheBertPrefix() {
        Map<String, Tensor> params = BertModel.initialize(TINY, false, 3);
        List<TensorEntry> entries = new ArrayList<>();
        params.forEach((n, t) -> entries.add(Tensors.toEntry("bert." + n, t)));
        entries.add(Tensors.toEntry("classifier.weight", Tensors.ofFloats(new float[128], 2, 64)));
        Json.writeAtomic(tmp.resolve("config.json"), TINY.toJson());
        ModelWeightsWriter.writeModel(tmp, entries, Map.of("format", "pt"), Long.MAX_VALUE);
        BertModel m = BertLoader.load(tmp, ScalarType.Float);
        assertThat(m.hasPooler()).isFalse();
        Tensor ids = Tensors.ofLongs(SEQ, 1, SEQ.length);
        try (NoGradGuard g = new NoGradGuard()) {
            assertThat(Tensors.toFloats(m.forward(ids, null, null)))
                    .containsExactly(Tensors.toFloats(new BertModel(TINY, params).forward(ids, null, null)));
        }
    }

    @Test
    void paddingDoesNotChangeTheRealTokens() {
        BertModel m = new BertModel(TINY, BertModel.initialize(TINY, false, 11));
        int T = SEQ.length;
        int padded = T + 4;
        long[] ids = new long[2 * padded];
        long[] mask = new long[2 * padded];
        for (int t = 0; t < padded; t++) {
            ids[t] = t < T ? SEQ[t] : 0;
            mask[t] = t < T ? 1 : 0;
            ids[padded + t] = 1 + t; // a full-length neighbour in the batch
            mask[padded + t] = 1;
        }
        try (NoGradGuard g = new NoGradGuard()) {
            float[] alone = Tensors.toFloats(m.forward(Tensors.ofLongs(SEQ, 1, T), null, null));
            float[] batch = Tensors.toFloats(
                    m.forward(Tensors.ofLongs(ids, 2, padded), null, Tensors.ofLongs(mask, 2, padded)));
            for (int i = 0; i < T * 64; i++) assertThat(batch[i]).isCloseTo(alone[i], within(1e-5f));
            // without the mask the padding would be attended to, and the result would differ
            float[] unmasked = Tensors.toFloats(m.forward(Tensors.ofLongs(ids, 2, padded), null, null));
            double diff = 0;
            for (int i = 0; i < T * 64; i++) diff = Math.max(diff, Math.abs(unmasked[i] - alone[i]));
            assertThat(diff).isGreaterThan(1e-3);
        }
    }

    @Test
    void tokenTypesChangeTheOutput() {
        BertModel m = new BertModel(TINY, BertModel.initialize(TINY, false, 5));
        Tensor ids = Tensors.ofLongs(SEQ, 1, SEQ.length);
        Tensor ones = Tensors.ofLongs(new long[] {1, 1, 1, 1, 1, 1, 1}, 1, SEQ.length);
        try (NoGradGuard g = new NoGradGuard()) {
            assertThat(Tensors.toFloats(m.forward(ids, ones, null)))
                    .isNotEqualTo(Tensors.toFloats(m.forward(ids, null, null)));
        }
    }

    @Test
    void tooManyTokensAndWrongConfigsAreClearErrors() throws Exception {
        BertModel m = new BertModel(TINY, BertModel.initialize(TINY, false, 5));
        assertThatThrownBy(() -> m.forward(Tensors.ofLongs(new long[129], 1, 129), null, null))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("129 tokens exceed the model's 128 positions");
        BertWriter.write(tmp, TINY, BertModel.initialize(TINY, false, 5));
        var json = TINY.toJson().put("intermediate_size", 256);
        Json.writeAtomic(tmp.resolve("config.json"), json);
        assertThatThrownBy(() -> BertLoader.load(tmp, ScalarType.Float))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("encoder.layer.0.intermediate.dense.weight")
                .hasMessageContaining("[256, 64]");
        Files.writeString(
                tmp.resolve("config.json"),
                "{\"model_type\": \"bert\", \"vocab_size\": 100, "
                        + "\"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 5, \"intermediate_size\": 128}");
        assertThatThrownBy(() -> BertLoader.load(tmp, ScalarType.Float))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("not divisible by num_attention_heads 5");
        assertThatThrownBy(() -> new BertConfig(100, 64, 2, 4, 128, 128, 2, 1e-12, 0, "relu", 0.02))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("hidden_act 'relu'");
    }
}
