package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.eval.TextPerplexity;
import dev.forja.export.GgufExport;
import dev.forja.export.QuantReport;
import dev.forja.export.QuantizedWeights;
import dev.forja.hub.ModelLocator;
import dev.forja.io.gguf.GgufType;
import dev.forja.lora.AdapterBase;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.train.Lineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forja export}: a model (with its LoRA adapter merged) written as one GGUF file for llama.cpp and Ollama. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Export a model for other runtimes: --format gguf writes one GGUF file that llama.cpp, Ollama "
                + "and LM Studio load. A --adapter is merged into the model first.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory or Hugging Face id.")
    String model;

    @Option(names = "--adapter", description = "A PEFT LoRA adapter directory to merge into the model before export.")
    Path adapter;

    @Option(
            names = "--format",
            defaultValue = "gguf",
            description = "gguf, or onnx (not built yet) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--output", required = true, description = "The file to write, e.g. model.gguf.")
    Path output;

    @Option(
            names = "--dtype",
            defaultValue = "f16",
            description = "Type of the 2-D weights: f32, f16, bf16, q8_0, q4_0, or q4_k_m, llama.cpp's mix of Q4_K "
                    + "and Q6_K (default: ${DEFAULT-VALUE}); norms and biases stay f32. A quantized type also writes "
                    + "<output>.quant.json: each tensor's type and relative RMS error.")
    String dtype;

    @Option(
            names = "--eval-data",
            description = "With a quantized --dtype: a JSONL file of {\"text\"} or {\"prompt\",\"completion\"} lines "
                    + "on which to measure the model's perplexity before and after quantization.")
    Path evalData;

    @Option(names = "--force", description = "Replace --output if it exists.")
    boolean force;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (format.equalsIgnoreCase("onnx")) {
            throw new ForjaException("--format onnx is not built yet; use --format gguf");
        }
        if (!format.equalsIgnoreCase("gguf")) {
            throw new ForjaException("--format must be gguf or onnx, got '" + format + "'");
        }
        GgufType type = ggufType(dtype);
        if (Files.exists(output) && !force) {
            throw new ForjaException(
                    output + " already exists; pass --force to replace it, or choose another --output");
        }
        if (evalData != null && !type.quantized()) {
            throw new ForjaException("--eval-data measures what quantization costs; use it with --dtype q8_0, q4_0 or "
                    + "q4_k_m (" + dtype + " is not quantized)");
        }
        threads.use(true);
        Path base = ModelLocator.resolve(model);
        // Merge in fp32, so W + scaling * B A is rounded once, when the file's type is written.
        CausalLM m = ModelLoader.load(base, ScalarType.Float);
        Map<String, Tensor> params = m.parameters();
        LoraAdapter lora = null;
        if (adapter != null) {
            AdapterBase.warn(adapter, model, base, System.err);
            lora = LoraAdapter.load(m, adapter);
            params = lora.mergedParameters();
        }
        List<TextPerplexity.Sample> samples = null;
        TextPerplexity.Result before = null;
        if (evalData != null) { // read and measured before anything is written
            try (HfTokenizer tok = HfTokenizer.load(base)) {
                samples = TextPerplexity.read(evalData, tok);
            }
            before = TextPerplexity.measure(m, samples);
        }
        Path lineage = adapter != null && Files.isRegularFile(adapter.resolve(Lineage.FILE_NAME)) ? adapter : base;
        GgufExport.Result r = GgufExport.write(m.config(), params, base, lineage, output, type, System.err);
        System.err.printf(
                "wrote %s: %d tensors, %s, %,d bytes, sha256 %s%n",
                r.file(), r.tensors(), dtype.toLowerCase(), r.bytes(), GgufExport.sha256(r.file()));
        if (type.quantized()) {
            QuantReport.Perplexities ppl = null;
            if (samples != null) {
                if (lora != null) lora.detach(); // the merged weights go into the base layers
                QuantizedWeights.apply(m.config(), params, m.parameters(), r.errors());
                TextPerplexity.Result after = TextPerplexity.measure(m, samples);
                ppl = new QuantReport.Perplexities(evalData, before.tokens(), before.perplexity(), after.perplexity());
            }
            QuantReport report = new QuantReport(dtype.toLowerCase(), r.errors(), ppl);
            Path file = QuantReport.pathFor(output);
            report.write(file);
            System.err.print(report.render());
            System.err.println("wrote " + file);
        }
        return 0;
    }

    private static GgufType ggufType(String dtype) {
        return switch (dtype.toLowerCase()) {
            case "f32", "fp32" -> GgufType.F32;
            case "f16", "fp16" -> GgufType.F16;
            case "bf16" -> GgufType.BF16;
            case "q8_0" -> GgufType.Q8_0;
            case "q4_0" -> GgufType.Q4_0;
            case "q4_k_m" -> GgufType.Q4_K; // GgufExport writes llama.cpp's Q4_K_M mix for it
            default ->
                throw new ForjaException("--dtype must be f32, f16, bf16, q8_0, q4_0 or q4_k_m, got '" + dtype + "'");
        };
    }
}
