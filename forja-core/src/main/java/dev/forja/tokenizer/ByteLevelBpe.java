package dev.forja.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forja.ForjaException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * forja's own encoder for byte-level BPE {@code tokenizer.json} files (GPT-2's scheme, the one {@link BpeTrainer}
 * and {@link ByteLevelTokenizerFiles} write), in plain Java: no native library. It gives the same ids as
 * {@link HfTokenizer} on the same file.
 *
 * <p>Steps, as the Rust library takes them: 1) split out added tokens, leftmost-longest; 2) split the rest with
 * GPT-2's pattern ({@link ByteLevelPreTokenizer}); 3) write each piece's UTF-8 bytes in {@link ByteAlphabet};
 * 4) merge, repeatedly taking the adjacent pair with the lowest merge rank (leftmost on ties).
 *
 * <p>Example: {@code ByteLevelBpe.load(dir).encode("¿Qué tal?")}.
 */
public final class ByteLevelBpe implements Tokenizer {

    private static final int CACHE_LIMIT = 100_000;

    private final Map<String, Integer> vocab = new HashMap<>();
    private final String[] idToToken;
    /** (left id, right id) → {rank, merged id}. */
    private final Map<Long, int[]> merges = new HashMap<>();

    private final List<TokenizerJson.AddedToken> addedByLength;
    private final List<String> specialTokens;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ByteLevelBpe(TokenizerJson json) {
        requireByteLevel(json);
        for (int id = 0; id < json.vocabSize(); id++) {
            final int tokenId = id;
            json.idToToken(id).ifPresent(t -> vocab.put(t, tokenId));
        }
        for (int b = 0; b < 256; b++) {
            if (!vocab.containsKey(String.valueOf(ByteAlphabet.charOf(b)))) {
                throw new ForjaException(json.file() + " lacks the byte token for 0x" + Integer.toHexString(b) + " (\""
                        + ByteAlphabet.charOf(b) + "\"); a byte-level BPE needs all 256");
            }
        }
        idToToken = new String[json.vocabSize()];
        vocab.forEach((t, id) -> idToToken[id] = t);
        List<String[]> pairs = json.merges();
        for (int rank = 0; rank < pairs.size(); rank++) {
            String[] p = pairs.get(rank);
            Integer left = vocab.get(p[0]);
            Integer right = vocab.get(p[1]);
            Integer merged = vocab.get(p[0] + p[1]);
            if (left == null || right == null || merged == null) {
                throw new ForjaException(json.file() + ": merge #" + (rank + 1) + " \"" + p[0] + " " + p[1]
                        + "\" uses or makes a token missing from model.vocab; the file is damaged");
            }
            merges.putIfAbsent(key(left, right), new int[] {rank, merged});
        }
        addedByLength = json.addedTokens().stream()
                .sorted(Comparator.comparingInt(
                                (TokenizerJson.AddedToken t) -> t.content().length())
                        .reversed())
                .toList();
        specialTokens = json.addedTokens().stream()
                .filter(TokenizerJson.AddedToken::special)
                .sorted(Comparator.comparingInt(TokenizerJson.AddedToken::id))
                .map(TokenizerJson.AddedToken::content)
                .toList();
    }

    /** Loads a byte-level BPE {@code tokenizer.json}, or the model directory holding one. */
    public static ByteLevelBpe load(Path fileOrModelDir) {
        Path file = Files.isDirectory(fileOrModelDir) ? fileOrModelDir.resolve("tokenizer.json") : fileOrModelDir;
        if (!Files.isRegularFile(file)) {
            throw new ForjaException("No tokenizer.json at " + file);
        }
        return new ByteLevelBpe(TokenizerJson.read(file));
    }

    // Anything else (normalizers, Metaspace, TemplateProcessing, stripped added tokens) needs HfTokenizer.
    private static void requireByteLevel(TokenizerJson json) {
        JsonNode root = json.root();
        JsonNode pre = root.path("pre_tokenizer");
        JsonNode post = root.path("post_processor");
        boolean ok = json.modelType().equals("BPE")
                && root.path("normalizer").isNull()
                && pre.path("type").asText().equals("ByteLevel")
                && !pre.path("add_prefix_space").asBoolean(false)
                && pre.path("use_regex").asBoolean(true)
                && (post.isNull()
                        || post.isMissingNode()
                        || post.path("type").asText().equals("ByteLevel"))
                && root.path("model")
                        .path("continuing_subword_prefix")
                        .asText("")
                        .isEmpty()
                && root.path("model").path("end_of_word_suffix").asText("").isEmpty()
                && !root.path("model").path("ignore_merges").asBoolean(false);
        for (JsonNode t : root.path("added_tokens")) {
            ok &= !t.path("lstrip").asBoolean()
                    && !t.path("rstrip").asBoolean()
                    && !t.path("single_word").asBoolean();
        }
        if (!ok) {
            throw new ForjaException(json.file() + " is not a plain byte-level BPE tokenizer (GPT-2 style, as forja"
                    + " writes); load it with HfTokenizer instead");
        }
    }

