package dev.forja.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.forja.ForjaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust {@code tokenizers} library through DJL, so ids match
 * Python's {@code tokenizers.Tokenizer.from_file(f).encode(text, add_special_tokens=...).ids} exactly.
 *
 * <p>DJL's own defaults would change results: it truncates to 512 tokens, pads batches, and reads
 * {@code tokenizer_config.json} to lowercase, strip accents or add a prefix space. forja turns all of that off and
 * loads the {@code tokenizer.json} alone.
 *
 * <p>Example: {@code try (HfTokenizer t = HfTokenizer.load(modelDir)) { long[] ids = t.encode("¿Qué tal?", false); }}
 */
public final class HfTokenizer implements Tokenizer {

    // DJL's loader reports usage to AWS when it finds itself on EC2 unless this is set; forja never phones home.
    static {
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private static final Map<String, String> OPTIONS = Map.of(
            "truncation", "false",
            "padding", "false",
            "addSpecialTokens", "false",
            "withOverflowingTokens", "false");

    private final HuggingFaceTokenizer delegate;
    private final TokenizerJson json;
    private final List<String> specialTokens;

    private HfTokenizer(HuggingFaceTokenizer nativeTokenizer, TokenizerJson json) {
        this.delegate = nativeTokenizer;
        this.json = json;
        this.specialTokens = json.addedTokens().stream()
                .filter(TokenizerJson.AddedToken::special)
                .sorted((a, b) -> Integer.compare(a.id(), b.id()))
                .map(TokenizerJson.AddedToken::content)
                .toList();
    }

    /**
     * Loads a {@code tokenizer.json}, given as the file itself or as the model directory holding it. A directory with
     * only a SentencePiece {@code tokenizer.model} or a WordPiece {@code vocab.txt} is refused with the Python
     * one-liner that converts it.
     */
    public static HfTokenizer load(Path fileOrModelDir) {
        Path file = resolve(fileOrModelDir);
        TokenizerJson json = TokenizerJson.read(file);
        try (InputStream in = Files.newInputStream(file)) {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(in, OPTIONS), json);
        } catch (IOException | RuntimeException e) {
            throw new ForjaException(
                    "Hugging Face tokenizers cannot load " + file + ": " + e.getMessage()
                            + ". Check that it loads in Python with tokenizers.Tokenizer.from_file.",
                    e);
        }
    }

    private static Path resolve(Path fileOrModelDir) {
        if (!Files.isDirectory(fileOrModelDir)) {
            if (!Files.isRegularFile(fileOrModelDir)) {
                throw new ForjaException("No tokenizer at " + fileOrModelDir
                        + ": give a tokenizer.json file or a model directory containing one");
            }
            return fileOrModelDir;
        }
        Path file = fileOrModelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(file)) {
            return file;
        }
        String found = Files.exists(fileOrModelDir.resolve("tokenizer.model"))
                ? "a SentencePiece tokenizer.model"
                : Files.exists(fileOrModelDir.resolve("vocab.txt"))
                        ? "a WordPiece vocab.txt"
                        : Files.exists(fileOrModelDir.resolve("vocab.json"))
                                ? "a GPT-2 style vocab.json + merges.txt"
                                : null;
        String dir = fileOrModelDir.toString();
        if (found == null) {
            throw new ForjaException(fileOrModelDir + " has no tokenizer.json. Give the directory of a Hugging Face"
                    + " model (config.json, tokenizer.json…) or the path of a tokenizer.json file");
        }
        throw new ForjaException(fileOrModelDir + " has " + found + " but no tokenizer.json, the only format forja"
                + " reads. Convert it once with Python: pip install transformers sentencepiece protobuf && python -c"
                + " \"from transformers import AutoTokenizer; AutoTokenizer.from_pretrained('" + dir
                + "').save_pretrained('" + dir + "')\"");
    }

    @Override
    public long[] encode(String text, boolean addSpecialTokens) {
        return delegate.encode(text, addSpecialTokens, false).getIds();
    }

    @Override
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return delegate.decode(ids, skipSpecialTokens);
    }

    @Override
    public OptionalLong tokenToId(String token) {
        return json.tokenToId(token);
    }

    /** The token string of an id (byte-level vocabularies show bytes as GPT-2 characters, e.g. {@code "Ġde"}). */
    public Optional<String> idToToken(long id) {
        return json.idToToken(id);
    }

    /** Highest id plus one (added tokens included): the rows an embedding matrix needs. */
    @Override
    public int vocabSize() {
        return json.vocabSize();
    }

    @Override
    public List<String> specialTokens() {
        return specialTokens;
    }

    /** The file this tokenizer was loaded from. */
    public Path file() {
        return json.file();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
