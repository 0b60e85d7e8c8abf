package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forja.io.gguf.GgufReader;
import dev.forja.io.gguf.GgufTensorInfo;
import dev.forja.io.gguf.GgufType;
import dev.forja.lora.LoraAdapter;
import dev.forja.lora.LoraConfig;
import dev.forja.lora.LoraLinear;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.train.Fingerprints;
import dev.forja.train.Lineage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forja export --adapter-only}: a GGUF LoRA adapter, the Ollama Modelfile, and the base-model check. */
class ExportAdapterCommandTest {
    @TempDir
    Path tmp;

    private static CliRun export(Path model, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(
                List.of("export", "--model", model.toString(), "--format", "gguf", "--output", out.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** A random rank-4 adapter on every linear layer, with rsLoRA when asked (so alpha / r is not PEFT's plain one). */
    private static void adapter(Path base, Path dir, boolean rslora) {
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        LoraAdapter a = LoraAdapter.attach(m, new LoraConfig(4, 8, 0, List.of("all-linear"), rslora), 1);
        torch.manual_seed(2);
        try (NoGradGuard ng = new NoGradGuard()) {
            for (LoraLinear l : a.layers().values()) {
                l.loraB().copy_(torch.randn(l.loraB().sizes().vec().get()).mul(new Scalar(0.2)));
            }
        }
        a.save(dir, base.toString());
    }

    /**
     * The adapter file holds, for every weight of the base file, lora_a (r, in) and lora_b (out, r) such that
     * base + alpha / r · B A, computed from the two GGUF files alone as llama.cpp computes it, is the merged export.
     */
    private void adapterFileAppliesToTheBaseFileAsTheMergedExport(String arch, boolean rslora) throws IOException {
        Path base = CliRun.initModel(tmp.resolve(arch), "--arch", arch);
        Path adapter = tmp.resolve(arch + "-adapter");
        adapter(base, adapter, rslora);
        Path baseGguf = tmp.resolve(arch + "-base.gguf");
        Path merged = tmp.resolve(arch + "-merged.gguf");
        Path adapterGguf = tmp.resolve(arch + "-adapter.gguf");
        export(base, baseGguf, "--dtype", "f32").ok();
        export(base, merged, "--dtype", "f32", "--adapter", adapter.toString()).ok();
        CliRun run = export(
                        base,
                        adapterGguf,
                        "--dtype",
                        "f32",
                        "--adapter",
                        adapter.toString(),
                        "--adapter-only",
                        "--base-gguf",
                        baseGguf.toString())
                .ok();
        assertThat(run.err()).contains("rank 4");

        try (GgufReader b = GgufReader.open(baseGguf);
                GgufReader m = GgufReader.open(merged);
                GgufReader a = GgufReader.open(adapterGguf)) {
            var meta = a.metadata();
            assertThat(meta.get("general.type").asString()).isEqualTo("adapter");
            assertThat(meta.get("adapter.type").asString()).isEqualTo("lora");
            assertThat(meta.get("general.architecture").asString())
                    .isEqualTo(b.metadata().get("general.architecture").asString());
            double alpha = meta.get("adapter.lora.alpha").asDouble();
            assertThat(alpha).isCloseTo(rslora ? 8 / Math.sqrt(4) * 4 : 8, org.assertj.core.data.Offset.offset(1e-5));
            int adapted = 0;
            for (GgufTensorInfo t : b.tensors()) {
                String name = t.name();
                if (a.metadata().containsKey(name) || !hasTensor(a, name + ".lora_a")) continue;
                adapted++;
                GgufTensorInfo la = a.tensor(name + ".lora_a");
                GgufTensorInfo lb = a.tensor(name + ".lora_b");
                long[] w = t.shape(); // (out, in)
                assertThat(la.shape()).containsExactly(4, w[1]);
                assertThat(lb.shape()).containsExactly(w[0], 4);
                assertThat(la.type()).isEqualTo(GgufType.F32);
                float[] expected = m.floats(name);
                float[] weight = b.floats(name);
                float[] av = a.floats(name + ".lora_a");
                float[] bv = a.floats(name + ".lora_b");
                double scale = alpha / 4;
                double worst = 0;
                for (int o = 0; o < w[0]; o++) {
                    for (int i = 0; i < w[1]; i++) {
                        double d = 0;
                        for (int k = 0; k < 4; k++) d += bv[o * 4 + k] * (double) av[k * (int) w[1] + i];
                        double got = weight[(int) (o * w[1] + i)] + scale * d;
                        worst = Math.max(worst, Math.abs(got - expected[(int) (o * w[1] + i)]));
                    }
                }
                assertThat(worst).as(name).isLessThan(1e-5);
            }
            // every linear layer of every block: 4 attention + 3 MLP for Llama/Qwen2, qkv + proj + fc + proj for GPT-2
            int blocks = (int) b.metadata().get(arch + ".block_count").asLong();
            assertThat(adapted).isEqualTo(blocks * (arch.equals("gpt2") ? 4 : 7));
        }
        // the Modelfile beside it applies the adapter on top of the base GGUF
        String modelfile = Files.readString(tmp.resolve(arch + "-adapter.Modelfile"));
        assertThat(modelfile).contains("FROM ./" + arch + "-base.gguf\n", "ADAPTER ./" + arch + "-adapter.gguf\n");
    }

    private static boolean hasTensor(GgufReader r, String name) {
        return r.tensors().stream().anyMatch(t -> t.name().equals(name));
    }

    @Test
    void llamaAdapterPermutesItsQueryAndKeyRowsAsTheBaseFileDoes() throws IOException {
        adapterFileAppliesToTheBaseFileAsTheMergedExport("llama", false);
    }

    @Test
    void qwen2AdapterWithRsLora() throws IOException {
        adapterFileAppliesToTheBaseFileAsTheMergedExport("qwen2", true);
    }

    @Test
    void gpt2AdapterOnTheFusedQkv() throws IOException {
        adapterFileAppliesToTheBaseFileAsTheMergedExport("gpt2", false);
    }

    @Test
    void everyGgufGetsAModelfileWithTheChatTemplateInOllamasSyntax() throws IOException {
        // init-model's default tokenizer carries a ChatML template
        Path base = CliRun.initModel(tmp.resolve("m"), "--arch", "llama");
        Path out = tmp.resolve("out/my-model.gguf");
        Files.createDirectories(out.getParent());
        export(base, out).ok();
        String modelfile = Files.readString(tmp.resolve("out/my-model.Modelfile"));
        assertThat(modelfile)
                .contains("FROM ./my-model.gguf\n")
                .contains("TEMPLATE \"\"\"{{- range .Messages }}<|im_start|>")
                .contains("PARAMETER stop \"<|im_end|>\"")
                .doesNotContain("ADAPTER");
        // the Modelfile is an output too: kept without --force
        Files.delete(out);
        CliRun refused = export(base, out);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("my-model.Modelfile already exists", "--force");
        assertThat(out).doesNotExist();
    }

    @Test
    void anAdapterTrainedOnAnotherBaseIsRefused() throws IOException {
        Path base = CliRun.initModel(tmp.resolve("base"), "--arch", "llama", "--seed", "1");
        Path other = CliRun.initModel(tmp.resolve("other"), "--arch", "llama", "--seed", "2");
        Path adapter = tmp.resolve("adapter");
        adapter(base, adapter, false);
        Lineage.write(adapter, "sha256:data", base.toString(), Fingerprints.modelDir(base));
        for (String only : List.of("--adapter-only", "--force")) {
            Path out = tmp.resolve("x" + only + ".gguf");
            CliRun run = export(other, out, "--adapter", adapter.toString(), only);
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("was trained on " + base, "holds other weights", "--model");
            assertThat(out).doesNotExist();
            assertThat(OllamaModelfileOf(out)).doesNotExist();
        }
        export(base, tmp.resolve("ok.gguf"), "--adapter", adapter.toString(), "--adapter-only")
                .ok();
    }

    @Test
    void adapterOnlyNeedsAnAdapter() {
        Path base = CliRun.initModel(tmp.resolve("m"), "--arch", "llama");
        CliRun run = export(base, tmp.resolve("x.gguf"), "--adapter-only");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("--adapter-only needs --adapter");
        CliRun base2 = export(base, tmp.resolve("y.gguf"), "--base-gguf", "b.gguf");
        assertThat(base2.exit()).isEqualTo(1);
        assertThat(base2.err()).contains("--base-gguf goes with --adapter-only");
        for (String[] onnxArgs : List.of(new String[] {"--adapter-only"}, new String[] {"--dtype", "q8_0"})) {
            List<String> args = new java.util.ArrayList<>(List.of(
                    "export",
                    "--model",
                    base.toString(),
                    "--format",
                    "onnx",
                    "--output",
                    tmp.resolve("o").toString()));
            args.addAll(List.of(onnxArgs));
            CliRun onnx = CliRun.of(args.toArray(String[]::new));
            assertThat(onnx.exit()).isEqualTo(1);
            assertThat(onnx.err()).containsAnyOf("are for --format gguf", "writes float32 weights");
            assertThat(tmp.resolve("o")).doesNotExist();
        }
    }

    private static Path OllamaModelfileOf(Path gguf) {
        return dev.forja.export.OllamaModelfile.besides(gguf);
    }
}
