package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.model.GenerationDefaults;
import dev.forja.model.ModelConfig;
import dev.forja.model.ModelInitializer;
import dev.forja.model.ModelWriter;
import dev.forja.model.Presets;
import dev.forja.tokenizer.ByteLevelTokenizerFiles;
import dev.forja.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forja init-model}: a randomly initialised model as a complete Hugging Face directory. */
@Command(
        name = "init-model",
        mixinStandardHelpOptions = true,
        description = "Write a randomly initialised model (config, safetensors weights, tokenizer) as a Hugging Face "
                + "directory that forja and transformers both load.")
final class InitModelCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "gpt2, llama or qwen2.")
    String arch;

    @Option(
            names = "--preset",
            defaultValue = "tiny",
            description = "tiny (2 layers, width 64), small (GPT-2 124M / SmolLM2-135M shape) or a JSON object of "
                    + "config.json overrides on tiny (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(
            names = "--tokenizer",
            description =
                    "A tokenizer.json or a model directory holding one; default: a "
                            + "byte-level tokenizer (256 bytes + <|endoftext|>, <|im_start|>, <|im_end|>) with a ChatML template.")
    Path tokenizer;

    @Option(names = "--seed", defaultValue = "0", description = "Initialisation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", required = true, description = "Directory to create (must not exist or be empty).")
    Path output;

    @Override
    public Integer call() throws IOException {
        AtomicDirectory.requireAbsentOrEmpty(output, "choose another --output");
        String[] written = new String[1];
        AtomicDirectory.write(output, staging -> {
            copyOrWriteTokenizer(staging);
            long eos;
            long bos;
            int vocab;
            try (HfTokenizer tok = HfTokenizer.load(staging)) {
                vocab = tok.vocabSize();
                eos = firstId(tok, List.of("<|endoftext|>", "</s>", "<|end_of_text|>", "<|im_end|>", "<eos>"));
                bos = firstId(tok, List.of("<|endoftext|>", "<s>", "<|begin_of_text|>", "<bos>"));
            }
            ModelConfig config = Presets.of(arch, preset, vocab, bos, eos);
            var params = ModelInitializer.initialize(config, seed);
            GenerationDefaults gen =
                    new GenerationDefaults(eos >= 0 ? List.of(eos) : List.of(), true, 0.8, 50, 0.95, 1.0);
            ModelWriter.write(staging, config, params, gen, ScalarType.Float);
            long n = params.values().stream().mapToLong(t -> t.numel()).sum();
            written[0] = String.format(
                    "wrote %s: %s, %,d parameters, vocab %d, seed %d",
                    output, config.modelType(), n, config.vocabSize(), seed);
        });
        System.err.println(written[0]);
        return 0;
    }

    private void copyOrWriteTokenizer(Path dir) throws IOException {
        if (tokenizer == null) {
            ByteLevelTokenizerFiles.write(
                    dir, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, ByteLevelTokenizerFiles.chatMlTemplate());
            return;
        }
        Path json = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        if (!Files.isRegularFile(json)) {
            throw new ForjaException("--tokenizer " + tokenizer + ": no tokenizer.json there; give a tokenizer.json "
                    + "or a model directory holding one");
        }
        Files.copy(json, dir.resolve("tokenizer.json"));
        Path from = json.getParent() == null ? Path.of(".") : json.getParent();
        for (String f : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            if (Files.isRegularFile(from.resolve(f))) Files.copy(from.resolve(f), dir.resolve(f));
        }
    }

    private static long firstId(HfTokenizer tok, List<String> candidates) {
        for (String c : candidates) {
            var id = tok.tokenToId(c);
            if (id.isPresent()) return id.getAsLong();
        }
        return -1;
    }
}