    /** The ids of {@code text}; added tokens in it become their single ids. */
    public long[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int[] match = nextAddedToken(text, start); // {position, length, id} or null
            int end = match == null ? text.length() : match[0];
            if (end > start) {
                ByteLevelPreTokenizer.forEachPiece(text.subSequence(start, end), piece -> {
                    if (cache.size() > CACHE_LIMIT) {
                        cache.clear();
                    }
                    for (int id : cache.computeIfAbsent(piece, this::bpe)) {
                        out.add(id);
                    }
                });
            }
            if (match == null) {
                break;
            }
            out.add(match[2]);
            start = match[0] + match[1];
        }
        return out.stream().mapToLong(Integer::longValue).toArray();
    }

    /** Added tokens are matched leftmost first, then longest, as Hugging Face's Aho-Corasick split does. */
    private int[] nextAddedToken(String text, int from) {
        if (addedByLength.isEmpty()) {
            return null;
        }
        for (int pos = from; pos < text.length(); pos++) {
            for (TokenizerJson.AddedToken t : addedByLength) {
                if (!t.content().isEmpty() && text.startsWith(t.content(), pos)) {
                    return new int[] {pos, t.content().length(), t.id()};
                }
            }
        }
        return null;
    }

    /** Byte-level BPE of one pre-token: merge the lowest-rank adjacent pair, leftmost first, until none applies. */
    private int[] bpe(String piece) {
        String chars = ByteAlphabet.encode(piece);
        int n = chars.length();
        int[] sym = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = vocab.get(String.valueOf(chars.charAt(i)));
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Candidates ordered by (rank, position); stale ones are recognised when popped and skipped.
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, sym[i], sym[i + 1], i);
        }
        boolean[] removed = new boolean[n];
        while (!queue.isEmpty()) {
            long top = queue.poll();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            if (removed[pos] || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            int[] merge = merges.get(key(sym[pos], sym[right]));
            if (merge == null || merge[0] != rank) {
                continue;
            }
            sym[pos] = merge[1];
            removed[right] = true;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
                offer(queue, sym[pos], sym[next[pos]], pos);
            }
            if (prev[pos] >= 0) {
                offer(queue, sym[prev[pos]], sym[pos], prev[pos]);
            }
        }
        int[] out = new int[n];
        int count = 0;
        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            out[count++] = sym[i];
        }
        return Arrays.copyOf(out, count);
    }

    private void offer(PriorityQueue<Long> queue, int left, int right, int pos) {
        int[] merge = merges.get(key(left, right));
        if (merge != null) {
            queue.add(((long) merge[0] << 32) | pos);
        }
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** The text of {@code ids}, special tokens included; ids outside the vocabulary are skipped. */
    public String decode(long[] ids) {
        return decode(ids, false);
    }

    @Override
    public String decode(long[] ids, boolean skipSpecialTokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long id : ids) {
            if (id < 0 || id >= idToToken.length || idToToken[(int) id] == null) {
                continue;
            }
            String token = idToToken[(int) id];
            if (!(skipSpecialTokens && specialTokens.contains(token))) {
                ByteAlphabet.appendBytes(token, bytes);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** As {@link #encode(String)}: a byte-level post-processor adds no tokens, so the flag changes nothing. */
    @Override
    public long[] encode(String text, boolean addSpecialTokens) {
        return encode(text);
    }

    @Override
    public OptionalLong tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** The token string of an id, in the byte alphabet (e.g. {@code "Ġde"}). */
    public Optional<String> idToToken(long id) {
        return id >= 0 && id < idToToken.length ? Optional.ofNullable(idToToken[(int) id]) : Optional.empty();
    }

    @Override
    public int vocabSize() {
        return idToToken.length;
    }

    @Override
    public List<String> specialTokens() {
        return specialTokens;
    }

    /** Holds no native memory; nothing to release. */
    @Override
    public void close() {}
}
