package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.export.GgufImport;
import dev.forja.export.GgufQuantizedModel;
import dev.forja.hub.ModelLocator;
import dev.forja.model.CausalLM;
import dev.forja.model.ModelLoader;
import dev.forja.model.PretrainedModel;
import dev.forja.model.QuantizedModel;
import dev.forja.quant.QuantScheme;
import dev.forja.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Option;

/**
 * {@code --quantize}: int8 or int4 weights for the commands that run a model for inference. A GGUF file whose
 * weights are quantized (Q8_0, Q4_0, ...) is run quantized without it, in the file's own precision ({@link
 * GgufQuantizedModel}); {@code --quantize} on a GGUF file requantizes what the file holds in another type.
 */
final class QuantizeOption {
    @Option(
            names = "--quantize",
            paramLabel = "int8|int4",
            description = "Keep the linear layers' and LM head's weights in 8 or 4 bits, for inference (int8 multiplies"
                    + " in 8 bits, each input row quantized as it arrives; int4 with bf16 activations). A Q8_0/Q4_0/Q4_1"
                    + " GGUF file keeps its own precision without it; with it, weights of another type are requantized"
                    + " from their decoded values.")
    String quantize;

    private Path scanned; // the GGUF file fileScheme was last read from, and what it said
    private QuantScheme scannedScheme;

    /** The scheme asked for, or null for none; a bad name is refused. */
    QuantScheme scheme() {
        if (quantize == null) return null;
        QuantScheme s = QuantScheme.byName(quantize);
        if (s == null) throw new ForjaException("--quantize must be int8 or int4, got '" + quantize + "'");
        return s;
    }

    /** The model in {@code dir}, quantized while it is read when {@code --quantize} asks (no dense copy kept). */
    CausalLM load(Path dir, ScalarType dtype) {
        QuantScheme s = scheme();
        return s == null ? ModelLoader.load(dir, dtype) : QuantizedModel.load(dir, dtype, s);
    }

    /**
     * Whether {@code modelArg} (as the user gave it) runs quantized: {@code --quantize} was given, or it is a GGUF
     * file with quantized weights.
     */
    boolean quantizes(String modelArg) {
        return scheme() != null || quantizedGguf(modelArg) != null;
    }

    /**
     * The model {@code modelArg} names, quantized when {@link #quantizes} says so: a GGUF file straight from its blocks
     * (telling on stderr how its weights are held), anything else quantized while it is read.
     */
    CausalLM load(String modelArg, ScalarType dtype) {
        Path gguf = ggufToQuantize(modelArg);
        return gguf != null ? loadGguf(gguf, dtype) : load(ModelLocator.resolve(modelArg), dtype);
    }

    /** As {@link #load(String, ScalarType)}, with the tokenizer and generation defaults. */
    PretrainedModel pretrained(String modelArg, ScalarType dtype) {
        Path gguf = ggufToQuantize(modelArg);
        if (gguf == null) return PretrainedModel.load(ModelLocator.resolve(modelArg), dtype, scheme());
        // the config and tokenizer, imported without the dense weights the model is not built from
        Path dir = GgufImport.metadataDirectory(gguf, ModelLocator.ggufCache());
        CausalLM model = loadGguf(gguf, dtype);
        return new PretrainedModel(
                dir, model, HfTokenizer.load(dir), ModelLoader.readGenerationDefaults(dir, model.config()));
    }

    /** The GGUF file to load quantized from its blocks, or null. */
    private Path ggufToQuantize(String modelArg) {
        Path file = ggufFile(modelArg);
        if (file == null) return null;
        return scheme() != null || fileScheme(file) != null ? file : null;
    }

    private CausalLM loadGguf(Path gguf, ScalarType dtype) {
        GgufQuantizedModel.Loaded loaded = GgufQuantizedModel.load(gguf, dtype, scheme());
        System.err.printf(
                "forja: %s runs with %s weights: %s%n",
                gguf.getFileName(), loaded.model().scheme().label(), String.join(", ", loaded.held()));
        return loaded.model();
    }

    /** {@code modelArg} as a GGUF file with quantized weights, or null. */
    private Path quantizedGguf(String modelArg) {
        Path file = ggufFile(modelArg);
        return file != null && fileScheme(file) != null ? file : null;
    }

    /** {@link GgufQuantizedModel#fileScheme}, read once per file (its header holds the whole vocabulary). */
    private QuantScheme fileScheme(Path file) {
        if (!file.equals(scanned)) {
            scannedScheme = GgufQuantizedModel.fileScheme(file);
            scanned = file;
        }
        return scannedScheme;
    }

    /** {@code modelArg} as an existing GGUF file, or null (a directory, a Hub id). */
    private static Path ggufFile(String modelArg) {
        if (modelArg == null) return null;
        try {
            Path p = Path.of(modelArg.strip());
            return Files.isRegularFile(p) && GgufImport.isGguf(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
