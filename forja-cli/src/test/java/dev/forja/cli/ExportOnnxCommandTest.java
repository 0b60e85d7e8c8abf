package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.forja.export.OnnxExport;
import dev.forja.generate.SamplingConfig;
import dev.forja.generate.Scorer;
import dev.forja.generate.TextGenerator;
import dev.forja.io.FileHash;
import dev.forja.io.ProtoReader;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.CausalLM;
import dev.forja.model.Gpt2Config;
import dev.forja.model.LlamaConfig;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelLoader;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.model.bert.BertWriter;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.train.Lineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code forja export --format onnx} end to end: tiny init-models (norms and biases moved away from 1 and 0, so a
 * dropped one shows) exported and run by ONNX Runtime, whose log-probabilities must equal forja's scorer (what
 * {@code forja score} prints) within 1e-4, with and without the KV cache.
 */
class ExportOnnxCommandTest {
    private static final long[] IDS = {256, 72, 111, 108, 97, 44, 32, 109, 117, 110, 100, 111, 33, 10};
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    /** A tiny init-model whose 1-D tensors are moved away from init-model's exact 1 and 0. */
    private Path model(String arch, String... flags) {
        String[] args = new String[flags.length + 4];
        System.arraycopy(new String[] {"--arch", arch, "--seed", "1"}, 0, args, 0, 4);
        System.arraycopy(flags, 0, args, 4, flags.length);
        return CliRun.initModelAwayFromOneAndZero(tmp.resolve(arch), args);
    }

    static CliRun export(Path model, Path out, String... more) {
        String[] args = {"export", "--model", model.toString(), "--format", "onnx", "--output", out.toString()};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliRun.of(all);
    }

    private static OnnxRuntimeRun session(Path dir, ModelConfig c) throws Exception {
        long kvHeads = c.match(Gpt2Config::nHead, LlamaConfig::numKvHeads);
        long headDim = c.match(Gpt2Config::headDim, LlamaConfig::headDim);
        return new OnnxRuntimeRun(dir, c.numLayers(), kvHeads, headDim);
    }

