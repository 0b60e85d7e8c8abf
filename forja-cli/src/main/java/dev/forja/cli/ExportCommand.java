package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.export.GgufExport;
import dev.forja.export.OnnxExport;
import dev.forja.hub.ModelLocator;
import dev.forja.io.gguf.GgufType;
import dev.forja.lora.AdapterBase;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.train.Lineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forja export}: a model (with its LoRA adapter merged) written as one GGUF file for llama.cpp and Ollama, or
 * as an ONNX directory for ONNX Runtime.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a model for other runtimes: --format gguf writes one GGUF file that llama.cpp, Ollama "
                + "and LM Studio load; --format onnx writes a directory that ONNX Runtime loads (causal LMs, BERT "
                + "encoders and classifiers). A --adapter is merged into the model first.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory or Hugging Face id.")
    String model;

    @Option(names = "--adapter", description = "A PEFT LoRA adapter directory to merge into the model before export.")
    Path adapter;

    @Option(
            names = "--format",
            defaultValue = "gguf",
            description = "gguf (one file for llama.cpp, Ollama) or onnx (a directory for ONNX Runtime) "
                    + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--output",
            required = true,
            description = "The file to write, e.g. model.gguf; with --format onnx, the directory to write.")
    Path output;

    @Option(
            names = "--dtype",
            defaultValue = "f16",
            description = "Type of the 2-D weights: f32, f16, bf16, q8_0 or q4_0 (default: ${DEFAULT-VALUE}); "
                    + "norms and biases stay f32.")
    String dtype;

    @Option(names = "--force", description = "Replace --output if it exists.")
    boolean force;

    @Option(
            names = "--with-past",
            description = "--format onnx: add past_key_values.N.key/value inputs and present.N.key/value outputs "
                    + "(Hugging Face Optimum's names), for decoding with a KV cache.")
    boolean withPast;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (format.equalsIgnoreCase("onnx")) return onnx();
        if (withPast) throw new ForjaException("--with-past is for --format onnx; GGUF runtimes keep their own cache");
        if (!format.equalsIgnoreCase("gguf")) {
            throw new ForjaException("--format must be gguf or onnx, got '" + format + "'");
        }
        GgufType type = ggufType(dtype);
        if (Files.exists(output) && !force) {
            throw new ForjaException(
                    output + " already exists; pass --force to replace it, or choose another --output");
        }
        threads.use(true);
        Path base = ModelLocator.resolve(model);
        // Merge in fp32, so W + scaling * B A is rounded once, when the file's type is written.
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        Map<String, Tensor> params = m.parameters();
        if (adapter != null) {
            AdapterBase.warn(adapter, model, base, System.err);
            params = LoraAdapter.load(m, adapter).mergedParameters();
        }
        Path lineage = adapter != null && Files.isRegularFile(adapter.resolve(Lineage.FILE_NAME)) ? adapter : base;
        GgufExport.Result r = GgufExport.write(m.config(), params, base, lineage, output, type, System.err);
        System.err.printf(
                "wrote %s: %d tensors, %s, %,d bytes, sha256 %s%n",
                r.file(), r.tensors(), dtype.toLowerCase(), r.bytes(), GgufExport.sha256(r.file()));
        return 0;
    }

    /** {@code --format onnx}: a directory with model.onnx, config.json and the tokenizer files. */
    private Integer onnx() {
        if (Files.exists(output) && !force) {
            throw new ForjaException(
                    output + " already exists; pass --force to replace it, or choose another --output");
        }
        threads.use(true);
        Path base = ModelLocator.resolve(model);
        Path lineage = adapter != null && Files.isRegularFile(adapter.resolve(Lineage.FILE_NAME)) ? adapter : base;
        OnnxExport.Result r = OnnxExport.export(base, adapter, model, lineage, output, withPast, force, System.err);
        System.err.printf(
                "wrote %s: %s, %,d bytes%s, sha256 %s%n",
                r.dir(), OnnxExport.MODEL_FILE, r.bytes(), r.externalData() ? " (with external data)" : "", r.sha256());
        return 0;
    }

    private static GgufType ggufType(String dtype) {
        return switch (dtype.toLowerCase()) {
            case "f32", "fp32" -> GgufType.F32;
            case "f16", "fp16" -> GgufType.F16;
            case "bf16" -> GgufType.BF16;
            case "q8_0" -> GgufType.Q8_0;
            case "q4_0" -> GgufType.Q4_0;
            default -> throw new ForjaException("--dtype must be f32, f16, bf16, q8_0 or q4_0, got '" + dtype + "'");
        };
    }
}
