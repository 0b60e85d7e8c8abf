package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.bench.PeakRss;
import dev.forja.data.ChatTemplate;
import dev.forja.eval.TextPerplexity;
import dev.forja.export.GgufAdapterExport;
import dev.forja.export.GgufExport;
import dev.forja.export.OllamaModelfile;
import dev.forja.export.OnnxExport;
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
import java.util.Locale;
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
                + "and LM Studio load, and an Ollama Modelfile beside it; --format onnx writes a directory that ONNX "
                + "Runtime loads (causal LMs, BERT encoders and classifiers). A --adapter is merged into the model "
                + "first, or, for GGUF, written alone as a GGUF LoRA adapter with --adapter-only.")
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
            description = "The file to write, e.g. model.gguf, with an Ollama Modelfile beside it (model.Modelfile); "
                    + "with --format onnx, the directory to write.")
    Path output;

    @Option(
            names = "--dtype",
            description = "GGUF: type of the 2-D weights: f32, f16, bf16, q8_0, q4_0, or q4_k_m, llama.cpp's mix of "
                    + "Q4_K and Q6_K (default: f16); norms and biases stay f32. A quantized type also writes "
                    + "<output>.quant.json: each tensor's type and relative RMS error. ONNX exports are f32.")
    String dtype;

    @Option(
            names = "--eval-data",
            description = "With a quantized --dtype: a JSONL file of {\"text\"} or {\"prompt\",\"completion\"} lines "
                    + "on which to measure the model's perplexity before and after quantization.")
    Path evalData;

    @Option(
            names = "--adapter-only",
            description =
                    "With --adapter: write the adapter alone as a GGUF LoRA adapter, which llama.cpp (--lora) and "
                            + "Ollama (ADAPTER) apply on top of the base model's GGUF, instead of merging it.")
    boolean adapterOnly;

    @Option(
            names = "--base-gguf",
            description =
                    "With --adapter-only: the base model's GGUF, named by the Modelfile's FROM (default: the base "
                            + "model's directory, which Ollama imports itself).")
    Path baseGguf;

    @Option(names = "--force", description = "Replace --output (and its Modelfile) if they exist.")
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
        if (dtype == null) dtype = "f16";
        GgufType type = ggufType(dtype);
        if (adapterOnly && adapter == null) {
            throw new ForjaException(
                    "--adapter-only needs --adapter: the adapter directory to write as a GGUF adapter");
        }
        if (baseGguf != null && !adapterOnly) {
            throw new ForjaException("--base-gguf goes with --adapter-only (it names the base GGUF the adapter applies "
                    + "to); without --adapter-only the model itself is written to --output");
        }
        Path modelfile = OllamaModelfile.besides(output);
        for (Path p : new Path[] {output, modelfile}) {
            if (Files.exists(p) && !force) {
                throw new ForjaException(p + " already exists; pass --force to replace it, or choose another --output");
            }
        }
        if (evalData != null && adapterOnly) {
            throw new ForjaException("--eval-data measures what quantizing a model costs; an --adapter-only export "
                    + "writes the adapter's factors in f16 or f32, not quantized");
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
            if (!Lineage.requireTrainedOn(adapter, base)) AdapterBase.warn(adapter, model, base, System.err);
            lora = LoraAdapter.load(m, adapter);
            var savedModules = adapterOnly ? LoraAdapter.savedModules(adapter) : Map.<String, Tensor>of();
            if (!savedModules.isEmpty()) {
                throw new ForjaException(adapter + " also trains whole modules (modules_to_save: "
                        + String.join(", ", savedModules.keySet()) + "), which a GGUF LoRA "
                        + "adapter cannot hold; export the model merged instead (drop --adapter-only)");
            }
            if (!adapterOnly) params = lora.mergedParameters();
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
        double loadedMib = PeakRss.currentMib();
        boolean phasePeak = PeakRss.reset();
        long started = System.nanoTime();
        GgufExport.Result r = adapterOnly
                ? GgufAdapterExport.write(m.config(), lora, base, lineage, output, type, System.err)
                : GgufExport.write(m.config(), params, base, lineage, output, type, System.err);
        System.err.printf(
                "wrote %s: %d tensors, %s, %,d bytes, sha256 %s%n",
                r.file(), r.tensors(), dtype.toLowerCase(), r.bytes(), GgufExport.sha256(r.file()));
        memory(loadedMib, phasePeak, largestTensorMib(params), (System.nanoTime() - started) / 1e9);
        if (type.quantized() && !adapterOnly) {
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
        Path dir = modelfile.toAbsolutePath().getParent();
        String from = adapterOnly
                ? (baseGguf != null ? OllamaModelfile.relative(dir, baseGguf) : base.toString())
                : OllamaModelfile.relative(dir, output);
        OllamaModelfile.write(
                modelfile, from, adapterOnly ? output : null, ChatTemplate.fromModelDir(base), System.err);
        System.err.printf("wrote %s: ollama create NAME -f %s%n", modelfile, modelfile);
        return 0;
    }

    /** How long the write took and what it held in memory beyond the loaded model: export streams tensor by tensor. */
    private static void memory(double loadedMib, boolean phasePeak, double largestMib, double seconds) {
        double peak = PeakRss.mib();
        if (loadedMib < 0 || peak < 0) return; // no /proc
        System.err.printf(
                Locale.ROOT,
                "written in %.1f s; memory: %,.0f MiB resident with the model loaded, %s %,.0f MiB (+%,.0f MiB; the "
                        + "largest tensor is %,.0f MiB in float32)%n",
                seconds,
                loadedMib,
                phasePeak ? "peak while writing" : "peak since start",
                peak,
                Math.max(0, peak - loadedMib),
                largestMib);
    }

    private static double largestTensorMib(Map<String, Tensor> params) {
        return params.values().stream().mapToLong(Tensor::numel).max().orElse(0) * 4.0 / (1 << 20);
    }

    /** {@code --format onnx}: a directory with model.onnx, config.json and the tokenizer files. */
    private Integer onnx() {
        if (adapterOnly || baseGguf != null) {
            throw new ForjaException("--adapter-only and --base-gguf are for --format gguf (a GGUF LoRA adapter); an "
                    + "ONNX export merges the --adapter into the model");
        }
        if (dtype != null && !dtype.equalsIgnoreCase("f32") && !dtype.equalsIgnoreCase("fp32")) {
            throw new ForjaException("--format onnx writes float32 weights; drop --dtype " + dtype);
        }
        if (Files.exists(output) && !force) {
            throw new ForjaException(
                    output + " already exists; pass --force to replace it, or choose another --output");
        }
        threads.use(true);
        Path base = ModelLocator.resolve(model);
        if (adapter != null) Lineage.requireTrainedOn(adapter, base);
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
            case "q4_k_m" -> GgufType.Q4_K; // GgufExport writes llama.cpp's Q4_K_M mix for it
            default ->
                throw new ForjaException("--dtype must be f32, f16, bf16, q8_0, q4_0 or q4_k_m, got '" + dtype + "'");
        };
    }
}
