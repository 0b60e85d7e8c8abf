package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWeightsTest {

    @TempDir
    Path dir;

    /** Eight F32 tensors of 64 values (256 bytes) each, with distinct contents. */
    private static List<TensorEntry> model() {
        List<TensorEntry> list = new ArrayList<>();
        for (int layer = 0; layer < 8; layer++) {
            float[] v = new float[64];
            for (int i = 0; i < v.length; i++) v[i] = layer * 1000 + i + 0.25f;
            list.add(Tensors.f32("model.layers." + layer + ".weight", new long[] {8, 8}, v));
        }
        return list;
    }

    private static void assertSameTensors(ModelWeights w, List<TensorEntry> expected) {
        assertThat(w.tensors().keySet())
                .containsExactlyElementsOf(
                        expected.stream().map(TensorEntry::name).toList());
        for (TensorEntry t : expected) {
            assertThat(w.contains(t.name())).isTrue();
            assertThat(w.get(t.name()).shape()).containsExactly(t.shape());
            assertThat(Tensors.bytes(w.get(t.name()))).as(t.name()).isEqualTo(Tensors.bytes(t));
        }
    }

    @Test
    void smallModelIsWrittenAsOneFile() {
        List<TensorEntry> tensors = model();
        ModelWeightsWriter.writeModel(dir, tensors, Map.of("format", "pt"), 1 << 20);
        assertThat(dir.toFile().list()).containsExactly("model.safetensors");
        try (ModelWeights w = ModelWeights.open(dir)) {
            assertSameTensors(w, tensors);
            assertThat(w.metadata()).isEqualTo(Map.of("format", "pt"));
        }
    }

    @Test
    void readIntoReadsAShardsTensorOrPartOfItWithoutTheMap() {
        List<TensorEntry> tensors = model();
        ModelWeightsWriter.writeModel(dir, tensors, Map.of("format", "pt"), 600); // 2 tensors per shard
        try (ModelWeights w = ModelWeights.open(dir)) {
            for (TensorEntry t : tensors) {
                byte[] want = Tensors.bytes(t);
                java.nio.ByteBuffer whole = java.nio.ByteBuffer.allocate(want.length);
                w.readInto(t.name(), whole);
                assertThat(whole.array()).as(t.name()).isEqualTo(want);
                java.nio.ByteBuffer rows = java.nio.ByteBuffer.allocate(64); // rows 2 and 3 of (8, 8) floats
                w.readInto(t.name(), 64, rows);
                assertThat(rows.array()).isEqualTo(java.util.Arrays.copyOfRange(want, 64, 128));
            }
            assertThatThrownBy(() -> w.readInto("model.layers.0.weight", 200, java.nio.ByteBuffer.allocate(64)))
                    .hasMessageContaining("not within tensor");
        }
    }

    @Test
    void shardedWriteReadsBackBitExactly() {
        List<TensorEntry> tensors = model();
        ModelWeightsWriter.writeModel(dir, tensors, Map.of("format", "pt"), 600); // 2 tensors per shard
        assertThat(dir.toFile().list())
                .containsExactlyInAnyOrder(
                        "model.safetensors.index.json",
                        "model-00001-of-00004.safetensors",
                        "model-00002-of-00004.safetensors",
                        "model-00003-of-00004.safetensors",
                        "model-00004-of-00004.safetensors");
        JsonNode index = Json.read(dir.resolve("model.safetensors.index.json"));
        assertThat(index.path("metadata").path("total_size").longValue()).isEqualTo(8 * 256);
        assertThat(index.path("weight_map").path("model.layers.5.weight").textValue())
                .isEqualTo("model-00003-of-00004.safetensors");
        try (ModelWeights w = ModelWeights.open(dir)) {
            assertSameTensors(w, tensors);
            assertThat(w.metadata()).containsEntry("total_size", "2048").containsEntry("format", "pt");
        }
    }

    @Test
    void tensorLargerThanTheShardLimitGetsAShardOfItsOwn() {
        List<TensorEntry> tensors = model();
        assertThat(ModelWeightsWriter.split(tensors, 100))
                .hasSize(8)
                .allSatisfy(s -> assertThat(s).hasSize(1));
        assertThat(ModelWeightsWriter.split(tensors, 768))
                .extracting(List::size)
                .containsExactly(3, 3, 2);
    }

    @Test
    void resavingWithAnotherLayoutRemovesThePreviousSavesFiles() throws Exception {
        List<TensorEntry> tensors = model();
        Files.writeString(dir.resolve("config.json"), "{}");
        ModelWeightsWriter.writeModel(dir, tensors, Map.of(), 600);
        ModelWeightsWriter.writeModel(dir, tensors, Map.of(), 1 << 20);
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("model.safetensors", "config.json");
        ModelWeightsWriter.writeModel(dir, tensors, Map.of(), 1100);
        assertThat(dir.toFile().list())
                .containsExactlyInAnyOrder(
                        "config.json",
                        "model.safetensors.index.json",
                        "model-00001-of-00002.safetensors",
                        "model-00002-of-00002.safetensors");
        try (ModelWeights w = ModelWeights.open(dir)) {
            assertSameTensors(w, tensors);
        }
    }

    @Test
    void missingShardIsAClearError() throws Exception {
        ModelWeightsWriter.writeModel(dir, model(), Map.of(), 600);
        Files.delete(dir.resolve("model-00003-of-00004.safetensors"));
        assertOpenFails(dir)
                .hasMessageContaining("model-00003-of-00004.safetensors, which is missing from " + dir)
                .hasMessageContaining("model.layers.4.weight")
                .hasMessageContaining("download");
    }

    /** Writes the model in four shards, then edits the index to say that layer 0's weight is in {@code shard}. */
    private void writeShardedWithLayer0In(String shard) {
        ModelWeightsWriter.writeModel(dir, model(), Map.of(), 600);
        Path indexFile = dir.resolve("model.safetensors.index.json");
        ObjectNode index = (ObjectNode) Json.read(indexFile);
        ((ObjectNode) index.get("weight_map")).put("model.layers.0.weight", shard);
        Json.writeAtomic(indexFile, index);
    }

    @Test
    void indexThatPointsAtTheWrongShardIsAClearError() {
        writeShardedWithLayer0In("model-00004-of-00004.safetensors");
        assertOpenFails(dir)
                .hasMessageContaining("'model.layers.0.weight' is in model-00004-of-00004.safetensors, but it is not");
    }

    @Test
    void indexNamingAPathOutsideTheDirectoryIsRefused() {
        writeShardedWithLayer0In("../elsewhere.safetensors");
        assertOpenFails(dir).hasMessageContaining("not a plain file name");
    }

    @Test
    void missingTensorNamesTheTensorAndTheFiles() {
        ModelWeightsWriter.writeModel(dir, model(), Map.of(), 600);
        try (ModelWeights w = ModelWeights.open(dir)) {
            assertThat(w.contains("lm_head.weight")).isFalse();
            assertThatThrownBy(() -> w.get("lm_head.weight"))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining("'lm_head.weight'")
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("model.safetensors.index.json");
        }
    }

    @Test
    void pickleOnlyDirectoryIsRefusedWithoutReadingTheFile() throws Exception {
        // Not a pickle at all: if forja parsed it, the message would be about a parse error instead.
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {0, 1, 2, 3, (byte) 0xff});
        Files.writeString(dir.resolve("config.json"), "{}");
        assertOpenFails(dir)
                .hasMessageStartingWith(dir.resolve("pytorch_model.bin") + " is a PyTorch pickle checkpoint")
                .hasMessageContaining("never unpickles")
                .hasMessageContaining("weights_only=True")
                .hasMessageContaining("safetensors.torch import save_file")
                .hasMessageContaining("safetensors revision")
                .hasMessageNotContaining("\n");

        Path other = Files.createDirectory(dir.resolve("other"));
        Files.write(other.resolve("pytorch_model.bin"), new byte[0]);
        String withEmptyFile = messageOf(() -> ModelWeights.open(other));
        String withGarbage = messageOf(() -> ModelWeights.open(dir));
        assertThat(withGarbage.replace(dir.toString(), "DIR"))
                .isEqualTo(withEmptyFile.replace(other.toString(), "DIR"));
    }

    @Test
    void otherPickleNamesAreRefusedToo() throws Exception {
        for (String name : List.of("weights.pt", "model.pth", "last.ckpt", "pytorch_model-00001-of-00002.bin")) {
            Path d = Files.createDirectory(dir.resolve("d-" + name));
            Files.writeString(d.resolve(name), "x");
            assertOpenFails(d).hasMessageContaining(name + " is a PyTorch pickle checkpoint");
            assertThatThrownBy(() -> ModelWeights.openFile(d.resolve(name)))
                    .isInstanceOf(ForjaException.class)
                    .hasMessageContaining("never unpickles");
        }
    }

    @Test
    void directoryWithoutWeightsNamesTheDirectory() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        assertOpenFails(dir).hasMessageContaining("no model weights in " + dir);
        assertOpenFails(dir.resolve("absent")).hasMessageContaining("absent is not a directory");
    }

    @Test
    void adapterFileOpensExplicitlyAndIsHintedAtInADirectory() {
        Path adapter = dir.resolve("adapter_model.safetensors");
        TensorEntry a = Tensors.f32("base_model.model.layers.0.q_proj.lora_A.weight", new long[] {1, 2}, 0.5f, -0.5f);
        SafetensorsWriter.write(adapter, List.of(a), Map.of());
        try (ModelWeights w = ModelWeights.openFile(adapter)) {
            assertSameTensors(w, List.of(a));
        }
        assertOpenFails(dir)
                .hasMessageContaining("found adapter_model.safetensors")
                .hasMessageContaining("PEFT adapter");
    }

    private static String messageOf(Runnable r) {
        try {
            r.run();
        } catch (ForjaException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ForjaException");
    }

    /** Opening {@code dir} is refused with a ForjaException, whose message the caller checks. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path dir) {
        return assertThatThrownBy(() -> ModelWeights.open(dir)).isInstanceOf(ForjaException.class);
    }
}
