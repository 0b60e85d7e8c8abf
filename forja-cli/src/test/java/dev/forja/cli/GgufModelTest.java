package dev.forja.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.export.GgufImport;
import dev.forja.export.GgufTensorSpec;
import dev.forja.export.GgufTensors;
import dev.forja.io.Json;
import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufReader;
import dev.forja.io.gguf.GgufTensorInfo;
import dev.forja.io.gguf.GgufType;
import dev.forja.io.gguf.GgufValue;
import dev.forja.io.gguf.GgufWriter;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.tensor.CpuFeatures;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.train.Lineage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --model file.gguf}: a model exported by {@code forja export --format gguf} and given back to {@code score},
 * {@code generate}, {@code train} and {@code export} behaves as the model it was exported from.
 */
class GgufModelTest {
    /** ASCII, Spanish with accents, an emoji, digits: each piece of the byte-level pre-tokenizers gets exercised. */
    private static final List<String> TEXTS = List.of(
            "Hello, world! The port is 443.",
            "¿Qué puerto usa SSH? El 22, señor; año 2024: ñandú.",
            "Seguridad 🔒 primero 🙂 — ok\n\tlisto  fin");

    @TempDir
    static Path tmp;

    static Path cache;
    static Path bpe;
    static Path texts;
    private static String oldCache;

