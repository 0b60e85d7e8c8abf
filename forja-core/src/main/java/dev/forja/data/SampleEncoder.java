package dev.forja.data;

import dev.forja.ForjaException;
import dev.forja.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns an {@link Example} into token ids plus the positions the loss is computed on.
 *
 * <ul>
 *   <li>Text: every token is a target; EOS is appended and is a target.</li>
 *   <li>Prompt/completion: the completion and the appended EOS are targets; the prompt is not (unless
 *       {@code trainOnPrompt}).</li>
 *   <li>Chat: rendered with the model's {@link ChatTemplate}; the targets are each assistant turn's content and its
 *       end-of-turn token (see {@link AssistantSpans}), plus a final EOS when the conversation ends with an assistant
 *       turn that does not already end in EOS.</li>
 * </ul>
 *
 * <p>BOS: if the tokenizer's post-processor adds leading special tokens (as Llama's adds {@code <s>}) they are
 * prepended once, unless the text (e.g. the chat template's {@code {{ bos_token }}}) already starts with them.
 * Samples longer than {@code maxLength} are cut at the right and flagged {@link EncodedSample#truncated()}.
 *
 * <p>Example: {@code new SampleEncoder(tok, template, ids.eos(), new Options(512, false)).encode(example)}.
 */
public final class SampleEncoder {

    /**
     * @param maxLength     the longest sample in tokens; longer ones are cut at the right (default 512)
     * @param trainOnPrompt also train on prompt / user / system tokens
     */
    public record Options(int maxLength, boolean trainOnPrompt) {
        public Options {
            if (maxLength < 2) {
                throw new ForjaException("max_length must be at least 2 tokens, got " + maxLength);
            }
        }

        /** max_length 512, loss on completions only. */
        public static Options defaults() {
            return new Options(512, false);
        }
    }

    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final long eos;
    private final Options options;
    private final SpanTokenizer spanTokenizer;
    private final AssistantSpans assistantSpans;
    private final long[] bosPrefix;

    /**
     * @param template the model's chat template, or null if it has none (chat samples are then an error)
     * @param eos      the end-of-sequence id ({@link SpecialIds#eos()})
     */
    public SampleEncoder(Tokenizer tokenizer, ChatTemplate template, long eos, Options options) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.eos = eos;
        this.options = options;
        this.spanTokenizer = new SpanTokenizer(tokenizer);
        this.assistantSpans = template == null ? null : new AssistantSpans(template, tokenizer.specialTokens());
        this.bosPrefix = postProcessorPrefix(tokenizer);
    }

    /** The options this encoder was made with. */
    public Options options() {
        return options;
    }

    /**
     * Encodes one sample.
     *
     * @throws ForjaException naming the sample's file and line if it cannot be encoded (a chat sample without a
     *                        template, or one the template rejects)
     */
    public EncodedSample encode(Example example) {
        SpanTokenizer.Tokens tokens;
        boolean appendEos = true;
        try {
            // Java 17 has no pattern switch: a new Example shape must be added here (the else guards it)
            if (example instanceof TextExample t) {
                tokens = spanTokenizer.encode(List.of(new Span(t.text(), true)));
            } else if (example instanceof PromptCompletionExample pc) {
                tokens = spanTokenizer.encode(
                        List.of(new Span(pc.prompt(), options.trainOnPrompt()), new Span(pc.completion(), true)));
            } else if (example instanceof ChatExample chat) {
                tokens = chatTokens(chat);
                List<Message> messages = chat.messages();
                appendEos = messages.get(messages.size() - 1).isAssistant() && !lastTargetIsEos(tokens);
            } else {
                throw new IllegalStateException(
                        "SampleEncoder does not handle " + example.getClass().getName());
            }
        } catch (ForjaException e) {
            throw new ForjaException(example.source() + ": " + e.getMessage(), e);
        }
        return finish(tokens, appendEos, example.source());
    }

    private SpanTokenizer.Tokens chatTokens(ChatExample chat) {
        if (assistantSpans == null) {
            throw new ForjaException("chat samples ({\"messages\"}) need a chat template, and this model has none"
                    + " (no chat_template in tokenizer_config.json); add one or write the data as"
                    + " {\"prompt\",\"completion\"}");
        }
        List<Span> spans = assistantSpans.spans(chat.messages());
        if (options.trainOnPrompt()) {
            spans = spans.stream().map(s -> new Span(s.text(), true)).toList();
        }
        return spanTokenizer.encode(spans);
    }

    private boolean lastTargetIsEos(SpanTokenizer.Tokens tokens) {
        for (int i = tokens.ids().length - 1; i >= 0; i--) {
            if (tokens.trainable()[i]) {
                return tokens.ids()[i] == eos;
            }
        }
        return false;
    }

    private EncodedSample finish(SpanTokenizer.Tokens tokens, boolean appendEos, Source source) {
        long[] body = tokens.ids();
        boolean[] flags = tokens.trainable();
        boolean addBos = bosPrefix.length > 0 && !startsWith(body, bosPrefix);
        int length = (addBos ? bosPrefix.length : 0) + body.length + (appendEos ? 1 : 0);
        long[] ids = new long[length];
        boolean[] trainable = new boolean[length];
        int at = 0;
        if (addBos) {
            System.arraycopy(bosPrefix, 0, ids, 0, bosPrefix.length);
            at = bosPrefix.length;
        }
        System.arraycopy(body, 0, ids, at, body.length);
        System.arraycopy(flags, 0, trainable, at, flags.length);
        if (appendEos) {
            ids[length - 1] = eos;
            trainable[length - 1] = true;
        }
        if (length > options.maxLength()) {
            return new EncodedSample(
                    Arrays.copyOf(ids, options.maxLength()),
                    Arrays.copyOf(trainable, options.maxLength()),
                    source,
                    true);
        }
        return new EncodedSample(ids, trainable, source, false);
    }

    /**
     * The special tokens the tokenizer's post-processor puts before the text (BOS for Llama, [CLS] for BERT,
     * nothing for GPT-2): the leading special ids of {@code encode(x, true)} beyond those of {@code encode(x, false)}.
     */
    private static long[] postProcessorPrefix(Tokenizer tokenizer) {
        Set<Long> special = new HashSet<>();
        for (String token : tokenizer.specialTokens()) {
            tokenizer.tokenToId(token).ifPresent(special::add);
        }
        String probe = "Hello";
        long[] with = tokenizer.encode(probe, true);
        long[] without = tokenizer.encode(probe, false);
        int extra = leadingSpecial(with, special) - leadingSpecial(without, special);
        return extra > 0 ? Arrays.copyOf(with, extra) : new long[0];
    }

    private static int leadingSpecial(long[] ids, Set<Long> special) {
        int n = 0;
        while (n < ids.length && special.contains(ids[n])) {
            n++;
        }
        return n;
    }

    private static boolean startsWith(long[] ids, long[] prefix) {
        if (ids.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (ids[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
