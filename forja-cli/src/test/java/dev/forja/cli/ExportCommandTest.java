package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.export.GgufExport;
import dev.forja.export.GgufTensorSpec;
import dev.forja.export.GgufTensors;
import dev.forja.io.gguf.GgufReader;
import dev.forja.io.gguf.GgufTensorInfo;
import dev.forja.io.gguf.GgufType;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.tensor.Tensors;
import dev.forja.train.Fingerprints;
import dev.forja.train.Lineage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja export --format gguf} end to end on tiny init-models, read back with {@link GgufReader}. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    /**
     * A tiny init-model whose 1-D tensors (norms, biases) are moved away from init-model's exact 1 and 0, so a
     * dropped or misplaced norm or bias shows in the exported bytes.
     */
    private Path model(String arch) {
        return CliRun.initModelAwayFromOneAndZero(tmp.resolve(arch), "--arch", arch, "--seed", "1");
    }

    private CliRun export(Path model, Path out, String... more) {
        String[] args = {"export", "--model", model.toString(), "--format", "gguf", "--output", out.toString()};
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliRun.of(all);
    }

    /**
     * Every tensor of the model is in the file with its dims, in the type the dtype asks for: F32 for 1-D tensors, F16
     * for a quantized type whose 32-element blocks do not divide the rows.
     */
    private static void assertTensors(GgufReader r, CausalLM m, GgufType dtype) {
        var specs = GgufTensors.of(m);
        assertThat(r.tensors()).hasSize(specs.size());
        for (GgufTensorSpec s : specs) {
            GgufTensorInfo t = r.tensor(s.ggufName());
            assertThat(t.shape()).as(s.ggufName()).containsExactly(s.shape());
            long row = s.shape()[s.shape().length - 1];
            GgufType expected = s.keepF32() || s.shape().length == 1
                    ? GgufType.F32
                    : dtype.quantized() && row % 32 != 0 ? GgufType.F16 : dtype;
            assertThat(t.type()).as(s.ggufName()).isEqualTo(expected);
        }
    }

    private static float[] floats(CausalLM m, String name) {
        return Tensors.toFloats(m.parameters().get(name));
    }

    @Test
    void llamaF32HoldsTheModelsWeightsAndMetadata() throws IOException {
        Path dir = model("llama");
        Lineage.write(dir, "sha256:0123abcd", "some/base", "feedbeef");
        Path out = tmp.resolve("llama.gguf");
        CliRun run = export(dir, out, "--dtype", "f32").ok();
        assertThat(run.err())
                .contains(String.format("%,d bytes", Files.size(out)))
                .contains("sha256 " + GgufExport.sha256(out));

        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        try (GgufReader r = GgufReader.open(out)) {
            assertTensors(r, m, GgufType.F32);
            // The documented transforms: norms and v are written as they are; q and k rows are permuted.
            assertThat(r.floats("blk.1.attn_norm.weight"))
                    .containsExactly(floats(m, "model.layers.1.input_layernorm.weight"));
            assertThat(r.floats("output_norm.weight")).containsExactly(floats(m, "model.norm.weight"));
            assertThat(r.floats("blk.0.attn_v.weight"))
                    .containsExactly(floats(m, "model.layers.0.self_attn.v_proj.weight"));
            for (GgufTensorSpec s : GgufTensors.of(m)) {
                assertThat(r.floats(s.ggufName())).as(s.ggufName()).containsExactly(s.values());
            }
            var meta = r.metadata();
            assertThat(meta.get("general.architecture").asString()).isEqualTo("llama");
            assertThat(meta.get("general.file_type").asLong()).isZero();
            assertThat(meta).containsKeys("llama.block_count", "tokenizer.ggml.tokens", "tokenizer.ggml.model");
            assertThat(meta.get("general.source.forja.dataset_hash").asString()).isEqualTo("sha256:0123abcd");
            assertThat(meta.get("general.source.forja.base_model_sha256").asString())
                    .isEqualTo("feedbeef");
        }
    }

    @Test
    void gpt2ExportsInF16AndQ8WithNormsAndBiasesInF32() throws IOException {
        Path dir = model("gpt2");
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        Path f16 = tmp.resolve("gpt2-f16.gguf");
        export(dir, f16).ok(); // f16 is the default
        try (GgufReader r = GgufReader.open(f16)) {
            assertTensors(r, m, GgufType.F16);
            assertThat(r.metadata().get("general.file_type").asLong()).isEqualTo(1);
            assertThat(r.metadata().get("general.architecture").asString()).isEqualTo("gpt2");
            assertThat(r.metadata()).doesNotContainKey("general.source.forja.dataset_hash");
        }
        Path q8 = tmp.resolve("gpt2-q8.gguf");
        export(dir, q8, "--dtype", "q8_0").ok();
        try (GgufReader r = GgufReader.open(q8)) {
            assertTensors(r, m, GgufType.Q8_0);
            assertThat(r.metadata().get("general.file_type").asLong()).isEqualTo(7);
            assertThat(r.floats("blk.0.attn_norm.bias")).containsExactly(floats(m, "transformer.h.0.ln_1.bias"));
        }
    }

    @Test
    void qwen2ExportsInQ4WithItsBiasesAndF16WhereRowsDoNotFitBlocks() throws IOException {
        Path dir = model("qwen2");
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        Path out = tmp.resolve("qwen2.gguf");
        CliRun run = export(dir, out, "--dtype", "q4_0").ok();
        // tiny's MLP width 176 is no multiple of 32: the down projection's rows stay F16, as llama.cpp's converter does
        assertThat(run.err()).contains("kept in F16").contains("blk.0.ffn_down.weight");
        try (GgufReader r = GgufReader.open(out)) {
            assertTensors(r, m, GgufType.Q4_0);
            assertThat(r.tensor("blk.1.ffn_down.weight").type()).isEqualTo(GgufType.F16);
            assertThat(r.tensor("blk.1.ffn_up.weight").type()).isEqualTo(GgufType.Q4_0);
            assertThat(r.metadata().get("general.architecture").asString()).isEqualTo("qwen2");
            assertThat(r.metadata().get("general.file_type").asLong()).isEqualTo(2);
            assertThat(r.floats("blk.1.attn_v.bias"))
                    .containsExactly(floats(m, "model.layers.1.self_attn.v_proj.bias"));
        }
    }

    @Test
    void anAdapterIsMergedAsForjaMergeMergesIt() throws IOException {
        Path base = CliRun.initModel(tmp.resolve("base"), "--arch", "llama");
        Path adapter = tmp.resolve("adapter");
        MergeCommandTest.randomAdapter(base, adapter);
        Lineage.write(adapter, "sha256:adapterdata", base.toString(), Fingerprints.modelDir(base));

        Path out = tmp.resolve("adapted.gguf");
        export(base, out, "--adapter", adapter.toString(), "--dtype", "f32").ok();
        Path merged = tmp.resolve("merged");
        CliRun.of("merge", "--model", base.toString(), "--adapter", adapter.toString(), "--output", merged.toString())
                .ok();
        CausalLM expected = ModelLoader.load(merged, ScalarType.Float);
        try (GgufReader r = GgufReader.open(out)) {
            assertTensors(r, expected, GgufType.F32);
            for (GgufTensorSpec s : GgufTensors.of(expected)) {
                assertThat(r.floats(s.ggufName())).as(s.ggufName()).containsExactly(s.values());
            }
            float[] baseV = floats(ModelLoader.load(base, ScalarType.Float), "model.layers.0.self_attn.v_proj.weight");
            assertThat(Arrays.equals(r.floats("blk.0.attn_v.weight"), baseV))
                    .as("the adapter changed v")
                    .isFalse();
            assertThat(r.metadata().get("general.source.forja.dataset_hash").asString())
                    .isEqualTo("sha256:adapterdata");
        }
    }

    @Test
    void anExistingOutputIsKeptWithoutForce() throws IOException {
        Path dir = CliRun.initModel(tmp.resolve("m"), "--arch", "llama");
        Path out = tmp.resolve("m.gguf");
        Files.writeString(out, "precious");
        CliRun refused = export(dir, out);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("already exists").contains("--force");
        assertThat(Files.readString(out)).isEqualTo("precious");

        export(dir, out, "--force").ok();
        try (GgufReader r = GgufReader.open(out)) {
            assertThat(r.metadata().get("general.architecture").asString()).isEqualTo("llama");
        }
    }

    @Test
    void unknownDtypeIsRefused() {
        Path dir = CliRun.initModel(tmp.resolve("m"), "--arch", "llama");
        CliRun run = export(dir, tmp.resolve("x.gguf"), "--dtype", "q5_k");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("--dtype must be");
        assertThat(tmp.resolve("x.gguf")).doesNotExist();
    }
}
