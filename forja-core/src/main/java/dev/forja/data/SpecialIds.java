package dev.forja.data;

import dev.forja.ForjaException;
import dev.forja.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The token ids the data pipeline needs: end-of-sequence (appended to every sample and trained) and padding (fills
 * batch rows; never a target, so any id works; the pad token if the model has one, else EOS, as HF Trainer does).
 */
public record SpecialIds(long eos, long pad) {

    /** Tried, in order, when {@code tokenizer_config.json} names no {@code eos_token}. */
    private static final List<String> COMMON_EOS =
            List.of("</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>", "<|im_end|>", "[SEP]");

    public SpecialIds {
        if (eos < 0 || pad < 0) {
            throw new IllegalArgumentException("token ids must be >= 0, got eos=" + eos + " pad=" + pad);
        }
    }

    /** From a model directory's {@code tokenizer_config.json} ({@code eos_token}, {@code pad_token}). */
    public static SpecialIds fromModelDir(Path dir, Tokenizer tokenizer) {
        Map<String, String> tokens = ChatTemplate.readSpecialTokens(dir.resolve("tokenizer_config.json"));
        return resolve(tokenizer, tokens.get("eos_token"), tokens.get("pad_token"));
    }

    /**
     * Looks the token strings up in the vocabulary; either may be null.
     *
     * @throws ForjaException when no end-of-sequence token can be found
     */
    public static SpecialIds resolve(Tokenizer tokenizer, String eosToken, String padToken) {
        OptionalLong eos = eosToken == null ? OptionalLong.empty() : tokenizer.tokenToId(eosToken);
        for (int i = 0; eos.isEmpty() && i < COMMON_EOS.size(); i++) {
            eos = tokenizer.tokenToId(COMMON_EOS.get(i));
        }
        if (eos.isEmpty()) {
            throw new ForjaException("the tokenizer has no end-of-sequence token"
                    + (eosToken == null ? "" : " (eos_token \"" + eosToken + "\" is not in its vocabulary)")
                    + "; set \"eos_token\" in tokenizer_config.json");
        }
        OptionalLong pad = padToken == null ? OptionalLong.empty() : tokenizer.tokenToId(padToken);
        return new SpecialIds(eos.getAsLong(), pad.orElse(eos.getAsLong()));
    }
}
