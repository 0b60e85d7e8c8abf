package dev.forja.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.model.Architectures;
import dev.forja.model.CausalLM;
import dev.forja.model.GenerationDefaults;
import dev.forja.model.LlamaConfig;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.ModelLoader;
import dev.forja.model.ModelWriter;
import dev.forja.model.Presets;
import dev.forja.nn.Rope;
import dev.forja.tensor.NativeScope;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NativeScope.class)
class GgufTensorsTest {

    private static Map<String, Tensor> params(ModelConfig c) {
        return ModelInitializer.initialize(c, 1);
    }

    private static Map<String, GgufTensorSpec> byName(List<GgufTensorSpec> specs) {
        Map<String, GgufTensorSpec> m = new LinkedHashMap<>();
        specs.forEach(s -> m.put(s.ggufName(), s));
        assertThat(m).hasSize(specs.size()); // no GGUF name twice
        return m;
    }

    @Test
    void gpt2MapsEveryParameterOnceAndAddsTheTiedHead() {
        ModelConfig c = Presets.of("gpt2", "tiny", 259, 256, 256); // C 64, F 256, 2 layers, P 512
        Map<String, Tensor> params = params(c);
        Map<String, GgufTensorSpec> t = byName(GgufTensors.of(c, params));

        assertThat(t).hasSize(params.size() + 1);
        Set<String> block = Set.of(
                "attn_norm.weight",
                "attn_norm.bias",
                "attn_qkv.weight",
                "attn_qkv.bias",
                "attn_output.weight",
                "attn_output.bias",
                "ffn_norm.weight",
                "ffn_norm.bias",
                "ffn_up.weight",
                "ffn_up.bias",
                "ffn_down.weight",
                "ffn_down.bias");
        Set<String> expected = new java.util.HashSet<>(Set.of(
                "token_embd.weight",
                "position_embd.weight",
                "output_norm.weight",
                "output_norm.bias",
                "output.weight"));
        for (int i = 0; i < 2; i++) {
            for (String b : block) expected.add("blk." + i + "." + b);
        }
        assertThat(t.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(t.get("blk.1.attn_qkv.weight").shape()).containsExactly(3 * 64, 64);
        assertThat(t.get("blk.1.ffn_up.weight").shape()).containsExactly(256, 64);
        assertThat(t.get("blk.1.ffn_down.weight").shape()).containsExactly(64, 256);
        assertThat(t.get("position_embd.weight").shape()).containsExactly(512, 64);
        assertThat(t.get("output.weight").values())
                .containsExactly(t.get("token_embd.weight").values());
        assertThat(t.values().stream().filter(GgufTensorSpec::keepF32).map(GgufTensorSpec::ggufName))
                .allMatch(n -> n.endsWith(".bias") || n.endsWith("_norm.weight") || n.equals("position_embd.weight"))
                .contains("blk.0.attn_qkv.bias", "output_norm.weight", "position_embd.weight");
        assertThat(t.get("blk.0.attn_qkv.weight").keepF32()).isFalse();
        assertThat(t.get("token_embd.weight").keepF32()).isFalse();
    }

    @Test
    void gpt2Conv1dWeightsLeaveAsOutByIn(@TempDir Path dir) {
        ModelConfig c = Presets.of("gpt2", "tiny", 259, 256, 256);
        Map<String, Tensor> init = params(c);
        ModelWriter.write(dir, c, init, GenerationDefaults.of(c), ScalarType.Float);
        // the checkpoint stores Conv1D as (in, out)
        Tensor stored = Tensors.readAll(dir.resolve("model.safetensors")).get("transformer.h.0.attn.c_attn.weight");
        assertThat(Tensors.shape(stored)).containsExactly(64, 3 * 64);

        CausalLM loaded = ModelLoader.load(dir, ScalarType.Float);
        GgufTensorSpec qkv = byName(GgufTensors.of(loaded)).get("blk.0.attn_qkv.weight");
        assertThat(qkv.shape()).containsExactly(3 * 64, 64);
        assertThat(qkv.values()).containsExactly(Tensors.toFloats(stored.t().contiguous()));
    }

    @Test
    void llamaPermutesQAndKRowsPerHeadAndWritesAnUntiedHead() {
        LlamaConfig c = (LlamaConfig) Presets.of("llama", "tiny", 259, 256, 256); // 4 heads, 2 kv heads, D 16
        assertThat(c.tieWordEmbeddings()).isFalse();
        Map<String, Tensor> params = params(c);
        Map<String, GgufTensorSpec> t = byName(GgufTensors.of(c, params));

        assertThat(t).hasSize(params.size());
        assertThat(t).containsKeys("token_embd.weight", "output_norm.weight", "output.weight", "blk.1.ffn_gate.weight");
        Tensor q = params.get("model.layers.1.self_attn.q_proj.weight");
        Tensor k = params.get("model.layers.1.self_attn.k_proj.weight");
        assertThat(t.get("blk.1.attn_q.weight").values())
                .containsExactly(Tensors.toFloats(RopePermutation.toGgml(q, 4)))
                .isNotEqualTo(Tensors.toFloats(q));
        assertThat(t.get("blk.1.attn_k.weight").shape()).containsExactly(2 * 16, 64);
        assertThat(t.get("blk.1.attn_k.weight").values())
                .containsExactly(Tensors.toFloats(RopePermutation.toGgml(k, 2)));
        assertThat(t.get("blk.1.attn_v.weight").values())
                .containsExactly(Tensors.toFloats(params.get("model.layers.1.self_attn.v_proj.weight")));
        assertThat(t.get("blk.0.attn_norm.weight").keepF32()).isTrue();
        assertThat(t.get("blk.0.ffn_down.weight").shape()).containsExactly(64, 176);
    }

    @Test
    void qwen2KeepsHuggingFaceRowOrderAndItsBiasesAndATiedHeadWritesNoOutput() {
        ModelConfig c = Presets.of("qwen2", "{\"tie_word_embeddings\": true}", 259, 256, 256);
        Map<String, Tensor> params = params(c);
        Map<String, GgufTensorSpec> t = byName(GgufTensors.of(c, params));

        assertThat(GgufTensors.architecture(c)).isEqualTo("qwen2");
        assertThat(t).hasSize(params.size()).doesNotContainKey("output.weight");
        assertThat(t.get("blk.0.attn_q.bias").keepF32()).isTrue();
        assertThat(t.get("blk.0.attn_q.weight").values())
                .containsExactly(Tensors.toFloats(params.get("model.layers.0.self_attn.q_proj.weight")));
        assertThat(t.keySet().stream().filter(n -> n.endsWith(".bias")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "blk.0.attn_q.bias",
                        "blk.0.attn_k.bias",
                        "blk.0.attn_v.bias",
                        "blk.1.attn_q.bias",
                        "blk.1.attn_k.bias",
                        "blk.1.attn_v.bias");
    }

    @Test
    void aQwen2WhoseHeadsDoNotSpanItsWidthIsRefusedAsLlamaCppWouldRefuseIt() {
        // tiny's head_dim 16 x 4 heads = 64, not 256: llama.cpp's qwen2 expects attn_q of 256 x 256
        ModelConfig c = Presets.of("qwen2", "{\"hidden_size\": 256, \"intermediate_size\": 512}", 259, 256, 256);
        assertThatThrownBy(() -> GgufTensors.of(c, params(c)))
                .hasMessageContaining("num_attention_heads x head_dim = hidden_size")
                .hasMessageContaining("4 x 16 = 64 for hidden_size 256");
        ModelConfig llama = Presets.of("llama", "{\"hidden_size\": 256, \"intermediate_size\": 512}", 259, 256, 256);
        assertThat(GgufTensors.of(llama, params(llama))).isNotEmpty(); // llama.cpp's llama reads key_length
    }

    @Test
    void mistralIsExportedAsLlama() {
        ModelConfig c = Presets.of("llama", "{\"model_type\": \"mistral\"}", 259, 256, 256);
        assertThat(GgufTensors.architecture(c)).isEqualTo("llama");
    }

    @Test
    void llama3ScalingAddsRopeFactors() {
        Rope.Llama3Scaling s = new Rope.Llama3Scaling(8, 1, 4, 8192);
        float[] f = LlamaGguf.llama3RopeFactors(s, 500000, 64);
        assertThat(f).hasSize(32);
        assertThat(f[0]).isEqualTo(1f); // wavelength 2π: far shorter than 8192 / 4, kept
        assertThat(f[31]).isEqualTo(8f); // wavelength ~1.2M: longer than 8192, slowed by the factor
        assertThat(f[20]).isBetween(1f, 8f);

        ModelConfig c = Presets.of(
                "llama",
                "{\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8, \"low_freq_factor\": 1,"
                        + " \"high_freq_factor\": 4, \"original_max_position_embeddings\": 64}}",
                259,
                256,
                256);
        GgufTensorSpec freqs = byName(GgufTensors.of(c, params(c))).get("rope_freqs.weight");
        assertThat(freqs.shape()).containsExactly(8);
        assertThat(freqs.keepF32()).isTrue();
    }

    @Test
    void aParameterWithoutAGgufNameIsAnErrorNotADrop() {
        ModelConfig c = Presets.of("llama", "tiny", 259, 256, 256);
        Map<String, Tensor> params = new LinkedHashMap<>(params(c));
        params.put("model.layers.0.self_attn.rotary_emb.inv_freq", Tensors.ofFloats(new float[8], 8));
        assertThatThrownBy(() -> GgufTensors.of(c, params))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("rotary_emb.inv_freq");
    }

    @Test
    void everyArchitectureNameTableRowHasAGgufName() {
        for (String arch : List.of("gpt2", "llama", "qwen2")) {
            ModelConfig c = Presets.of(arch, "tiny", 259, 256, 256);
            for (var spec : Architectures.specs(c)) {
                java.util.Optional<String> gguf =
                        c.match(g -> Gpt2Gguf.name(spec.name()), l -> LlamaGguf.name(spec.name()));
                assertThat(gguf).as(spec.name()).isPresent();
            }
        }
    }
}
