package dev.forja.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.io.ProtoWriter;
import dev.forja.model.ParamSpec;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.tensor.Tensors;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.OptionalInt;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class BertOnnxImportTest {

    @Test
    void recoversEveryHuggingFaceNameAndShape() {
        BertOnnxImport imp = BertOnnxImport.of(MiniLmResources.model(), OptionalInt.empty());
        assertThat(imp.config()).isEqualTo(BertConfig.miniLmL6());
        List<ParamSpec> specs = BertModel.specs(imp.config(), false);
        assertThat(imp.parameters().keySet())
                .containsExactlyElementsOf(specs.stream().map(ParamSpec::name).toList());
        for (ParamSpec s : specs) {
            assertThat(Tensors.shape(imp.parameters().get(s.name())))
                    .as(s.name())
                    .containsExactly(s.shape());
        }
        // generated names resolved through the Add holding the bias
        assertThat(imp.sources())
                .containsEntry("encoder.layer.0.attention.self.query.weight", "onnx::MatMul_787")
                .containsEntry(
                        "encoder.layer.0.attention.self.query.bias", "encoder.layer.0.attention.self.query.bias");
        long generated = imp.sources().values().stream()
                .filter(n -> n.startsWith("onnx::MatMul_"))
                .count();
        assertThat(generated).isEqualTo(6 * 6);
    }

    @Test
    void matMulWeightsAreTransposedToOutIn() {
        OnnxModel m = MiniLmResources.model();
        BertOnnxImport imp = BertOnnxImport.of(m, OptionalInt.empty());
        OnnxTensor up = m.initializers().get(imp.sources().get("encoder.layer.0.intermediate.dense.weight"));
        assertThat(up.dims()).containsExactly(384, 1536); // (in, out) in ONNX
        Tensor w = imp.parameters().get("encoder.layer.0.intermediate.dense.weight"); // (out, in)
        float[] hf = Tensors.toFloats(w);
        var onnx = up.data().asFloatBuffer();
        for (int[] ij : new int[][] {{0, 0}, {3, 1000}, {383, 1535}, {200, 7}}) {
            int in = ij[0], out = ij[1];
            assertThat(hf[out * 384 + in]).isEqualTo(onnx.get(in * 1536 + out));
        }
    }

    @Test
    void headCountCanBeGiven() {
        BertOnnxImport imp = BertOnnxImport.of(MiniLmResources.model(), OptionalInt.of(6));
        assertThat(imp.config().numAttentionHeads()).isEqualTo(6);
    }

    @Test
    void nonBertModelIsAClearError() {
        // y = x W + b: a linear layer named like a classifier, nothing BERT about it
        ProtoWriter graph = new ProtoWriter()
                .message(1, OnnxBytes.node("MatMul", "mm", new String[] {"x", "onnx::MatMul_1"}, "h"))
                .message(1, OnnxBytes.node("Add", "add", new String[] {"classifier.bias", "h"}, "y"))
                .message(5, OnnxBytes.floatTensor("onnx::MatMul_1", new float[6], 3, 2))
                .message(5, OnnxBytes.floatTensor("classifier.bias", new float[2], 2))
                .message(11, OnnxBytes.value("x"))
                .message(12, OnnxBytes.value("y"));
        OnnxModel m = OnnxModel.read(new ByteArrayInputStream(OnnxBytes.model(graph)), "classifier.onnx");
        assertThatThrownBy(() -> BertOnnxImport.of(m, OptionalInt.empty()))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("classifier.onnx does not look like a BERT encoder")
                .hasMessageContaining("embeddings.word_embeddings.weight")
                .hasMessageContaining("classifier.bias");
    }
}
