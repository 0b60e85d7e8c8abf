package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.export.GgufExport;
import dev.forja.export.GgufTensorSpec;
import dev.forja.export.GgufTensors;
import dev.forja.export.QuantReport;
import dev.forja.io.Json;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        assertThat(run.err()).contains("blk.0.ffn_down.weight -> F16");
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

    /** A 4-layer Llama whose every matrix has rows of 256, as Q4_K needs. */
    private Path llama256() {
        return CliRun.initModel(
                tmp.resolve("llama256"),
                "--arch",
                "llama",
                "--seed",
                "2",
                "--preset",
                "{\"hidden_size\":256,\"intermediate_size\":512,\"num_hidden_layers\":4,\"head_dim\":64}");
    }

    private static Map<String, JsonNode> reportTensors(Path report) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode t : Json.read(report).get("tensors"))
            out.put(t.get("name").asText(), t);
        return out;
    }

    private static double relativeRms(float[] w, float[] q) {
        double d = 0, n = 0;
        for (int i = 0; i < w.length; i++) {
            d += (double) (w[i] - q[i]) * (w[i] - q[i]);
            n += (double) w[i] * w[i];
        }
        return Math.sqrt(d / n);
    }

    @Test
    void q4kmStoresLlamaCppsMixAndReportsEachTensorsError() throws IOException {
        Path dir = llama256();
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        Path out = tmp.resolve("llama-q4km.gguf");
        CliRun run = export(dir, out, "--dtype", "q4_k_m").ok();
        assertThat(run.err()).doesNotContain("stored in another type").contains("relative RMS error");

        Path report = QuantReport.pathFor(out);
        assertThat(report).hasFileName("llama-q4km.gguf.quant.json").exists();
        Map<String, JsonNode> errors = reportTensors(report);
        try (GgufReader r = GgufReader.open(out)) {
            assertThat(r.metadata().get("general.file_type").asLong()).isEqualTo(15);
            // use_more_bits over 4 layers: layers 2 and 3 keep attn_v and ffn_down in Q6_K
            for (int i = 0; i < 4; i++) {
                GgufType more = i >= 2 ? GgufType.Q6_K : GgufType.Q4_K;
                assertThat(r.tensor("blk." + i + ".attn_v.weight").type()).isEqualTo(more);
                assertThat(r.tensor("blk." + i + ".ffn_down.weight").type()).isEqualTo(more);
                assertThat(r.tensor("blk." + i + ".attn_q.weight").type()).isEqualTo(GgufType.Q4_K);
                assertThat(r.tensor("blk." + i + ".ffn_up.weight").type()).isEqualTo(GgufType.Q4_K);
                assertThat(r.tensor("blk." + i + ".ffn_norm.weight").type()).isEqualTo(GgufType.F32);
            }
            boolean tied = r.tensors().stream().noneMatch(t -> t.name().equals("output.weight"));
            assertThat(r.tensor("token_embd.weight").type()).isEqualTo(tied ? GgufType.Q6_K : GgufType.Q4_K);

            // the report holds every tensor, with the type and the error of the values the file holds
            assertThat(errors).hasSize(r.tensors().size());
            for (GgufTensorSpec s : GgufTensors.of(m)) {
                JsonNode e = errors.get(s.ggufName());
                assertThat(e.get("type").asText())
                        .isEqualTo(r.tensor(s.ggufName()).type().name());
                double measured = relativeRms(s.values(), r.floats(s.ggufName()));
                assertThat(e.get("relative_rms_error").asDouble())
                        .as(s.ggufName())
                        .isCloseTo(measured, within(1e-9 + 1e-6 * measured));
            }
        }
        // 6 bits beat 4 on tensors of the same shape and statistics
        assertThat(errors.get("blk.3.attn_v.weight").get("relative_rms_error").asDouble())
                .isLessThan(errors.get("blk.0.attn_v.weight")
                                .get("relative_rms_error")
                                .asDouble()
                        / 2);
        assertThat(errors.get("blk.0.attn_norm.weight")
                        .get("relative_rms_error")
                        .asDouble())
                .isZero();
    }

    @Test
    void q4kmFallsBackWhereRowsAreNotMultiplesOf256AndSaysSo() throws IOException {
        Path dir = model("llama"); // tiny: rows of 64 (Q4_K -> Q5_0, Q6_K -> Q8_0) and 176 (-> F16)
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        Path out = tmp.resolve("tiny-q4km.gguf");
        CliRun run = export(dir, out, "--dtype", "q4_k_m").ok();
        assertThat(run.err())
                .contains("stored in another type")
                .contains("blk.0.attn_q.weight -> Q5_0")
                .contains("blk.1.attn_v.weight -> Q8_0")
                .contains("blk.0.ffn_down.weight -> F16");
        try (GgufReader r = GgufReader.open(out)) {
            assertThat(r.tensor("blk.0.attn_q.weight").type()).isEqualTo(GgufType.Q5_0);
            assertThat(r.tensor("blk.0.attn_v.weight").type()).isEqualTo(GgufType.Q5_0); // layer 0 of 2: Q4_K's
            assertThat(r.tensor("blk.1.attn_v.weight").type()).isEqualTo(GgufType.Q8_0); // layer 1 of 2: Q6_K's
            assertThat(r.tensor("output.weight").type()).isEqualTo(GgufType.Q8_0); // rows of 64: the head's Q8_0
            for (GgufTensorSpec s : GgufTensors.of(m)) {
                assertThat(relativeRms(s.values(), r.floats(s.ggufName())))
                        .as(s.ggufName())
                        .isLessThan(0.05);
            }
        }
    }

    @Test
    void quantReportRanksQ8BelowQ4AndMeasuresPerplexityBeforeAndAfter() throws IOException {
        Path dir = CliRun.initModel(
                tmp.resolve("gpt2-256"),
                "--arch",
                "gpt2",
                "--preset",
                "{\"n_embd\":256,\"n_inner\":1024,\"initializer_range\":0.05}");
        Path data = tmp.resolve("eval.jsonl");
        Files.writeString(data, """
                {"text": "El modelo aprende de los registros del servidor."}
                {"prompt": "Pregunta: que es un token?", "completion": " Una parte de un texto."}

                {"text": "Quantization trades a little accuracy for a much smaller file."}
                """);
        Map<String, JsonNode> reports = new HashMap<>();
        for (String dtype : List.of("q8_0", "q4_0")) {
            Path out = tmp.resolve(dtype + ".gguf");
            CliRun run = export(dir, out, "--dtype", dtype, "--eval-data", data.toString())
                    .ok();
            assertThat(run.err()).contains("perplexity on " + data);
            reports.put(dtype, Json.read(QuantReport.pathFor(out)));
        }
        Map<String, JsonNode> q8 = reportTensors(tmp.resolve("q8_0.gguf.quant.json"));
        Map<String, JsonNode> q4 = reportTensors(tmp.resolve("q4_0.gguf.quant.json"));
        int quantized = 0;
        for (Map.Entry<String, JsonNode> e : q8.entrySet()) {
            if (e.getValue().get("type").asText().equals("F32")) continue;
            quantized++;
            assertThat(e.getValue().get("type").asText()).isEqualTo("Q8_0");
            assertThat(e.getValue().get("relative_rms_error").asDouble())
                    .as(e.getKey())
                    .isPositive()
                    .isLessThan(q4.get(e.getKey()).get("relative_rms_error").asDouble() / 4);
        }
        assertThat(quantized).isEqualTo(2 * 4 + 2); // 4 matrices per block, token_embd, output

        JsonNode p8 = reports.get("q8_0").get("perplexity");
        JsonNode p4 = reports.get("q4_0").get("perplexity");
        assertThat(p8.get("tokens").asLong()).isPositive();
        for (JsonNode p : List.of(p8, p4)) {
            assertThat(p.get("before").asDouble()).isFinite().isGreaterThan(1);
            assertThat(p.get("after").asDouble()).isFinite().isGreaterThan(1);
        }
        assertThat(p4.get("before").asDouble()).isEqualTo(p8.get("before").asDouble());
        double before = p8.get("before").asDouble();
        // Q8_0 keeps the model: within 2% (0.1% measured here). On a random model Q4_0's change has no set sign.
        assertThat(p8.get("after").asDouble()).isCloseTo(before, within(0.02 * before));
        assertThat(p4.get("after").asDouble()).isCloseTo(before, within(0.25 * before));
    }

    @Test
    void badEvalDataIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path dir = CliRun.initModel(tmp.resolve("m"), "--arch", "gpt2");
        Path out = tmp.resolve("m.gguf");

        CliRun missing = export(
                dir,
                out,
                "--dtype",
                "q8_0",
                "--eval-data",
                tmp.resolve("nope.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.jsonl does not exist");

        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": \"fine\"}\n{\"text\": unquoted}\n");
        CliRun invalid = export(dir, out, "--dtype", "q8_0", "--eval-data", bad.toString());
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains("bad.jsonl:2: not valid JSON");

        Path wrong = tmp.resolve("wrong.jsonl");
        Files.writeString(wrong, "{\"messages\": []}\n");
        assertThat(export(dir, out, "--dtype", "q4_0", "--eval-data", wrong.toString())
                        .err())
                .contains("wrong.jsonl:1: expected {\"text\"} or {\"prompt\",\"completion\"}");

        CliRun unquantized = export(dir, out, "--dtype", "f16", "--eval-data", bad.toString());
        assertThat(unquantized.exit()).isEqualTo(1);
        assertThat(unquantized.err()).contains("--eval-data").contains("q4_k_m");

        assertThat(out).doesNotExist();
        assertThat(QuantReport.pathFor(out)).doesNotExist();
    }
}
