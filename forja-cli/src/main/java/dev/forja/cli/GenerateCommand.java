package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.generate.SamplingConfig;
import dev.forja.generate.StopStrings;
import dev.forja.generate.TextGenerator;
import dev.forja.hub.ModelLocator;
import dev.forja.lora.LoraAdapter;
import dev.forja.model.PretrainedModel;
import dev.forja.tokenizer.StreamingDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forja generate}: text from a causal LM, streamed to stdout as tokens are produced. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a KV cache, streaming tokens to stdout.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory or Hugging Face id (e.g. gpt2).")
    String model;

    @Option(names = "--prompt", description = "Prompt text; repeat for a batch of prompts.")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--prompt-file", description = "A file with one prompt per line.")
    Path promptFile;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--stop", description = "Stop when this text appears (repeatable); it is not printed.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--no-cache", description = "Recompute the whole sequence each step instead of using the KV cache.")
    boolean noCache;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--adapter", description = "A PEFT LoRA adapter directory to apply on the fly (no merge).")
    Path adapter;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(prompts);
        if (promptFile != null) {
            if (!Files.isRegularFile(promptFile)) throw new ForjaException("--prompt-file " + promptFile + " does not exist");
            Files.readAllLines(promptFile, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).forEach(all::add);
        }
        if (all.isEmpty()) throw new ForjaException("give a --prompt (or --prompt-file)");
        if (maxNewTokens < 1) throw new ForjaException("--max-new-tokens must be >= 1");
        var dtype = engine.apply();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (PretrainedModel m = PretrainedModel.load(ModelLocator.resolve(model), dtype)) {
            if (adapter != null) LoraAdapter.load(m.model(), adapter);
            SamplingConfig s = sampling.resolve(m.generation());
            Set<Long> eos = new HashSet<>(m.generation().eosTokenIds());
            TextGenerator generator = new TextGenerator(m.model());
            for (int p = 0; p < all.size(); p++) {
                long[] ids = m.tokenizer().encode(all.get(p), true);
                if (ids.length == 0) throw new ForjaException("prompt " + (p + 1) + " has no tokens");
                StreamingDecoder decoder = new StreamingDecoder(m.tokenizer(), true);
                StopStrings stops = new StopStrings(stop);
                if (p > 0) out.println();
                out.print(all.get(p));
                generator.generate(ids, maxNewTokens, s, !noCache,
                        (gen, n) -> eos.contains(gen[n - 1]) || stops.stopped(),
                        id -> {
                            if (!eos.contains(id)) out.print(stops.push(decoder.push(id)));
                        });
                out.print(stops.push(decoder.flush()));
                out.println(stops.flush());
            }
        }
        return 0;
    }
}
