package dev.forja.tokenizer;

import dev.forja.ForjaException;
import java.nio.file.Path;
import java.util.List;

/**
 * A byte-level BPE vocabulary learnt by {@link BpeTrainer}: the merges in the order they were learnt (rank order)
 * and the special tokens. Ids follow {@link ByteLevelTokenizerFiles}: bytes 0..255, special tokens, then one token
 * per merge.
 *
 * @param merges        [left, right] token strings (in {@link ByteAlphabet} characters), rank order
 * @param specialTokens added special tokens, ids 256 onwards
 */
public record TrainedBpe(List<Merge> merges, List<String> specialTokens) {

    /** One merge rule: the adjacent tokens {@code left} and {@code right} become {@code left + right}. */
    public record Merge(String left, String right) {
        public Merge {
            if (left.isEmpty() || right.isEmpty()) {
                throw new ForjaException(
                        "A merge joins two non-empty tokens, got \"" + left + "\" + \"" + right + "\"");
            }
        }
    }

    public TrainedBpe {
        merges = List.copyOf(merges);
        specialTokens = List.copyOf(specialTokens);
    }

    /** Tokens in the vocabulary: 256 bytes, the special tokens, and one per merge that made a new string. */
    public int vocabSize() {
        return 256
                + specialTokens.size()
                + (int) merges.stream()
                        .map(m -> m.left() + m.right())
                        .distinct()
                        .count();
    }

    /**
     * Writes {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json} into
     * {@code dir}. When the special tokens include ChatML's {@code <|im_start|>} and {@code <|im_end|>}, the ChatML
     * chat template is written too.
     */
    public void write(Path dir) {
        boolean chatMl = specialTokens.contains("<|im_start|>") && specialTokens.contains("<|im_end|>");
        write(
                dir,
                chatMl ? ByteLevelTokenizerFiles.chatMlTemplate() : null,
                ByteLevelTokenizerFiles.DEFAULT_MODEL_MAX_LENGTH);
    }

    /** As {@link #write(Path)} with an explicit chat template (null for none) and {@code model_max_length}. */
    public void write(Path dir, String chatTemplate, int modelMaxLength) {
        List<String[]> pairs =
                merges.stream().map(m -> new String[] {m.left(), m.right()}).toList();
        ByteLevelTokenizerFiles.writeBpe(dir, pairs, specialTokens, chatTemplate, modelMaxLength);
    }
}
