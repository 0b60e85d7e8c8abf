package dev.forja.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the pieces BPE merges never cross, with GPT-2's pattern (the one Hugging Face's ByteLevel
 * pre-tokenizer applies when {@code use_regex} is true): English contractions, letter runs, digit runs and
 * punctuation runs, each with at most one leading space, and whitespace runs that leave their last space to the
 * next word.
 *
 * <p>Example: {@code "Hola  mundo!\n"} splits into {@code "Hola", " ", " mundo", "!", "\n"}.
 */
final class ByteLevelPreTokenizer {

    // UNICODE_CHARACTER_CLASS makes \s match all Unicode white space (U+3000, U+00A0…), as Oniguruma's \s does
    // in the Rust library; \p{L} and \p{N} are Unicode categories either way.
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private ByteLevelPreTokenizer() {}

    /** Hands each piece of {@code text}, in order, to {@code sink}; the pieces concatenate back to the text. */
    static void forEachPiece(CharSequence text, Consumer<String> sink) {
        Matcher m = GPT2.matcher(text);
        while (m.find()) {
            sink.accept(m.group());
        }
    }

    /** The pieces of {@code text}, in order. */
    static List<String> pieces(CharSequence text) {
        List<String> out = new ArrayList<>();
        forEachPiece(text, out::add);
        return out;
    }
}
