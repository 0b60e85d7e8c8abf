package dev.forja.tokenizer;

import dev.forja.ForjaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a byte-level BPE vocabulary the way GPT-2 and Hugging Face's ByteLevel BPE trainer do:
 * 1) stream the input files line by line and split out the special tokens; 2) pre-tokenise with GPT-2's pattern;
 * 3) write each piece's UTF-8 bytes in {@link ByteAlphabet} and count identical pieces ("words");
 * 4) repeatedly merge the most frequent adjacent pair (ties: the lexicographically smallest pair) until the
 * vocabulary is full or no pair occurs {@code minFrequency} times.
 *
 * <p>Step 4 keeps, for every pair, its count and the words holding it, and updates both only for the words a merge
 * touches, with a max-heap whose stale entries are re-queued when popped; so a few MB train to 8k tokens in seconds.
 *
 * <p>Example: {@code BpeTrainer.train(List.of(corpus), 8192, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, 2)
 * .write(outDir)}.
 */
public final class BpeTrainer {

    /** Count and where-index of one adjacent pair; {@code words} may hold stale or repeated entries. */
    private static final class PairStat {
        long count;
        int[] words = new int[4];
        int size;

        void addWord(int w) {
            if (size == words.length) {
                words = Arrays.copyOf(words, size * 2);
            }
            words[size++] = w;
        }
    }

    private record Candidate(long count, long pair) {}

    private final List<String> tokens = new ArrayList<>();
    private final Map<String, Integer> tokenIds = new HashMap<>();
    private final Map<Long, PairStat> pairs = new HashMap<>();
    private int[][] words;
    private long[] freqs;

    private BpeTrainer() {}