    private static void report(String what, double delta) {
        System.out.printf(Locale.ROOT, "onnx parity %s: max |Δ| %.3g%n", what, delta);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void onnxRuntimeLogprobsEqualForjaScoreWithAndWithoutPast(String arch) throws Exception {
        Path dir = model(arch);
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        double[] forja = new Scorer(m).score(IDS, false).logprobs();

        Path plain = tmp.resolve(arch + "-onnx");
        export(dir, plain).ok();
        try (OnnxRuntimeRun ort = session(plain, m.config())) {
            assertThat(ort.session().getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask");
            double d = OnnxRuntimeRun.maxAbsDiff(OnnxRuntimeRun.nextTokenLogprobs(ort.logits(IDS), IDS), forja);
            report(arch, d);
            assertThat(d).isLessThan(TOLERANCE);
        }

        Path past = tmp.resolve(arch + "-onnx-past");
        export(dir, past, "--with-past").ok();
        try (OnnxRuntimeRun ort = session(past, m.config())) {
            // the first 5 tokens with an empty past, then one token at a time with the cache
            float[][] first = ort.step(Arrays.copyOf(IDS, 5));
            float[][] logits = Arrays.copyOf(first, IDS.length - 1);
            for (int i = 5; i < IDS.length - 1; i++) logits[i] = ort.step(new long[] {IDS[i]})[0];
            double d = OnnxRuntimeRun.maxAbsDiff(OnnxRuntimeRun.nextTokenLogprobs(logits, IDS), forja);
            report(arch + " with past", d);
            assertThat(d).isLessThan(TOLERANCE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void aLeftPaddedRowScoresAsItDoesAlone(String arch) throws Exception {
        Path dir = model(arch);
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        long[] shortIds = Arrays.copyOf(IDS, 9);
        int pad = IDS.length - shortIds.length;
        long[][] ids = {IDS, new long[IDS.length]};
        long[][] mask = {new long[IDS.length], new long[IDS.length]};
        Arrays.fill(mask[0], 1);
        System.arraycopy(shortIds, 0, ids[1], pad, shortIds.length);
        Arrays.fill(mask[1], pad, IDS.length, 1);

        Path out = tmp.resolve("onnx");
        export(dir, out).ok();
        try (OnnxRuntimeRun ort = session(out, m.config())) {
            float[][][] logits = ort.logits(ids, mask);
            double full = OnnxRuntimeRun.maxAbsDiff(
                    OnnxRuntimeRun.nextTokenLogprobs(logits[0], IDS),
                    new Scorer(m).score(IDS, false).logprobs());
            float[][] padded = Arrays.copyOfRange(logits[1], pad, IDS.length);
            double alone = OnnxRuntimeRun.maxAbsDiff(
                    OnnxRuntimeRun.nextTokenLogprobs(padded, shortIds),
                    new Scorer(m).score(shortIds, false).logprobs());
            report(arch + " left-padded batch", Math.max(full, alone));
            assertThat(full).isLessThan(TOLERANCE);
            assertThat(alone).isLessThan(TOLERANCE);
        }
    }

    @Test
    void llama3RopeScalingIsExported() throws Exception {
        Path dir = model(
                "llama",
                "--preset",
                "{\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, "
                        + "\"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 32}}");
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        assertThat(((LlamaConfig) m.config()).ropeScaling()).isNotNull();
        double[] forja = new Scorer(m).score(IDS, false).logprobs();
        Path out = tmp.resolve("onnx");
        export(dir, out).ok();
        try (OnnxRuntimeRun ort = session(out, m.config())) {
            double d = OnnxRuntimeRun.maxAbsDiff(OnnxRuntimeRun.nextTokenLogprobs(ort.logits(IDS), IDS), forja);
            report("llama3 rope scaling", d);
            assertThat(d).isLessThan(TOLERANCE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama"})
    void kvCachedGreedyDecodeInOnnxRuntimeEqualsForjaGenerate(String arch) throws Exception {
        Path dir = model(arch);
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        long[] prompt = Arrays.copyOf(IDS, 6);
        // the engine forja generate runs: TextGenerator with the cache, greedy
        long[] forja =
                new TextGenerator(m).generate(prompt, 16, SamplingConfig.greedy(), true, (gen, n) -> false, id -> {});
        Path out = tmp.resolve("onnx");
        export(dir, out, "--with-past").ok();
        try (OnnxRuntimeRun ort = session(out, m.config())) {
            assertThat(ort.greedy(prompt, 16)).containsExactly(forja);
        }

        // and forja generate itself, as text: the prompt, then the tokens up to the first end-of-sequence token
        String text = "hola mundo";
        List<Long> eos = ModelLoader.readGenerationDefaults(dir, m.config()).eosTokenIds();
        String expected;
        try (HfTokenizer tok = HfTokenizer.load(dir);
                OnnxRuntimeRun ort = session(out, m.config())) {
            long[] tokens = ort.greedy(tok.encode(text, true), 16);
            int n = 0;
            while (n < tokens.length && !eos.contains(tokens[n])) n++;
            assertThat(n).as("tokens before the first end-of-sequence").isGreaterThan(3);
            expected = text + tok.decode(Arrays.copyOf(tokens, n), true);
        }
        CliRun generate = CliRun.of(
                        "generate",
                        "--model",
                        dir.toString(),
                        "--prompt",
                        text,
                        "--max-new-tokens",
                        "16",
                        "--temperature",
                        "0")
                .ok();
        assertThat(generate.out()).isEqualTo(expected + System.lineSeparator());
    }

    @Test
    void theDirectoryHoldsTheModelConfigTokenizerAndLineage() throws Exception {
        Path dir = model("qwen2");
        Lineage.write(dir, "sha256:0123abcd", "some/base", "feedbeef");
        Path out = tmp.resolve("onnx");
        CliRun run = export(dir, out).ok();
        Path onnx = out.resolve(OnnxExport.MODEL_FILE);
        assertThat(run.err())
                .contains(String.format("%,d bytes", Files.size(onnx)))
                .contains("sha256 " + FileHash.sha256Hex(onnx));
        assertThat(out.resolve("config.json")).isRegularFile();
        assertThat(out.resolve("tokenizer.json")).hasSameTextualContentAs(dir.resolve("tokenizer.json"));
        assertThat(out.resolve("generation_config.json")).isRegularFile();
        assertThat(out.resolve("model.onnx_data")).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
        assertThat(opsetOf(onnx)).isGreaterThanOrEqualTo(17);
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        try (OnnxRuntimeRun ort = session(out, m.config())) {
            var meta = ort.session().getMetadata();
            assertThat(meta.getProducerName()).isEqualTo("forja");
            assertThat(meta.getCustomMetadata())
                    .containsEntry("forja.dataset_hash", "sha256:0123abcd")
                    .containsEntry("forja.base_model", "some/base")
                    .containsEntry("forja.base_model_sha256", "feedbeef")
                    .containsEntry("forja.model_type", "qwen2");
        }
    }

    /** The default-domain opset the file imports, read from ModelProto.opset_import (8). */
    private static long opsetOf(Path onnx) throws Exception {
        ProtoReader r = new ProtoReader(Files.readAllBytes(onnx));
        long version = -1;
        while (r.next()) {
            if (r.field() != 8) {
                r.skip();
                continue;
            }
            ProtoReader opset = r.message();
            String domain = "";
            long v = -1;
            while (opset.next()) {
                if (opset.field() == 1) domain = opset.string();
                else if (opset.field() == 2) v = opset.varint();
                else opset.skip();
            }
            if (domain.isEmpty()) version = v;
        }
        return version;
    }

    @Test
    void aMergedAdapterIsExported() throws Exception {
        Path dir = model("llama");
        Path adapter = tmp.resolve("adapter");
        MergeCommandTest.randomAdapter(dir, adapter);
        CausalLM m = ModelLoader.load(dir, ScalarType.Float);
        double[] base = new Scorer(m).score(IDS, false).logprobs();
        // the adapter applied on the fly, as forja score --adapter runs it
        LoraAdapter.load(m, adapter);
        double[] forja = new Scorer(m).score(IDS, false).logprobs();
        assertThat(OnnxRuntimeRun.maxAbsDiff(forja, base)).isGreaterThan(1e-2); // the adapter changes the output

        Path out = tmp.resolve("onnx");
        export(dir, out, "--adapter", adapter.toString()).ok();
        try (OnnxRuntimeRun ort = session(out, m.config())) {
            double d = OnnxRuntimeRun.maxAbsDiff(OnnxRuntimeRun.nextTokenLogprobs(ort.logits(IDS), IDS), forja);
            report("llama + merged adapter", d);
            assertThat(d).isLessThan(TOLERANCE);
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() throws Exception {
        Path dir = model("gpt2");
        Path out = tmp.resolve("onnx");
        export(dir, out).ok();
        long size = Files.size(out.resolve("model.onnx"));

        CliRun again = export(dir, out);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already exists").contains("--force");
        export(dir, out, "--force", "--with-past").ok();
        assertThat(Files.size(out.resolve("model.onnx"))).isNotEqualTo(size);

        Path t5 = Files.createDirectories(tmp.resolve("t5"));
        Files.writeString(t5.resolve("config.json"), "{\"model_type\": \"t5\"}");
        CliRun unsupported = export(t5, tmp.resolve("t5-onnx"));
        assertThat(unsupported.exit()).isEqualTo(1);
        assertThat(unsupported.err())
                .contains("'t5'")
                .contains("gpt2, llama, mistral, qwen2")
                .contains("bert");
        assertThat(tmp.resolve("t5-onnx")).doesNotExist();

        CliRun gguf = CliRun.of(
                "export",
                "--model",
                dir.toString(),
                "--output",
                tmp.resolve("m.gguf").toString(),
                "--with-past");
        assertThat(gguf.exit()).isEqualTo(1);
        assertThat(gguf.err()).contains("--with-past is for --format onnx");
        assertThat(tmp.resolve("m.gguf")).doesNotExist();
    }

    @Test
    void bertEncodersAndClassifiersExportWithTheirOutputs() throws Exception {
        BertConfig config = BertConfig.tiny(300);
        Map<String, Tensor> params = BertModel.initialize(config, true, 5);
        Path encoderDir = Files.createDirectories(tmp.resolve("bert"));
        BertWriter.write(encoderDir, config, params);
        BertClassifier classifier =
                BertClassifier.create(new BertModel(config, params), List.of("bajo", "alto"), false, 7);
        Path classifierDir = Files.createDirectories(tmp.resolve("classifier"));
        classifier.write(classifierDir, classifier.parameters());

        Path encoderOut = tmp.resolve("bert-onnx");
        export(encoderDir, encoderOut).ok();
        Path classifierOut = tmp.resolve("classifier-onnx");
        export(classifierDir, classifierOut).ok();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession e = env.createSession(encoderOut.resolve("model.onnx").toString());
                OrtSession c =
                        env.createSession(classifierOut.resolve("model.onnx").toString())) {
            assertThat(e.getInputNames()).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
            assertThat(e.getOutputNames()).containsExactly("last_hidden_state");
            assertThat(c.getOutputNames()).containsExactly("logits");
            assertThat(((TensorInfo) c.getOutputInfo().get("logits").getInfo()).getShape())
                    .containsExactly(-1, 2);
        }

        CliRun withPast = export(classifierDir, tmp.resolve("x"), "--with-past");
        assertThat(withPast.exit()).isEqualTo(1);
        assertThat(withPast.err()).contains("--with-past is for causal LMs");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
