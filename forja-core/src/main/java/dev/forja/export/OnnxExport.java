package dev.forja.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.FileHash;
import dev.forja.io.Json;
import dev.forja.io.onnx.OnnxWriter;
import dev.forja.lora.AdapterBase;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelLoader;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertDirectory;
import dev.forja.model.bert.BertLoader;
import dev.forja.train.Lineage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Writes a model as an ONNX Runtime-ready directory: {@code model.onnx} (opset 17, plus {@code model.onnx_data} past
 * 2 GB), {@code config.json}, the tokenizer files and {@code generation_config.json} when the source has them. The
 * directory appears whole or not at all.
 *
 * <p>The model's {@code metadata_props} carry the lineage that GGUF exports carry ({@link Lineage#read}) under
 * {@code forja.}: {@code forja.dataset_hash}, {@code forja.base_model}, {@code forja.base_model_sha256}; and
 * {@code forja.model_type}.
 *
 * <p>Example: {@code OnnxExport.causalLm(model.config(), model.parameters(), dir, dir, Path.of("onnx"), true, false)}
 */
public final class OnnxExport {
    public static final String MODEL_FILE = "model.onnx";

    /** The default-domain opset the graphs use: LayerNormalization needs 17. */
    public static final long OPSET = 17;

    /** Prefix of forja's keys in {@code metadata_props}. */
    public static final String METADATA_PREFIX = "forja.";

    /** The causal LM {@code model_type}s the ONNX export builds graphs for. */
    static final List<String> CAUSAL = List.of("gpt2", "llama", "mistral", "qwen2");

    /** Files copied from the model directory when present. */
    static final List<String> COPIED = List.of(
            "config.json",
            "generation_config.json",
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "vocab.json",
            "merges.txt",
            "vocab.txt",
            "added_tokens.json");

    private OnnxExport() {}

    /** What was written: the directory, its model file, the model's bytes (with external data) and their sha256. */
    public record Result(Path dir, Path model, long bytes, boolean externalData, String sha256) {}

    /**
     * Writes the causal LM with {@code config} and {@code params} (Hugging Face names, merged adapter included) to the
     * directory {@code output}; files are copied from {@code modelDir}, the lineage read from {@code lineageDir}.
     *
     * @param replace whether an existing {@code output} is replaced; else it must be absent or empty
     */
    public static Result causalLm(
            ModelConfig config,
            Map<String, Tensor> params,
            Path modelDir,
            Path lineageDir,
            Path output,
            boolean withPast,
            boolean replace) {
        return write(
                CausalLmOnnx.graph(config, params, withPast),
                config.modelType(),
                modelDir,
                lineageDir,
                output,
                replace,
                OnnxWriter.EXTERNAL_THRESHOLD,
                config.toJson());
    }

    /**
     * Writes {@code graph} and the files beside it to the directory {@code output}; initializers past
     * {@code externalThreshold} bytes go to external data; {@code config} (may be null) is written as config.json when
     * {@code modelDir} has none.
     */
    public static Result write(
            OnnxWriter.Graph graph,
            String modelType,
            Path modelDir,
            Path lineageDir,
            Path output,
            boolean replace,
            long externalThreshold,
            JsonNode config) {
        Map<String, String> meta = new LinkedHashMap<>();
        Lineage.read(lineageDir).forEach((k, v) -> meta.put(METADATA_PREFIX + k, v));
        meta.put(METADATA_PREFIX + "model_type", modelType);
        OnnxWriter.Result[] written = new OnnxWriter.Result[1];
        AtomicDirectory.Body body = dir -> {
            Files.createDirectories(dir);
            written[0] = OnnxWriter.write(dir.resolve(MODEL_FILE), graph, meta, OPSET, externalThreshold);
            for (String name : COPIED) {
                Path f = modelDir.resolve(name);
                if (Files.isRegularFile(f)) Files.copy(f, dir.resolve(name));
            }
            // a model read from elsewhere than a Hugging Face directory still gets one
            if (config != null && !Files.exists(dir.resolve("config.json"))) {
                Json.writeAtomic(dir.resolve("config.json"), config);
            }
            if (lineageDir != null) Lineage.copy(lineageDir, dir);
        };
        if (replace) {
            AtomicDirectory.replace(output, body);
        } else {
            AtomicDirectory.write(output, body);
        }
        Path model = output.resolve(MODEL_FILE);
        return new Result(
                output, model, written[0].bytes(), written[0].externalData() != null, FileHash.sha256Hex(model));
    }

    /**
     * Exports the model directory {@code base}: a causal LM (with {@code adapter} merged when given) or a BERT encoder
     * or classifier, chosen by config.json's {@code model_type}.
     *
     * @param modelArg what the user named the model (an adapter recorded against another base is warned about)
     */
    public static Result export(
            Path base,
            Path adapter,
            String modelArg,
            Path lineageDir,
            Path output,
            boolean withPast,
            boolean replace,
            PrintStream log) {
        Path configFile = base.resolve("config.json");
        String type = Files.isRegularFile(configFile)
                ? Json.read(configFile).path("model_type").asText("")
                : "";
        if (type.equals("bert")) {
            if (adapter != null) {
                throw new ForjaException(
                        "--adapter is for causal LMs; export a classifier through its final/ directory");
            }
            if (withPast) throw new ForjaException("--with-past is for causal LMs; BERT has no KV cache");
            OnnxWriter.Graph graph;
            try (BertDirectory d = BertDirectory.open(base)) {
                graph = d.isClassifier()
                        ? BertOnnx.classifier(BertClassifier.load(d))
                        : BertOnnx.encoder(BertLoader.load(d, ScalarType.Float));
            }
            return write(graph, type, base, lineageDir, output, replace, OnnxWriter.EXTERNAL_THRESHOLD, null);
        }
        if (!type.isEmpty() && !CAUSAL.contains(type)) throw unsupported(type);
        // merge in fp32, the type the file holds
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        Map<String, Tensor> params = m.parameters();
        if (adapter != null) {
            AdapterBase.warn(adapter, modelArg, base, log);
            params = LoraAdapter.load(m, adapter).mergedParameters();
        }
        return causalLm(m.config(), params, base, lineageDir, output, withPast, replace);
    }

    /** A message for a model whose architecture the ONNX export does not build. */
    public static ForjaException unsupported(String modelType) {
        return new ForjaException("--format onnx does not support model_type '" + modelType + "'; supported: "
                + "gpt2, llama, mistral, qwen2 (causal LMs), bert (encoders and task=classification models)");
    }
}
