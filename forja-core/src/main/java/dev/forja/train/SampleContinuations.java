package dev.forja.train;

import dev.forja.data.EncodedSample;
import dev.forja.generate.SamplingConfig;
import dev.forja.generate.TextGenerator;
import dev.forja.model.CausalLM;
import dev.forja.report.GenerationSamples;
import dev.forja.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The report's sample generations for a causal LM: the first few samples' prompts, continued greedily by the base
 * model before training ({@link #before}) and by the trained one after ({@link #html}). A sample's prompt is what
 * precedes its first trained token (the prompt of a prompt/completion pair, the turns before the assistant's); a
 * plain text, trained on from its start, is cut at half its length, at most {@link #TEXT_PROMPT_TOKENS} tokens.
 */
final class SampleContinuations {
    static final int SAMPLES = 3, MAX_NEW_TOKENS = 32, TEXT_PROMPT_TOKENS = 16;

    private record Prompt(long[] ids, long[] expected) {}

    private final Path tokenizerDir;
    private final long eos;
    private final boolean bf16;
    private final List<Prompt> prompts;
    private final List<String> before;

    private SampleContinuations(Path tokenizerDir, long eos, boolean bf16, List<Prompt> prompts, List<String> before) {
        this.tokenizerDir = tokenizerDir;
        this.eos = eos;
        this.bf16 = bf16;
        this.prompts = prompts;
        this.before = before;
    }

    /**
     * Picks the prompts from {@code samples} (the validation set, else the training set) and continues them with
     * {@code model} as it is now, the base.
     *
     * @param bf16 decode under bf16 autocast, as the run computes (a LoRA base may hold bf16 matrices)
     */
    static SampleContinuations before(
            CausalLM model, Path tokenizerDir, long eos, boolean bf16, List<EncodedSample> samples) {
        List<Prompt> prompts = new ArrayList<>();
        for (EncodedSample s : samples) {
            if (prompts.size() == SAMPLES) break;
            int cut = promptLength(s);
            if (cut > 0) {
                prompts.add(new Prompt(
                        Arrays.copyOf(s.ids(), cut),
                        Arrays.copyOfRange(s.ids(), cut, Math.min(s.length(), cut + MAX_NEW_TOKENS))));
            }
        }
        return new SampleContinuations(
                tokenizerDir, eos, bf16, prompts, continueWith(model, tokenizerDir, eos, bf16, prompts));
    }

    /** The report fragment: the prompts with the base's continuations and {@code model}'s, now trained. */
    String html(CausalLM model) {
        List<String> after = continueWith(model, tokenizerDir, eos, bf16, prompts);
        List<GenerationSamples.Sample> rows = new ArrayList<>();
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerDir)) {
            for (int i = 0; i < prompts.size(); i++) {
                rows.add(new GenerationSamples.Sample(
                        tokenizer.decode(prompts.get(i).ids(), false),
                        tokenizer.decode(prompts.get(i).expected(), true),
                        before.get(i),
                        after.get(i)));
            }
        }
        return GenerationSamples.html(rows, MAX_NEW_TOKENS);
    }

    boolean isEmpty() {
        return prompts.isEmpty();
    }

    // Where the first trained token starts; a text trained from its start is cut at its middle.
    private static int promptLength(EncodedSample s) {
        for (int i = 1; i < s.length(); i++) {
            if (s.trainable()[i]) return i > 1 ? i : Math.min(TEXT_PROMPT_TOKENS, s.length() / 2);
        }
        return 0;
    }

    private static List<String> continueWith(
            CausalLM model, Path tokenizerDir, long eos, boolean bf16, List<Prompt> prompts) {
        if (prompts.isEmpty()) return List.of();
        TextGenerator generator = new TextGenerator(model);
        List<String> texts = new ArrayList<>();
        if (bf16) {
            torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
            torch.set_autocast_enabled(DeviceType.CPU, true);
        }
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerDir)) {
            for (Prompt p : prompts) {
                long[] ids = generator.generate(
                        p.ids(),
                        MAX_NEW_TOKENS,
                        SamplingConfig.greedy(),
                        true,
                        (generated, n) -> generated[n - 1] == eos,
                        id -> {});
                texts.add(tokenizer.decode(ids, true));
            }
        } finally {
            if (bf16) {
                torch.set_autocast_enabled(DeviceType.CPU, false);
                torch.clear_cache();
            }
        }
        return texts;
    }
}
