package dev.forja.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.SafetensorsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.model.CausalLM;
import dev.forja.tensor.Tensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter directory on disk: PEFT's file names, tensor keys and config keys; round trips; clear refusals. */
class AdapterFilesTest {
    @TempDir
    Path tmp;

    /** The safetensors header as JSON, parsed independently of forja's reader. */
    private static JsonNode header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Json.mapper().readTree(new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<String> keys(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }

    @Test
    void gpt2AdapterFilesCarryPeftNamesShapesAndConfig() throws IOException {
        CausalLM m = TinyModels.model("gpt2", 1);
        LoraAdapter a = LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1);
        Path dir = tmp.resolve("adapter");
        a.save(dir, "gpt2");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("adapter_config.json", "adapter_model.safetensors");
        }
        JsonNode h = header(dir.resolve("adapter_model.safetensors"));
        assertThat(h.get("__metadata__").get("format").asText()).isEqualTo("pt");
        String p = "base_model.model.transformer.h.0.attn.c_attn.";
        assertThat(keys(h))
                .containsExactlyInAnyOrder(
                        "__metadata__",
                        p + "lora_A.weight",
                        p + "lora_B.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_B.weight");
        // Conv1D or not, PEFT keeps lora_A (r, in) and lora_B (out, r)
        assertThat(h.get(p + "lora_A.weight").get("dtype").asText()).isEqualTo("F32");
        assertThat(h.get(p + "lora_A.weight").get("shape").toString()).isEqualTo("[8,64]");
        assertThat(h.get(p + "lora_B.weight").get("shape").toString()).isEqualTo("[192,8]");

