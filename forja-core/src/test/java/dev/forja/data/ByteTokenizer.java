package dev.forja.data;

import dev.forja.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * A test tokenizer: one id per UTF-8 byte (0..255), then the special tokens (256, 257, …) recognised as single ids
 * anywhere in the text, like Hugging Face's added tokens. With {@code addsBos} its "post-processor" puts
 * {@code <s>} first when {@code addSpecialTokens} is true, as Llama's does.
 */
final class ByteTokenizer implements Tokenizer {

    static final List<String> SPECIALS = List.of(
            "<|endoftext|>",
            "<|im_start|>",
            "<|im_end|>",
            "<s>",
            "</s>",
            "[INST]",
            "[/INST]",
            "<|begin_of_text|>",
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|eot_id|>",
            "<|user|>",
            "<|assistant|>",
            "<|system|>");

    private final boolean addsBos;
    private final List<String> byLength;

    ByteTokenizer(boolean addsBos) {
        this.addsBos = addsBos;
        this.byLength = new ArrayList<>(SPECIALS);
        byLength.sort(Comparator.comparingInt(String::length).reversed());
    }

    long id(String special) {
        return 256 + SPECIALS.indexOf(special);
    }

    @Override
    public long[] encode(String text, boolean addSpecialTokens) {
        List<Long> ids = new ArrayList<>();
        if (addSpecialTokens && addsBos) {
            ids.add(id("<s>"));
        }
        int i = 0;
        outer:
        while (i < text.length()) {
            for (String special : byLength) {
                if (text.startsWith(special, i)) {
                    ids.add(id(special));
                    i += special.length();
                    continue outer;
                }
            }
            int cp = text.codePointAt(i);
            for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                ids.add((long) (b & 0xff));
            }
            i += Character.charCount(cp);
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public String decode(long[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long id : ids) {
            if (id < 256) {
                bytes.write((int) id);
                continue;
            }
            out.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.reset();
            if (!skipSpecialTokens) {
                out.append(SPECIALS.get((int) id - 256));
            }
        }
        return out.append(bytes.toString(StandardCharsets.UTF_8)).toString();
    }

    @Override
    public OptionalLong tokenToId(String token) {
        int index = SPECIALS.indexOf(token);
        return index < 0 ? OptionalLong.empty() : OptionalLong.of(256 + index);
    }

    @Override
    public int vocabSize() {
        return 256 + SPECIALS.size();
    }

    @Override
    public List<String> specialTokens() {
        return SPECIALS;
    }

    @Override
    public void close() {}
}