    /**
     * Trains on UTF-8 text files. {@code vocabSize} counts the 256 bytes and the special tokens, so it must be at
     * least {@code 256 + specialTokens.size()}; {@code minFrequency} (at least 1) stops merging pairs rarer than it.
     */
    public static TrainedBpe train(List<Path> inputs, int vocabSize, List<String> specialTokens, int minFrequency) {
        int minimum = 256 + specialTokens.size();
        if (vocabSize < minimum) {
            throw new ForjaException("--vocab-size " + vocabSize + " is too small: the 256 byte tokens and "
                    + specialTokens.size() + " special tokens alone need " + minimum + "; use at least " + minimum
                    + " (a few thousand for real merges)");
        }
        if (inputs.isEmpty()) {
            throw new ForjaException("No input files to train the tokenizer on; give at least one UTF-8 text file");
        }
        for (Path p : inputs) {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new ForjaException("Cannot read training input " + p + ": no such readable file");
            }
        }
        BpeTrainer t = new BpeTrainer();
        Map<String, long[]> counts = t.countWords(inputs, specialTokens);
        t.initVocabulary(specialTokens);
        t.initWords(counts);
        return new TrainedBpe(t.mergeUntil(vocabSize, Math.max(1, minFrequency)), specialTokens);
    }

    /** Steps 1-3: each distinct piece, written in the byte alphabet, with how often it occurs. */
    private Map<String, long[]> countWords(List<Path> inputs, List<String> specialTokens) {
        Map<String, long[]> counts = new HashMap<>();
        for (Path input : inputs) {
            Utf8Lines.forEach(input, line -> {
                for (String segment : withoutSpecials(line, specialTokens)) {
                    ByteLevelPreTokenizer.forEachPiece(
                            segment,
                            piece -> counts.computeIfAbsent(ByteAlphabet.encode(piece), k -> new long[1])[0]++);
                }
            });
        }
        return counts;
    }

    // Special tokens in the corpus (e.g. <|endoftext|> between documents) stand for themselves, not for text.
    private static List<String> withoutSpecials(String line, List<String> specialTokens) {
        List<String> segments = new ArrayList<>(List.of(line));
        for (String special : specialTokens) {
            List<String> next = new ArrayList<>();
            for (String s : segments) {
                int from = 0;
                for (int at = s.indexOf(special); at >= 0; at = s.indexOf(special, from)) {
                    next.add(s.substring(from, at));
                    from = at + special.length();
                }
                next.add(s.substring(from));
            }
            segments = next;
        }
        segments.removeIf(String::isEmpty);
        return segments;
    }

    private void initVocabulary(List<String> specialTokens) {
        for (int b = 0; b < 256; b++) {
            addToken(String.valueOf(ByteAlphabet.charOf(b)));
        }
        specialTokens.forEach(this::addToken);
    }

    private int addToken(String token) {
        tokens.add(token);
        tokenIds.put(token, tokens.size() - 1);
        return tokens.size() - 1;
    }

    private void initWords(Map<String, long[]> counts) {
        words = new int[counts.size()][];
        freqs = new long[counts.size()];
        int w = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            String word = e.getKey();
            int[] symbols = new int[word.length()];
            for (int i = 0; i < symbols.length; i++) {
                symbols[i] = ByteAlphabet.byteOf(word.charAt(i)); // byte b has id b
            }
            words[w] = symbols;
            freqs[w] = e.getValue()[0];
            for (int i = 0; i + 1 < symbols.length; i++) {
                PairStat s = stat(key(symbols[i], symbols[i + 1]));
                s.count += freqs[w];
                if (i == 0 || key(symbols[i - 1], symbols[i]) != key(symbols[i], symbols[i + 1])) {
                    s.addWord(w);
                }
            }
            w++;
        }
    }

    /** Step 4. */
    private List<TrainedBpe.Merge> mergeUntil(int vocabSize, int minFrequency) {
        PriorityQueue<Candidate> heap = new PriorityQueue<>((a, b) ->
                a.count() != b.count() ? Long.compare(b.count(), a.count()) : comparePairs(a.pair(), b.pair()));
        pairs.forEach((pair, s) -> heap.add(new Candidate(s.count, pair)));
        List<TrainedBpe.Merge> merges = new ArrayList<>();
        while (tokens.size() < vocabSize && !heap.isEmpty()) {
            Candidate top = heap.poll();
            PairStat stat = pairs.get(top.pair());
            if (stat.count != top.count()) { // stale: requeue with the current count
                if (stat.count >= minFrequency) {
                    heap.add(new Candidate(stat.count, top.pair()));
                }
                continue;
            }
            if (stat.count < minFrequency) {
                break;
            }
            int left = (int) (top.pair() >>> 32);
            int right = (int) top.pair();
            String merged = tokens.get(left) + tokens.get(right);
            Integer existing = tokenIds.get(merged);
            int id = existing != null ? existing : addToken(merged);
            merges.add(new TrainedBpe.Merge(tokens.get(left), tokens.get(right)));
            for (long pair : applyMerge(stat, left, right, id)) {
                heap.add(new Candidate(pairs.get(pair).count, pair));
            }
        }
        return merges;
    }

    /** Rewrites every word holding (left, right); returns the pairs that involve the new token. */
    private Set<Long> applyMerge(PairStat stat, int left, int right, int id) {
        Set<Long> created = new HashSet<>();
        int[] holders = Arrays.copyOf(stat.words, stat.size);
        Set<Integer> seen = new HashSet<>();
        for (int w : holders) {
            int[] old = words[w];
            if (!seen.add(w) || !contains(old, left, right)) {
                continue;
            }
            long f = freqs[w];
            for (int i = 0; i + 1 < old.length; i++) {
                pairs.get(key(old[i], old[i + 1])).count -= f;
            }
            int[] merged = merge(old, left, right, id);
            words[w] = merged;
            Set<Long> added = new HashSet<>();
            for (int i = 0; i + 1 < merged.length; i++) {
                long pair = key(merged[i], merged[i + 1]);
                PairStat s = stat(pair);
                s.count += f;
                if ((merged[i] == id || merged[i + 1] == id) && added.add(pair)) {
                    s.addWord(w);
                    created.add(pair);
                }
            }
        }
        // The merged pair is gone from every word; its where-index is no longer needed.
        stat.words = new int[0];
        stat.size = 0;
        return created;
    }

    private static boolean contains(int[] symbols, int left, int right) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            if (symbols[i] == left && symbols[i + 1] == right) {
                return true;
            }
        }
        return false;
    }

    /** Left to right, non-overlapping: (a a a) with (a, a) gives (aa a), as the encoder does. */
    private static int[] merge(int[] symbols, int left, int right, int id) {
        int[] out = new int[symbols.length];
        int n = 0;
        for (int i = 0; i < symbols.length; i++) {
            if (i + 1 < symbols.length && symbols[i] == left && symbols[i + 1] == right) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = symbols[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private int comparePairs(long a, long b) {
        int c = tokens.get((int) (a >>> 32)).compareTo(tokens.get((int) (b >>> 32)));
        return c != 0 ? c : tokens.get((int) a).compareTo(tokens.get((int) b));
    }

    private PairStat stat(long pair) {
        return pairs.computeIfAbsent(pair, k -> new PairStat());
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }
}
