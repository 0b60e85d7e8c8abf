package dev.forja.tokenizer;

import java.util.List;
import java.util.OptionalLong;

/**
 * Text to token ids and back. Implementations: {@link HfTokenizer} (Hugging Face's tokenizers through DJL, exact
 * parity with any {@code tokenizer.json}) and {@link ByteLevelBpe} (pure Java, byte-level BPE files only).
 *
 * <p>Example: {@code try (Tokenizer t = HfTokenizer.load(dir)) { long[] ids = t.encode("Hola", false); }}
 */
public interface Tokenizer extends AutoCloseable {

    /**
     * Encodes text. With {@code addSpecialTokens} the tokenizer's own post-processor runs (it may add BOS/EOS,
     * as Hugging Face's {@code add_special_tokens=True}); without it, only the text's tokens come back.
     */
    long[] encode(String text, boolean addSpecialTokens);

    /** Decodes ids to text; special tokens are kept when {@code skipSpecialTokens} is false. */
    String decode(long[] ids, boolean skipSpecialTokens);

    /** The id of a token string in the vocabulary (added tokens included), if present. */
    OptionalLong tokenToId(String token);

    /** Number of entries in the vocabulary, added tokens included. */
    int vocabSize();

    /** The special (added, special=true) token strings, in id order. */
    List<String> specialTokens();

    @Override
    void close();
}
