package dev.forja.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forja.ForjaException;
import dev.forja.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleEncoderTest {

    private static final Source SRC = new Source("train.jsonl", 7);
    private final ByteTokenizer gpt = new ByteTokenizer(false);
    private final ByteTokenizer llama = new ByteTokenizer(true);

    /** The trained positions, decoded as maximal runs of consecutive targets (also used by other data tests). */
    static List<String> trainedRuns(Tokenizer tok, EncodedSample s) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            if (!s.trainable()[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < s.length() && s.trainable()[i]) {
                i++;
            }
            runs.add(tok.decode(Arrays.copyOfRange(s.ids(), start, i), false));
        }
        return runs;
    }

    private static List<Message> chat(String... roleContent) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < roleContent.length; i += 2) {
            messages.add(new Message(roleContent[i], roleContent[i + 1]));
        }
        return messages;
    }

    /** A system prompt, then two exchanges: "Hi" / "Hello!" and "Bye" / "Ciao". */
    private static List<Message> twoExchanges(String system) {
        return chat("system", system, "user", "Hi", "assistant", "Hello!", "user", "Bye", "assistant", "Ciao");
    }

    private SampleEncoder encoder(
            ByteTokenizer tok, ChatTemplate template, String eos, int maxLength, boolean trainOnPrompt) {
        return new SampleEncoder(tok, template, tok.id(eos), new SampleEncoder.Options(maxLength, trainOnPrompt));
    }

    @Test
    void textTrainsEveryTokenAndAppendsEos() {
        EncodedSample s = encoder(gpt, null, "<|endoftext|>", 512, false).encode(new TextExample("héllo", SRC));
        assertThat(gpt.decode(s.ids(), false)).isEqualTo("héllo<|endoftext|>");
        assertThat(trainedRuns(gpt, s)).containsExactly("héllo<|endoftext|>");
        assertThat(s.truncated()).isFalse();
        assertThat(s.source()).isEqualTo(SRC);
    }

    @Test
    void promptCompletionTrainsOnlyCompletionAndEos() {
        SampleEncoder enc = encoder(gpt, null, "<|endoftext|>", 512, false);
        EncodedSample s = enc.encode(new PromptCompletionExample("Q: 2+2?\nA:", " 4", SRC));
        assertThat(gpt.decode(s.ids(), false)).isEqualTo("Q: 2+2?\nA: 4<|endoftext|>");
        assertThat(trainedRuns(gpt, s)).containsExactly(" 4<|endoftext|>");
        assertThat(s.trainableTokens()).isEqualTo(3);

        EncodedSample all = encoder(gpt, null, "<|endoftext|>", 512, true)
                .encode(new PromptCompletionExample("Q: 2+2?\nA:", " 4", SRC));
        assertThat(trainedRuns(gpt, all)).containsExactly("Q: 2+2?\nA: 4<|endoftext|>");
    }

    @Test
    void bosFromThePostProcessorIsPrependedOnce() {
        EncodedSample s =
                encoder(llama, null, "</s>", 512, false).encode(new PromptCompletionExample("Hi", " there", SRC));
        assertThat(llama.decode(s.ids(), false)).isEqualTo("<s>Hi there</s>");
        assertThat(trainedRuns(llama, s)).containsExactly(" there</s>");
    }

    @Test
    void chatmlTrainsAssistantContentEndOfTurnAndFinalEos() {
        ChatTemplate t = ChatTemplate.of(Templates.CHATML, Map.of("eos_token", "<|endoftext|>"));
        List<Message> messages = twoExchanges("Be kind.");
        EncodedSample s = encoder(gpt, t, "<|endoftext|>", 512, false).encode(new ChatExample(messages, SRC));
        assertThat(trainedRuns(gpt, s)).containsExactly("Hello!<|im_end|>", "Ciao<|im_end|>", "<|endoftext|>");
        // the rest is exactly the template's rendering: nothing lost or added but the final EOS
        assertThat(gpt.decode(s.ids(), false)).isEqualTo(t.render(messages, false) + "<|endoftext|>");
    }

    @Test
    void chatmlWithImEndAsEosAddsNoSecondEos() {
        ChatTemplate t = ChatTemplate.of(Templates.CHATML, Map.of("eos_token", "<|im_end|>"));
        EncodedSample s = encoder(gpt, t, "<|im_end|>", 512, false)
                .encode(new ChatExample(chat("user", "Hi", "assistant", "Hello!"), SRC));
        assertThat(trainedRuns(gpt, s)).containsExactly("Hello!<|im_end|>");
        assertThat(gpt.decode(s.ids(), false)).endsWith("Hello!<|im_end|>\n");
    }

    @Test
    void llama2TrainsAssistantTurnsWithEosAndKeepsTheTemplatesBos() {
        ChatTemplate t = ChatTemplate.of(Templates.LLAMA2, Map.of("bos_token", "<s>", "eos_token", "</s>"));
        EncodedSample s = encoder(llama, t, "</s>", 512, false).encode(new ChatExample(twoExchanges("Be brief."), SRC));
        assertThat(trainedRuns(llama, s)).containsExactly(" Hello! </s>", " Ciao </s>");
        assertThat(s.ids()[0]).isEqualTo(llama.id("<s>"));
        assertThat(s.ids()[1]).isNotEqualTo(llama.id("<s>")); // the template's BOS, not a second one
        assertThat(llama.decode(s.ids(), false)).startsWith("<s>[INST] <<SYS>>\nBe brief.");
    }

    @Test
    void llama3TrainsContentAndEotId() {
        ChatTemplate t =
                ChatTemplate.of(Templates.LLAMA3, Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>"));
        EncodedSample s = encoder(gpt, t, "<|eot_id|>", 512, false)
                .encode(new ChatExample(chat("user", "Hi", "assistant", "Hello!"), SRC));
        assertThat(trainedRuns(gpt, s)).containsExactly("Hello!<|eot_id|>");
    }

    @Test
    void zephyrTrainsContentAndEosButNotTheNewlineAfterIt() {
        ChatTemplate t = ChatTemplate.of(Templates.ZEPHYR, Map.of("eos_token", "</s>"));
        EncodedSample s =
                encoder(gpt, t, "</s>", 512, false).encode(new ChatExample(chat("user", "Hi", "assistant", "Yo"), SRC));
        assertThat(trainedRuns(gpt, s)).containsExactly("Yo</s>");
    }

    @Test
    void conversationEndingWithUserGetsNoFinalEos() {
        ChatTemplate t = ChatTemplate.of(Templates.CHATML, Map.of());
        EncodedSample s = encoder(gpt, t, "<|endoftext|>", 512, false)
                .encode(new ChatExample(chat("user", "Hi", "assistant", "Yo", "user", "Bye"), SRC));
        assertThat(trainedRuns(gpt, s)).containsExactly("Yo<|im_end|>");
    }

    @Test
    void templateThatRewritesEarlierTurnsFallsBackToSearch() {
        // not append-only: every assistant turn but the last is rendered differently
        String rewriting = "{% for m in messages %}{% if m.role == 'user' %}<|im_start|>{{ m.content }}<|im_end|>"
                + "{% elif loop.last %}{{ m.content }}<|im_end|>{% else %}old:{{ m.content }}<|im_end|>{% endif %}"
                + "{% endfor %}{% if add_generation_prompt %}GEN{% endif %}";
        ChatTemplate t = ChatTemplate.of(rewriting, Map.of());
        List<Message> messages =
                chat("user", "Capital of Italy?", "assistant", "Rome", "user", "And France?", "assistant", "Paris");
        EncodedSample s = encoder(gpt, t, "<|endoftext|>", 512, false).encode(new ChatExample(messages, SRC));
        assertThat(trainedRuns(gpt, s)).containsExactly("Rome<|im_end|>", "Paris<|im_end|><|endoftext|>");
    }

    @Test
    void trainOnPromptTrainsTheWholeConversation() {
        ChatTemplate t = ChatTemplate.of(Templates.MISTRAL, Map.of("bos_token", "<s>", "eos_token", "</s>"));
        EncodedSample s = encoder(llama, t, "</s>", 512, true)
                .encode(new ChatExample(chat("user", "Hi", "assistant", "Yo"), SRC));
        assertThat(trainedRuns(llama, s)).containsExactly("<s>[INST] Hi [/INST]Yo</s>");
    }

    @Test
    void chatWithoutTemplateOrRejectedByTemplateNamesTheLine() {
        assertThatThrownBy(() -> encoder(gpt, null, "</s>", 512, false)
                        .encode(new ChatExample(chat("user", "Hi", "assistant", "Yo"), SRC)))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("train.jsonl:7: ")
                .hasMessageContaining("chat template");
        ChatTemplate t = ChatTemplate.of(Templates.MISTRAL, Map.of("bos_token", "<s>", "eos_token", "</s>"));
        assertThatThrownBy(() -> encoder(llama, t, "</s>", 512, false)
                        .encode(new ChatExample(chat("system", "S", "user", "Hi", "assistant", "Yo"), SRC)))
                .isInstanceOf(ForjaException.class)
                .hasMessageStartingWith("train.jsonl:7: ")
                .hasMessageContaining("Conversation roles must alternate");
    }

    @Test
    void longSamplesAreCutAtTheRightAndFlagged() {
        EncodedSample s = encoder(gpt, null, "<|endoftext|>", 8, false)
                .encode(new PromptCompletionExample("abc", "defghijkl", SRC));
        assertThat(s.length()).isEqualTo(8);
        assertThat(s.truncated()).isTrue();
        assertThat(gpt.decode(s.ids(), false)).isEqualTo("abcdefgh");
        assertThat(trainedRuns(gpt, s)).containsExactly("defgh");
    }
}
