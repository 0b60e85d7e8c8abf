package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.generate.BatchGenerator;
import dev.forja.generate.BatchListener;
import dev.forja.generate.GenerationRequest;
import dev.forja.generate.SamplingConfig;
import dev.forja.generate.StopStrings;
import dev.forja.generate.TextGenerator;
import dev.forja.model.CausalLM;
import dev.forja.model.PrepackedModel;
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

/**
 * {@code forja generate}: text from a causal LM. One prompt is streamed to stdout token by token; several are decoded
 * together in batches, each completion printed once its row finishes, in prompt order.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Generate text with a KV cache.",
            "One prompt streams to stdout token by token. Several prompts (--prompt repeated, or --prompt-file) are "
                    + "decoded --batch-size at a time in one forward per step; each completion is printed when it "
                    + "finishes, in prompt order, prompts separated by a blank line.",
            "Decoding follows the model's generation_config.json (sampling, if it says do_sample); without one, or "
                    + "with --temperature 0, it is greedy."
        })
final class GenerateCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            required = true,
            description = "Model directory, GGUF file or Hugging Face id (e.g. gpt2).")
    String model;

    @Option(names = "--prompt", description = "Prompt text; repeat for a batch of prompts.")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--prompt-file", description = "A file with one prompt per line.")
    Path promptFile;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "64",
            description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--stop", description = "Stop when this text appears (repeatable); it is not printed.")
    List<String> stop = new ArrayList<>();

    @Option(
            names = "--no-cache",
            description =
                    "Recompute the whole sequence each step instead of using the KV cache " + "(one prompt at a time).")
    boolean noCache;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "Prompts decoded together when there are several " + "(default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    AdapterOptions loading;

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(prompts);
        if (promptFile != null) {
            if (!Files.isRegularFile(promptFile))
                throw new ForjaException("--prompt-file " + promptFile + " does not exist");
            Files.readAllLines(promptFile, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank())
                    .forEach(all::add);
        }
        if (all.isEmpty()) throw new ForjaException("give a --prompt (or --prompt-file)");
        if (maxNewTokens < 1) throw new ForjaException("--max-new-tokens must be >= 1");
        if (batchSize < 1) throw new ForjaException("--batch-size must be >= 1, got " + batchSize);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (PretrainedModel m = loading.load(model)) {
            SamplingConfig s = sampling.resolve(m.generation());
            Set<Long> eos = new HashSet<>(m.generation().eosTokenIds());
            List<long[]> ids = new ArrayList<>();
            for (int p = 0; p < all.size(); p++) {
                ids.add(m.tokenizer().encode(all.get(p), true));
                if (ids.get(p).length == 0) throw new ForjaException("prompt " + (p + 1) + " has no tokens");
            }
            if (all.size() == 1 || noCache) {
                streamOneByOne(m, all, ids, s, eos, out);
            } else {
                printBatched(m, all, ids, s, eos, out);
            }
        }
        return 0;
    }

    private void streamOneByOne(
            PretrainedModel m, List<String> all, List<long[]> ids, SamplingConfig s, Set<Long> eos, PrintStream out) {
        TextGenerator generator = new TextGenerator(m.model());
        for (int p = 0; p < all.size(); p++) {
            StreamingDecoder decoder = new StreamingDecoder(m.tokenizer(), true);
            StopStrings stops = new StopStrings(stop);
            if (p > 0) out.println();
            out.print(all.get(p));
            generator.generate(
                    ids.get(p),
                    maxNewTokens,
                    s,
                    !noCache,
                    (gen, n) -> eos.contains(gen[n - 1]) || stops.stopped(),
                    id -> {
                        if (!eos.contains(id)) out.print(stops.push(decoder.push(id)));
                    });
            out.print(stops.push(decoder.flush()));
            out.println(stops.flush());
        }
    }

    /** Decodes in batches; a completion is printed once it and every one before it have finished. */
    private void printBatched(
            PretrainedModel m, List<String> all, List<long[]> ids, SamplingConfig s, Set<Long> eos, PrintStream out) {
        int n = all.size();
        StreamingDecoder[] decoders = new StreamingDecoder[n];
        StopStrings[] stops = new StopStrings[n];
        StringBuilder[] texts = new StringBuilder[n];
        List<GenerationRequest> requests = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            decoders[p] = new StreamingDecoder(m.tokenizer(), true);
            StopStrings st = new StopStrings(stop);
            stops[p] = st;
            texts[p] = new StringBuilder();
            requests.add(new GenerationRequest(
                    ids.get(p), maxNewTokens, s, (gen, k) -> eos.contains(gen[k - 1]) || st.stopped()));
        }
        boolean[] finished = new boolean[n];
        int[] printed = {0};
        // several rows per step: float32 weights prepacked for them
        CausalLM model = batchSize > 1 && n > 1 ? PrepackedModel.of(m.model(), Math.min(batchSize, n)) : m.model();
        new BatchGenerator(model).generate(requests, batchSize, new BatchListener() {
            @Override
            public void onToken(int row, long id) {
                if (!eos.contains(id)) texts[row].append(stops[row].push(decoders[row].push(id)));
            }

            @Override
            public void onFinished(int row, long[] generated) {
                texts[row].append(stops[row].push(decoders[row].flush())).append(stops[row].flush());
                finished[row] = true;
                for (; printed[0] < n && finished[printed[0]]; printed[0]++) {
                    if (printed[0] > 0) out.println();
                    out.println(all.get(printed[0]) + texts[printed[0]]);
                }
            }
        });
    }
}
