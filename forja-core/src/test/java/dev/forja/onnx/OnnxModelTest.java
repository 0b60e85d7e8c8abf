package dev.forja.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.io.ProtoWriter;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {

    @Test
    void readsMiniLmGraph() {
        OnnxModel m = MiniLmResources.model();
        assertThat(m.producer()).isEqualTo("pytorch");
        assertThat(m.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(m.outputs()).containsExactly("last_hidden_state");
        assertThat(m.nodes().stream().filter(n -> n.opType().equals("MatMul")).count())
                .isEqualTo(48);
        OnnxTensor words = m.initializers().get("embeddings.word_embeddings.weight");
        assertThat(words.dims()).containsExactly(30522, 384);
        assertThat(words.dataType()).isEqualTo(OnnxTensor.FLOAT);
        assertThat(words.data().remaining()).isEqualTo(30522 * 384 * 4);
        // the LayerNorm epsilon lives in a Constant node, reachable through its output name
        OnnxNode add = m.nodes().stream()
                .filter(n -> n.name().equals("/embeddings/LayerNorm/Add"))
                .findFirst()
                .orElseThrow();
        assertThat(m.constant(add.inputs().get(1)).orElseThrow().scalar())
                .isCloseTo(1e-12, org.assertj.core.data.Offset.offset(1e-18));
        assertThat(m.producerOf(add.outputs().get(0))).contains(add);
        assertThat(m.consumersOf(add.outputs().get(0)))
                .extracting(OnnxNode::opType)
                .containsExactly("Sqrt");
    }

    @Test
    void readsPackedAndUnpackedFields() {
        ProtoWriter packedDims = new ProtoWriter().bytes(1, new byte[] {2, 3}); // dims [2, 3], packed
        ByteBuffer floats = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) floats.putFloat(i * 0.5f);
        ProtoWriter a = packedDims
                .int64(2, OnnxTensor.FLOAT)
                .string(8, "a")
                .bytes(4, floats.array())
                .int64(99, 7); // an unknown field is skipped
        ProtoWriter b = new ProtoWriter()
                .int64(1, 2)
                .int64(2, OnnxTensor.INT64)
                .string(8, "b")
                .int64(7, 5)
                .int64(7, -1); // int64_data, unpacked
        ProtoWriter c =
                new ProtoWriter().int64(2, OnnxTensor.FLOAT).string(8, "c").floatField(4, 2.5f); // scalar
        ProtoWriter constant = OnnxBytes.node("Constant", "k", new String[0], "k_out")
                .message(5, new ProtoWriter().string(1, "value").message(5, c));
        ProtoWriter graph = new ProtoWriter()
                .message(1, constant)
                .message(5, a)
                .message(5, b)
                .message(11, OnnxBytes.value("x"))
                .message(11, OnnxBytes.value("a"))
                .message(12, OnnxBytes.value("y"));
        OnnxModel m = OnnxModel.read(new ByteArrayInputStream(OnnxBytes.model(graph)), "test.onnx");

        OnnxTensor ta = m.initializers().get("a");
        assertThat(ta.dims()).containsExactly(2, 3);
        float[] got = new float[6];
        ta.data().asFloatBuffer().get(got);
        assertThat(got).containsExactly(0f, 0.5f, 1f, 1.5f, 2f, 2.5f);
        long[] longs = new long[2];
        m.initializers().get("b").data().asLongBuffer().get(longs);
        assertThat(longs).containsExactly(5, -1);
        assertThat(m.constant("k_out").orElseThrow().scalar()).isEqualTo(2.5);
        assertThat(m.inputs()).as("initializers listed as inputs are weights").containsExactly("x");
        assertThat(m.outputs()).containsExactly("y");
    }

    @Test
    void truncatedFileIsAClearError(@TempDir Path tmp) throws Exception {
        byte[] all = MiniLmResources.onnxBytes();
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> OnnxModel.read(cut))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("cut.onnx is not a valid ONNX file")
                .hasMessageContaining("truncated");
    }

    @Test
    void fileWithoutGraphIsRefused(@TempDir Path tmp) throws Exception {
        Path notOnnx = tmp.resolve("notes.onnx");
        Files.write(notOnnx, new ProtoWriter().int64(1, 8).string(2, "x").toByteArray());
        assertThatThrownBy(() -> OnnxModel.read(notOnnx))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("has no graph");
        assertThatThrownBy(() -> OnnxModel.read(tmp.resolve("missing.onnx")))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("no ONNX model at");
    }

    @Test
    void externalDataIsRefused() {
        ProtoWriter t = new ProtoWriter()
                .int64(1, 4)
                .int64(2, OnnxTensor.FLOAT)
                .string(8, "w")
                .int64(14, 1);
        byte[] model = OnnxBytes.model(new ProtoWriter().message(5, t));
        assertThatThrownBy(() -> OnnxModel.read(new ByteArrayInputStream(model), "big.onnx"))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("external file");
    }
}