    @BeforeAll
    static void cacheAndTokenizer() throws IOException {
        oldCache = System.getProperty("forja.cache");
        cache = tmp.resolve("cache");
        System.setProperty("forja.cache", cache.toString());
        // a BPE with merges, so that rebuilding the tokenizer from GGUF is more than one id per byte
        Path corpus = tmp.resolve("corpus.txt");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) TEXTS.forEach(t -> sb.append(t).append('\n'));
        Files.writeString(corpus, sb);
        texts = tmp.resolve("texts.jsonl");
        StringBuilder lines = new StringBuilder();
        for (String t : TEXTS) lines.append(Json.line(Map.of("text", t))).append('\n');
        Files.writeString(texts, lines);
        bpe = tmp.resolve("bpe");
        CliRun.of("tokenizer", "train", "--input", corpus.toString(), "--vocab-size", "330", "--output", bpe.toString())
                .ok();
    }

    @AfterAll
    static void restoreCache() {
        if (oldCache == null) System.clearProperty("forja.cache");
        else System.setProperty("forja.cache", oldCache);
    }

    /**
     * A tiny init-model whose 1-D tensors (norms, biases) are moved away from init-model's exact 1 and 0, so a dropped
     * or misplaced norm or bias changes the scores.
     */
    private static Path model(String name, String... flags) {
        return CliRun.initModelAwayFromOneAndZero(tmp.resolve(name), flags);
    }

    private static Path export(Path model, String dtype) {
        Path out = tmp.resolve(model.getFileName() + "-" + dtype + ".gguf");
        CliRun.of(
                        "export",
                        "--model",
                        model.toString(),
                        "--format",
                        "gguf",
                        "--dtype",
                        dtype,
                        "--output",
                        out.toString(),
                        "--force")
                .ok();
        return out;
    }

    /** {@code forja score} of {@link #TEXTS}: per text, its ids and log-probabilities. */
    private static List<JsonNode> score(Path model) throws IOException {
        CliRun run = CliRun.of("score", "--model", model.toString(), "--input", texts.toString())
                .ok();
        List<JsonNode> out = new ArrayList<>();
        for (String line : run.out().strip().split("\n")) out.add(Json.mapper().readTree(line));
        return out;
    }

    /** The largest |Δ| between the log-probabilities of two scorings of the same ids; the ids must agree. */
    private static double maxLogprobDiff(List<JsonNode> a, List<JsonNode> b) {
        double max = 0;
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).get("ids"))
                    .as("ids of text " + i)
                    .isEqualTo(a.get(i).get("ids"));
            for (int j = 0; j < a.get(i).get("logprobs").size(); j++) {
                double d = a.get(i).get("logprobs").get(j).asDouble()
                        - b.get(i).get("logprobs").get(j).asDouble();
                max = Math.max(max, Math.abs(d));
            }
        }
        return max;
    }

    private static double meanLogprobDiff(List<JsonNode> a, List<JsonNode> b) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).get("logprobs").size(); j++) {
                sum += Math.abs(a.get(i).get("logprobs").get(j).asDouble()
                        - b.get(i).get("logprobs").get(j).asDouble());
                n++;
            }
        }
        return sum / n;
    }

    private static String generate(Path model) {
        return CliRun.of(
                        "generate",
                        "--model",
                        model.toString(),
                        "--prompt",
                        "¿Qué puerto",
                        "--max-new-tokens",
                        "16",
                        "--temperature",
                        "0")
                .ok()
                .out();
    }

    private static List<Path> imported() throws IOException {
        Path dir = cache.resolve("gguf");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals(".seen")).toList(); // hash shortcuts
        }
    }

    /**
     * f32 holds the weights exactly, so the import gives back the very same tensors (Llama's q/k un-permuted, GPT-2's
     * Conv1D transposed back), scores and greedy generations; the rebuilt tokenizer gives the same ids.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "llama", "qwen2"})
    void anF32ExportLoadsBackAsTheSameModel(String arch) throws IOException {
        Path dir = model("f32-" + arch, "--arch", arch, "--seed", "1", "--tokenizer", bpe.toString());
        Lineage.write(dir, "sha256:data1", "some/base", "beef");
        Path gguf = export(dir, "f32");

        Path imported = dev.forja.hub.ModelLocator.resolve(gguf.toString());
        assertThat(imported.getParent()).isEqualTo(cache.resolve("gguf"));
        CausalLM original = ModelLoader.load(dir, ScalarType.Float);
        CausalLM back = ModelLoader.load(imported, ScalarType.Float);
        // initializer_range is for fresh weights only; GGUF does not carry it
        JsonNode backConfig = back.config().toJson().without("initializer_range");
        assertThat(backConfig).isEqualTo(original.config().toJson().without("initializer_range"));
        for (var e : original.parameters().entrySet()) {
            assertThat(Tensors.toFloats(back.parameters().get(e.getKey())))
                    .as(e.getKey())
                    .containsExactly(Tensors.toFloats(e.getValue()));
        }

        // the scores are the same math on the same weights: equal to the last bit here, 2e-4 is the bound
        assertThat(maxLogprobDiff(score(dir), score(gguf))).isLessThanOrEqualTo(2e-4);
        assertThat(generate(gguf)).isEqualTo(generate(dir));

        try (HfTokenizer a = HfTokenizer.load(dir);
                HfTokenizer b = HfTokenizer.load(imported)) {
            for (String t : TEXTS) {
                assertThat(b.encode(t, true)).as(t).containsExactly(a.encode(t, true));
                assertThat(b.decode(b.encode(t, false), false)).isEqualTo(t);
            }
        }
        JsonNode source = Json.read(imported.resolve(GgufImport.SOURCE_FILE));
        assertThat(source.get("gguf_sha256").asText())
                .isEqualTo(imported.getFileName().toString())
                .isEqualTo(dev.forja.io.FileHash.sha256Hex(gguf));
        assertThat(source.get("gguf_file").asText())
                .isEqualTo(gguf.toAbsolutePath().toString());
        assertThat(Lineage.datasetHash(imported)).contains("sha256:data1");
        JsonNode tc = Json.read(imported.resolve("tokenizer_config.json"));
        assertThat(tc.get("chat_template").asText()).contains("<|im_start|>");
        assertThat(tc.get("model_max_length").asInt())
                .isEqualTo(original.config().maxPositions());
    }

    /**
     * Llama 3.1's rope scaling is in a GGUF only as the per-pair divisors of {@code rope_freqs.weight}: the import
     * recovers the scaling every Llama 3.x release uses from them, and refuses divisors it cannot explain.
     */
    @Test
    void llama31RopeScalingComesBackFromRopeFreqs() throws IOException {
        String scaling = "{\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0,"
                + " \"high_freq_factor\": %s, \"original_max_position_embeddings\": 8192}}";
        Path dir = model("rope31", "--arch", "llama", "--preset", String.format(scaling, "4.0"));
        Path gguf = export(dir, "f32");
        Path imported = dev.forja.hub.ModelLocator.resolve(gguf.toString());
        assertThat(Json.read(imported.resolve("config.json")).get("rope_scaling"))
                .isEqualTo(Json.read(dir.resolve("config.json")).get("rope_scaling"));
        assertThat(maxLogprobDiff(score(dir), score(gguf))).isLessThanOrEqualTo(2e-4);

        Path odd = export(model("rope-odd", "--arch", "llama", "--preset", String.format(scaling, "2.0")), "f32");
        assertRefused(odd, "rope_freqs.weight is not Llama 3.1's rope scaling");
    }

    /** A tokenizer in Llama 3's style (its split regex, bos prepended) round-trips through tokenizer.ggml.pre. */
    @Test
    void aLlama3StyleTokenizerIsRebuiltWithItsPreTokenizerAndBos() throws IOException {
        Path tok = tmp.resolve("llama3-tok");
        Files.createDirectories(tok);
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read(bpe.resolve("tokenizer.json"));
        var pre = json.putObject("pre_tokenizer").put("type", "Sequence");
        var steps = pre.putArray("pretokenizers");
        steps.addObject()
                .put("type", "Split")
                .put("behavior", "Isolated")
                .put("invert", false)
                .putObject("pattern")
                .put(
                        "Regex",
                        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
                                + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
        steps.addObject()
                .put("type", "ByteLevel")
                .put("add_prefix_space", false)
                .put("trim_offsets", true)
                .put("use_regex", false);
        var post = json.putObject("post_processor").put("type", "TemplateProcessing");
        post.putArray("single")
                .add(Json.mapper().readTree("{\"SpecialToken\": {\"id\": \"<|endoftext|>\", \"type_id\": 0}}"))
                .add(Json.mapper().readTree("{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}"));
        post.putArray("pair");
        post.set(
                "special_tokens",
                Json.mapper()
                        .readTree("{\"<|endoftext|>\": {\"id\": \"<|endoftext|>\", \"ids\": [256], "
                                + "\"tokens\": [\"<|endoftext|>\"]}}"));
        Json.writeAtomic(tok.resolve("tokenizer.json"), json);
        Path dir = model("llama3-tok-model", "--arch", "llama", "--tokenizer", tok.toString());
        Path gguf = export(dir, "f32");
        try (GgufReader r = GgufReader.open(gguf)) {
            assertThat(r.metadata().get("tokenizer.ggml.pre").asString()).isEqualTo("llama-bpe");
            assertThat(r.metadata().get("tokenizer.ggml.add_bos_token").asBool())
                    .isTrue();
        }
        Path imported = dev.forja.hub.ModelLocator.resolve(gguf.toString());
        try (HfTokenizer a = HfTokenizer.load(dir);
                HfTokenizer b = HfTokenizer.load(imported)) {
            for (String t : TEXTS) {
                assertThat(a.encode(t, true)[0]).isEqualTo(256);
                assertThat(b.encode(t, true)).as(t).containsExactly(a.encode(t, true));
            }
        }
        assertThat(Json.read(imported.resolve("tokenizer_config.json"))
                        .get("add_bos_token")
                        .asBoolean())
                .isTrue();
    }

    /**
     * A SentencePiece vocabulary (Llama 2's kind: pieces with scores, byte pieces, a prepended ▁) becomes a BPE
     * whose merges follow the scores and whose unknown characters fall back to bytes. Pieces, scores and the
     * expected ids are worked out by hand: merging the best-scored joined piece first, "▁hola▁mundo" becomes ▁h
     * (which beats ho), ol, ▁hol, ▁hola, then ▁m, nd, und, ▁mund, and the final o stays.
     */
    @Test
    void aSentencePieceVocabularyBecomesAByteFallbackBpe() throws IOException {
        Path dir = model("spm", "--arch", "llama", "--preset", "{\"vocab_size\": 300}");
        List<String> pieces = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3)); // unknown, control, control
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(6); // byte
        }
        String[] chars = {"▁", "h", "o", "l", "a", "m", "u", "n", "d"};
        for (String c : chars) {
            pieces.add(c);
            scores.add(-100f);
            types.add(1);
        }
        // "ho" comes before "▁h" in the vocabulary but scores below it: merging by id instead of score gives ▁ ho l a
        String[] joined = {"ho", "▁h", "ol", "▁hol", "▁hola", "▁m", "nd", "und", "▁mund"};
        float[] joinedScores = {-1.5f, -1, -2, -3, -4, -5, -6, -7, -8};
        for (int i = 0; i < joined.length; i++) {
            pieces.add(joined[i]);
            scores.add(joinedScores[i]);
            types.add(1);
        }
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) scoreArray[i] = scores.get(i);
        Path gguf = rewritten(
                export(dir, "f32"),
                "spm.gguf",
                Map.of(
                        "tokenizer.ggml.model", GgufValue.string("llama"),
                        "tokenizer.ggml.tokens", GgufValue.strings(pieces),
                        "tokenizer.ggml.scores", GgufValue.float32s(scoreArray),
                        "tokenizer.ggml.token_type",
                                GgufValue.int32s(types.stream()
                                        .mapToInt(Integer::intValue)
                                        .toArray()),
                        "tokenizer.ggml.bos_token_id", GgufValue.uint32(1),
                        "tokenizer.ggml.eos_token_id", GgufValue.uint32(2),
                        "tokenizer.ggml.unknown_token_id", GgufValue.uint32(0)),
                List.of(
                        "tokenizer.ggml.merges",
                        "tokenizer.ggml.pre",
                        "tokenizer.ggml.add_bos_token",
                        "tokenizer.ggml.padding_token_id"));

        Path imported = dev.forja.hub.ModelLocator.resolve(gguf.toString());
        int first = 3 + 256; // "▁"
        int hola = pieces.indexOf("▁hola");
        int mund = pieces.indexOf("▁mund");
        int o = pieces.indexOf("o");
        try (HfTokenizer t = HfTokenizer.load(imported)) {
            assertThat(t.encode("hola mundo", true)).containsExactly(1, hola, mund, o);
            // ñ is no piece: its UTF-8 bytes C3 B1 are
            assertThat(t.encode("hola ñ", false)).containsExactly(hola, first, 3 + 0xC3, 3 + 0xB1);
            for (String text : List.of("hola mundo", "hola ñandú 🔒 ok")) {
                assertThat(t.decode(t.encode(text, true), true)).isEqualTo(text);
            }
        }
        assertThat(score(gguf)).hasSameSizeAs(TEXTS);
    }

    /**
     * f16 and q8_0 hold rounded weights: the import gives back exactly what ggml's dequantization of each tensor gives
     * (norms and biases in F32, untouched), and the scores move by what the rounding moves them. Measured on this
     * tiny model: f16 (11 significant bits) mean |Δ logprob| 0.0017, max 0.009, bounded at twice that; q8_0 (a scale
     * per 32 weights, 8-bit steps) mean 0.048, max 0.14 dense, within the mean the export issue allows llama.cpp on a
     * q8_0 file (0.075; truncating instead of rounding gives about 0.08). {@code score} runs a q8_0 file in int8
     * (GgufQuantizedModelTest): the blocks requantized per row (mean 0.055 with bf16 activations) and each activation
     * row quantized to 8 bits as fbgemm multiplies it: mean 0.076, max 0.24, on this model whose 0.2-scale init makes
     * its log-probs far spikier than a trained model's (on a trained one int8 moves perplexity by 0.1%, README). The
     * int8 run is bounded at 0.1; the file itself is checked exactly above, and a wrong scale or a misplaced row moves
     * the mean by whole units.
     */
    @Test
    void f16AndQ8ExportsLoadAsTheirDequantizedWeights() throws IOException {
        Path dir = model("rounded-llama", "--arch", "llama", "--seed", "2", "--tokenizer", bpe.toString());
        CausalLM original = ModelLoader.load(dir, ScalarType.Float);
        List<JsonNode> expected = score(dir);
        for (String dtype : List.of("f16", "q8_0")) {
            Path gguf = export(dir, dtype);
            assertLoadsAsDequantized(original, gguf, dtype);
            List<JsonNode> scores = score(gguf);
            double mean = meanLogprobDiff(expected, scores);
            double max = maxLogprobDiff(expected, scores);
            System.err.printf("%s round trip: mean |Δ logprob| %.4f, max %.4f%n", dtype, mean, max);
            if (dtype.equals("f16")) {
                assertThat(max).isLessThanOrEqualTo(0.02);
            } else {
                // int8 x int8 products: 7-bit activations on CPUs without VNNI (Int8DynamicLinear), twice the step
                assertThat(mean).isLessThanOrEqualTo(CpuFeatures.hasVnni() ? 0.1 : 0.2);
            }
        }
    }

    /**
     * A q4_k_m export of a model 256 wide (so its rows fill Q4_K's 256-value super-blocks) loads back as its Q4_K and
     * Q6_K blocks decode, tensor by tensor.
     */
    @Test
    void q4KmExportLoadsAsItsDequantizedWeights() throws IOException {
        Path dir = model(
                "wide-llama",
                "--arch",
                "llama",
                "--seed",
                "2",
                "--preset",
                "{\"hidden_size\": 256, \"intermediate_size\": 512, \"num_attention_heads\": 4, "
                        + "\"num_key_value_heads\": 2}");
        CausalLM original = ModelLoader.load(dir, ScalarType.Float);
        Path gguf = export(dir, "q4_k_m");
        java.util.Set<GgufType> types = new java.util.HashSet<>();
        try (GgufReader r = GgufReader.open(gguf)) {
            r.tensors().forEach(t -> types.add(t.type()));
        }
        assertThat(types).contains(GgufType.Q4_K, GgufType.Q6_K);
        assertLoadsAsDequantized(original, gguf, "q4_k_m");
    }

    /** Every weight of the model {@code gguf} imports equals the original's as the file's type rounds it. */
    private static void assertLoadsAsDequantized(CausalLM original, Path gguf, String dtype) {
        CausalLM back = ModelLoader.load(dev.forja.hub.ModelLocator.resolve(gguf.toString()), ScalarType.Float);
        try (GgufReader r = GgufReader.open(gguf)) {
            for (GgufTensorSpec s : GgufTensors.of(original)) {
                String hf = hfName(original, s.ggufName());
                float[] rounded = GgmlQuant.roundTrip(
                        r.tensor(s.ggufName()).type(),
                        Tensors.toFloats(original.parameters().get(hf)));
                assertThat(Tensors.toFloats(back.parameters().get(hf)))
                        .as(dtype + " " + hf)
                        .containsExactly(rounded);
            }
        }
    }

    /** The Hugging Face name of GGUF tensor {@code gguf} of {@code model}. */
    private static String hfName(CausalLM model, String gguf) {
        List<GgufTensorSpec> specs = GgufTensors.of(model);
        List<String> names = List.copyOf(model.parameters().keySet());
        return names.get(specs.stream().map(GgufTensorSpec::ggufName).toList().indexOf(gguf));
    }

    /** vocab_size 300 for a 259-token tokenizer: the embedding keeps its 300 rows, the [PAD] tokens stay out. */
    @Test
    void aVocabularyPaddedToTheEmbeddingRoundTrips() throws IOException {
        Path dir = model("padded", "--arch", "qwen2", "--preset", "{\"vocab_size\": 300}");
        Path gguf = export(dir, "f32");
        Path imported = dev.forja.hub.ModelLocator.resolve(gguf.toString());
        assertThat(ModelLoader.readConfig(imported).vocabSize()).isEqualTo(300);
        try (HfTokenizer t = HfTokenizer.load(imported)) {
            assertThat(t.vocabSize()).isEqualTo(259);
        }
        assertThat(maxLogprobDiff(score(dir), score(gguf))).isLessThanOrEqualTo(2e-4);
    }

    @Test
    void trainAndExportStartFromAGguf() throws IOException {
        Path dir = model("trained", "--arch", "llama", "--seed", "3");
        Path gguf = export(dir, "q8_0");
        Path data = tmp.resolve("train.jsonl");
        Files.writeString(
                data,
                "{\"prompt\": \"¿Qué puerto usa SSH?\", \"completion\": \" El 22.\"}\n"
                        + "{\"prompt\": \"¿Qué es XSS?\", \"completion\": \" Script inyectado.\"}\n");
        Path run = tmp.resolve("run-from-gguf");
        CliRun.of(
                        "train",
                        "--model",
                        gguf.toString(),
                        "--data",
                        data.toString(),
                        "--output",
                        run.toString(),
                        "--max-steps",
                        "2",
                        "--batch-size",
                        "2",
                        "--precision",
                        "fp32",
                        "--threads",
                        "1")
                .ok();
        assertThat(run.resolve("final/adapter_model.safetensors")).isRegularFile();
        CliRun.of(
                        "score",
                        "--model",
                        gguf.toString(),
                        "--adapter",
                        run.resolve("final").toString(),
                        "--input",
                        texts.toString())
                .ok();

        Path again = tmp.resolve("again.gguf");
        CliRun.of(
                        "export",
                        "--model",
                        gguf.toString(),
                        "--format",
                        "gguf",
                        "--dtype",
                        "f32",
                        "--output",
                        again.toString())
                .ok();
        try (GgufReader a = GgufReader.open(gguf);
                GgufReader b = GgufReader.open(again)) {
            for (GgufTensorInfo t : a.tensors()) {
                assertThat(b.floats(t.name())).as(t.name()).containsExactly(a.floats(t.name()));
            }
            // named as the file it came from, not as forja's cache directory
            assertThat(b.metadata().get("general.name").asString())
                    .isEqualTo(a.metadata().get("general.name").asString());
        }
    }

    /**
     * The import is named by the file's content: a copy elsewhere reuses it, and new content at the same path (a model
     * downloaded again, re-quantized) is imported anew, never answered with the old directory.
     */
    @Test
    void theImportFollowsTheFilesContentNotItsPath() throws IOException {
        Path a = export(model("content-a", "--arch", "qwen2", "--seed", "7"), "f32");
        Path b = export(model("content-b", "--arch", "qwen2", "--seed", "8"), "f32");
        Path place = tmp.resolve("place.gguf");
        Files.copy(a, place);
        Path first = dev.forja.hub.ModelLocator.resolve(place.toString());
        assertThat(dev.forja.hub.ModelLocator.resolve(a.toString())).isEqualTo(first);
        assertThat(dev.forja.hub.ModelLocator.resolve(place.toString())).isEqualTo(first);

        Files.copy(b, place, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path second = dev.forja.hub.ModelLocator.resolve(place.toString());
        assertThat(second).isNotEqualTo(first).isEqualTo(dev.forja.hub.ModelLocator.resolve(b.toString()));
        assertThat(maxLogprobDiff(score(place), score(b))).isZero();
    }

    /** Each bad file is refused with what is wrong, and nothing is left in the cache. */
    @Test
    void badFilesAreRefusedAndLeaveNothingInTheCache() throws IOException {
        Path good = export(model("bad-base", "--arch", "llama"), "f32");
        List<Path> before = imported();

        Path foreign = Files.writeString(tmp.resolve("notes.gguf"), "these are my notes, not a model");
        assertRefused(foreign, "not a GGUF file");

        Path truncated = tmp.resolve("truncated.gguf");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertRefused(truncated, "truncated");

        Path falcon = rewritten(good, "falcon.gguf", Map.of("general.architecture", GgufValue.string("falcon")));
        assertRefused(falcon, "'falcon' is not supported", "gpt2, llama (also Mistral), qwen2");

        Path adapter = rewritten(good, "adapter.gguf", Map.of("general.type", GgufValue.string("adapter")));
        assertRefused(adapter, "is a LoRA adapter GGUF", "give --model the base model");

        Path bert = rewritten(good, "bert.gguf", Map.of("tokenizer.ggml.model", GgufValue.string("bert")));
        assertRefused(bert, "tokenizer.ggml.model = 'bert'", "'gpt2'", "'llama'");

        Path pre = rewritten(good, "pre.gguf", Map.of("tokenizer.ggml.pre", GgufValue.string("deepseek-llm")));
        assertRefused(pre, "'deepseek-llm'", "gpt-2, llama-bpe, qwen2");

        Path q5 = withTensorType(good, "q5.gguf", "token_embd.weight", 13); // GGML_TYPE_Q5_K, which forja does not read
        assertRefused(q5, "token_embd.weight", "unsupported ggml tensor type 13");

        assertThat(imported()).isEqualTo(before);
    }

    private static void assertRefused(Path gguf, String... messages) throws IOException {
        CliRun run = CliRun.of("score", "--model", gguf.toString(), "--input", texts.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains(gguf.getFileName().toString()).contains(messages);
    }

    /** A copy of {@code src} with some metadata changed or added. */
    private static Path rewritten(Path src, String name, Map<String, GgufValue> changes) {
        return rewritten(src, name, changes, List.of());
    }

    /** A copy of {@code src} with some metadata changed or added and the keys {@code removed} left out. */
    private static Path rewritten(Path src, String name, Map<String, GgufValue> changes, List<String> removed) {
        Path out = tmp.resolve(name);
        try (GgufReader r = GgufReader.open(src)) {
            GgufWriter w = new GgufWriter();
            r.metadata().forEach((k, v) -> {
                if (!removed.contains(k) && !changes.containsKey(k)) w.put(k, v);
            });
            changes.forEach(w::put);
            r.tensors().forEach(t -> w.addTensor(t.name(), t.shape(), t.type()));
            w.write(out, (info, sink) -> sink.write(r.data(info.name())));
        }
        return out;
    }

    /** A copy of {@code src} whose tensor {@code tensor} claims ggml type {@code typeId} in its header entry. */
    private static Path withTensorType(Path src, String name, String tensor, int typeId) throws IOException {
        Path out = Files.copy(src, tmp.resolve(name));
        byte[] bytes = Files.readAllBytes(out);
        byte[] key = tensor.getBytes(StandardCharsets.UTF_8);
        int at = -1;
        for (int i = 0; i + key.length <= bytes.length && at < 0; i++) {
            if (java.util.Arrays.equals(bytes, i, i + key.length, key, 0, key.length) && i >= 8) {
                long len = ByteBuffer.wrap(bytes, i - 8, 8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong();
                if (len == key.length) at = i + key.length; // a tensor info: its name, then n_dims, dims, type
            }
        }
        assertThat(at).as("tensor info of " + tensor).isPositive();
        int nDims = ByteBuffer.wrap(bytes, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
            ByteBuffer type =
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, typeId);
            ch.write(type, at + 4 + 8L * nDims);
        }
        return out;
    }
}