        JsonNode c = Json.read(dir.resolve("adapter_config.json"));
        assertThat(keys(c))
                .containsExactly(
                        "alpha_pattern",
                        "base_model_name_or_path",
                        "bias",
                        "fan_in_fan_out",
                        "inference_mode",
                        "init_lora_weights",
                        "layers_pattern",
                        "layers_to_transform",
                        "lora_alpha",
                        "lora_dropout",
                        "modules_to_save",
                        "peft_type",
                        "r",
                        "rank_pattern",
                        "revision",
                        "target_modules",
                        "task_type",
                        "use_dora",
                        "use_rslora");
        assertThat(c.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(c.get("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(c.get("r").isInt()).isTrue();
        assertThat(c.get("r").asInt()).isEqualTo(8);
        assertThat(c.get("lora_alpha").isInt()).isTrue();
        assertThat(c.get("lora_alpha").asInt()).isEqualTo(16);
        assertThat(c.get("lora_dropout").asDouble()).isEqualTo(0.05);
        assertThat(c.get("target_modules").toString()).isEqualTo("[\"c_attn\"]");
        assertThat(c.get("fan_in_fan_out").asBoolean()).isTrue();
        assertThat(c.get("bias").asText()).isEqualTo("none");
        assertThat(c.get("base_model_name_or_path").asText()).isEqualTo("gpt2");
        assertThat(c.get("inference_mode").asBoolean()).isTrue();
        assertThat(c.get("use_rslora").asBoolean()).isFalse();
        assertThat(c.get("modules_to_save").isNull()).isTrue();
        assertThat(c.get("rank_pattern").isObject()).isTrue();
    }

    @Test
    void allLinearIsSavedAsTheResolvedModuleNamesAndLlamaIsNotFanInFanOut() {
        CausalLM m = TinyModels.model("llama", 1);
        LoraAdapter.attach(m, new LoraConfig(4, 8, 0, List.of("all-linear"), true), 1)
                .save(tmp, "base");
        JsonNode c = Json.read(tmp.resolve("adapter_config.json"));
        assertThat(c.get("target_modules").toString())
                .isEqualTo("[\"q_proj\",\"k_proj\",\"v_proj\",\"o_proj\",\"gate_proj\",\"up_proj\",\"down_proj\"]");
        assertThat(c.get("fan_in_fan_out").asBoolean()).isFalse();
        assertThat(c.get("use_rslora").asBoolean()).isTrue();
    }

    @Test
    void saveThenLoadGivesIdenticalOutputs() {
        CausalLM m = TinyModels.model("llama", 2);
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(4, 12, 0.1, List.of("q_proj", "down_proj"), true), 3);
        TinyModels.randomizeB(a, 4, 0.3);
        float[] expected = TinyModels.logits(m);
        a.save(tmp, "base");

        CausalLM fresh = TinyModels.model("llama", 2);
        LoraAdapter b = LoraAdapter.load(fresh, tmp);
        assertThat(b.config()).isEqualTo(a.config());
        assertThat(b.layers().keySet()).containsExactlyElementsOf(a.layers().keySet());
        assertThat(b.trainableParameters().values()).allMatch(Tensor::requires_grad);
        assertThat(TinyModels.logits(fresh)).isEqualTo(expected);
    }

    @Test
    void loadsWhatPeftWritesIncludingHalfPrecisionAndAdapterNamedKeys() throws IOException {
        CausalLM m = TinyModels.model("llama", 5);
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(2, 4, 0, List.of("v_proj"), false), 1);
        TinyModels.randomizeB(a, 1, 0.3);
        // a PEFT-style directory by hand: fp16 tensors, one key in the raw "lora_A.default.weight" form, and the
        // extra config keys newer PEFT versions write
        List<TensorEntry> entries = new ArrayList<>();
        a.layers().forEach((p, l) -> {
            entries.add(Tensors.toEntry(
                    "base_model.model." + p + ".lora_A.default.weight",
                    l.loraA().detach().to(ScalarType.Half)));
            entries.add(Tensors.toEntry(
                    "base_model.model." + p + ".lora_B.weight",
                    l.loraB().detach().to(ScalarType.Half)));
        });
        SafetensorsWriter.write(tmp.resolve("adapter_model.safetensors"), entries, Map.of("format", "pt"));
        ObjectNode cfg = Json.mapper().createObjectNode();
        cfg.put("peft_type", "LORA")
                .put("task_type", "CAUSAL_LM")
                .put("r", 2)
                .put("lora_alpha", 4)
                .put("lora_dropout", 0.0)
                .put("bias", "none")
                .put("use_dora", false)
                .put("fan_in_fan_out", false);
        cfg.putArray("target_modules").add("v_proj");
        cfg.putObject("loftq_config");
        cfg.putNull("megatron_config");
        cfg.putNull("layer_replication");
        Json.writeAtomic(tmp.resolve("adapter_config.json"), cfg);

        CausalLM fresh = TinyModels.model("llama", 5);
        LoraAdapter b = LoraAdapter.load(fresh, tmp);
        assertThat(b.config().scaling()).isEqualTo(2.0);
        float[] want = TinyModels.logits(m);
        float[] got = TinyModels.logits(fresh);
        for (int i = 0; i < want.length; i++)
            assertThat(got[i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(2e-3f));
    }

    @Test
    void anAdapterForAnotherWidthIsRefusedClearly() {
        CausalLM m = TinyModels.model("llama", 1);
        LoraAdapter.attach(m, LoraConfig.defaults(m.config()), 1).save(tmp, "base");
        CausalLM narrow = TinyModels.model("llama", "{\"hidden_size\": 32}", 1);
        assertThatThrownBy(() -> LoraAdapter.load(narrow, tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("was trained for a different base model")
                .hasMessageContaining("model.layers.0.self_attn.q_proj")
                .hasMessageContaining("lora_A [8, 64]");
        assertThat(narrow.linears().values()).noneMatch(l -> l instanceof LoraLinear);

        CausalLM gpt2 = TinyModels.model("gpt2", 1);
        assertThatThrownBy(() -> LoraAdapter.load(gpt2, tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("was trained for a different base model")
                .hasMessageContaining("not found in this gpt2 model")
                .hasMessageContaining("c_attn, c_proj, c_fc");
    }

    @Test
    void unsupportedOrBrokenAdaptersAreRefusedByName() throws IOException {
        CausalLM m = TinyModels.model("llama", 1);
        assertThatThrownBy(() -> LoraAdapter.load(m, tmp.resolve("nope"))).hasMessageContaining("does not exist");
        Files.write(tmp.resolve("adapter_model.bin"), new byte[] {(byte) 0x80, 2});
        assertThatThrownBy(() -> LoraAdapter.load(m, tmp)).hasMessageContaining("pickle");
        Files.delete(tmp.resolve("adapter_model.bin"));

        LoraAdapter.attach(TinyModels.model("llama", 1), LoraConfig.defaults(m.config()), 1)
                .save(tmp, "base");
        Path cfg = tmp.resolve("adapter_config.json");
        ObjectNode c = (ObjectNode) Json.read(cfg);
        c.put("use_dora", true);
        Json.writeAtomic(cfg, c);
        assertThatThrownBy(() -> LoraAdapter.load(m, tmp)).hasMessageContaining("DoRA");
        c.put("use_dora", false).put("r", 4);
        Json.writeAtomic(cfg, c);
        assertThatThrownBy(() -> LoraAdapter.load(m, tmp)).hasMessageContaining("r = 4");
        c.put("r", 8).put("peft_type", "IA3");
        Json.writeAtomic(cfg, c);
        assertThatThrownBy(() -> LoraAdapter.load(m, tmp)).hasMessageContaining("LoRA adapters only");
        assertThat(m.linears().values()).noneMatch(l -> l instanceof LoraLinear);
    }

    @Test
    void aModuleWithOneFactorOnlyIsRefusedByName() {
        CausalLM m = TinyModels.model("llama", 1);
        LoraAdapter a = LoraAdapter.attach(TinyModels.model("llama", 1), LoraConfig.defaults(m.config()), 1);
        a.save(tmp, "base");
        List<TensorEntry> entries = new ArrayList<>();
        a.layers().forEach((p, l) -> {
            // the second layer's o_proj keeps its B and loses its A
            if (!p.equals("model.layers.1.self_attn.o_proj")) {
                entries.add(Tensors.toEntry(PeftKeys.loraA(p), l.loraA().detach()));
            }
            entries.add(Tensors.toEntry(PeftKeys.loraB(p), l.loraB().detach()));
        });
        SafetensorsWriter.write(tmp.resolve("adapter_model.safetensors"), entries, Map.of("format", "pt"));
        assertThatThrownBy(() -> LoraAdapter.load(m, tmp))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining("module 'model.layers.1.self_attn.o_proj' has only lora_B");
        assertThat(m.linears().values()).noneMatch(l -> l instanceof LoraLinear);
    }
}
