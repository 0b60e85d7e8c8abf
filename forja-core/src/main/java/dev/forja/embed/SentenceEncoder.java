package dev.forja.embed;

import dev.forja.ForjaException;
import dev.forja.model.bert.BertLoader;
import dev.forja.model.bert.BertModel;
import dev.forja.tensor.CpuThreads;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import dev.forja.tokenizer.Truncation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Sentence embeddings as sentence-transformers computes them: tokens with {@code [CLS]}/{@code [SEP]}, truncated to
 * {@link #maxTokens()}, through a BERT encoder; the last hidden state pooled as the model says ({@link Pooling}: mean
 * over the attention mask by default, or the {@code [CLS]} state, or the maximum), then L2-normalised unless the model
 * says otherwise, so that the dot product of two vectors is their cosine similarity. Retrieval models that want a
 * prefix before queries or passages get it from {@link #embedQueries} and {@link #embedPassages}
 * ({@link EmbeddingPrefixes}). Texts are batched by length so that little padding is computed. Safe for one thread at
 * a time.
 *
 * <p>Example: {@code try (SentenceEncoder e = SentenceEncoder.miniLm()) { float[][] v = e.embed(List.of("Hola")); }}
 */
public final class SentenceEncoder implements AutoCloseable {
    /** Texts per forward pass; larger batches gain little on CPU and pad more. */
    public static final int DEFAULT_BATCH = 32;

    private final BertModel model;
    private final HfTokenizer tokenizer;
    private final int maxTokens;
    private final int batchSize;
    private final Pooling pooling;
    private final EmbeddingPrefixes prefixes;
    private final AtomicLong truncated = new AtomicLong();

    /** An encoder that mean-pools and normalises, with no prefixes (all-MiniLM-L6-v2's conventions). */
    public SentenceEncoder(BertModel model, HfTokenizer tokenizer, int maxTokens, int batchSize) {
        this(model, tokenizer, maxTokens, batchSize, Pooling.meanNormalized(), EmbeddingPrefixes.NONE);
    }

    /**
     * @param maxTokens longer texts are cut to this many tokens, {@code [CLS]} and {@code [SEP]} included
     * @param prefixes put before the texts of {@link #embedQueries} and {@link #embedPassages}
     */
    public SentenceEncoder(
            BertModel model,
            HfTokenizer tokenizer,
            int maxTokens,
            int batchSize,
            Pooling pooling,
            EmbeddingPrefixes prefixes) {
        if (maxTokens < 2 || maxTokens > model.config().maxPositionEmbeddings()) {
            throw new ForjaException("max tokens must be within [2, "
                    + model.config().maxPositionEmbeddings() + "] (the model's positions), got " + maxTokens);
        }
        if (batchSize < 1) throw new ForjaException("batch size must be >= 1, got " + batchSize);
        if (pooling == null || prefixes == null) {
            throw new ForjaException("pooling and prefixes must be given (Pooling.meanNormalized(), "
                    + "EmbeddingPrefixes.NONE for all-MiniLM-L6-v2's conventions)");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.batchSize = batchSize;
        this.pooling = pooling;
        this.prefixes = prefixes;
    }

    /**
     * Loads a sentence-embedding model from a Hugging Face BERT directory ({@code config.json}, safetensors,
     * {@code tokenizer.json}); {@code max_seq_length} comes from {@code sentence_bert_config.json} when present, else
     * the model's position count; pooling from the sentence-transformers files ({@link SentenceTransformersFiles#pooling});
     * prefixes from {@link EmbeddingPrefixes#read}.
     */
    public static SentenceEncoder load(Path dir) {
        return load(dir, null);
    }

    /** {@link #load(Path)}, with {@code prefixes} in place of the directory's own (those when null). */
    public static SentenceEncoder load(Path dir, EmbeddingPrefixes prefixes) {
        EmbeddingPrefixes p = prefixes != null ? prefixes : EmbeddingPrefixes.read(dir);
        BertModel model = BertLoader.load(dir, ScalarType.Float);
        Pooling pooling = SentenceTransformersFiles.pooling(dir, model.config().hiddenSize());
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            tokenizer.close();
            throw new ForjaException(dir + ": tokenizer.json has " + tokenizer.vocabSize() + " tokens but the model "
                    + "embeds " + model.config().vocabSize() + "; the tokenizer belongs to another model");
        }
        int max = SentenceTransformersFiles.maxSeqLength(dir)
                .orElse(model.config().maxPositionEmbeddings());
        return new SentenceEncoder(
                model, tokenizer, Math.min(max, model.config().maxPositionEmbeddings()), DEFAULT_BATCH, pooling, p);
    }

    /** all-MiniLM-L6-v2 from the class path, imported once into forja's cache (see {@link MiniLm}). */
    public static SentenceEncoder miniLm() {
        return load(MiniLm.directory());
    }

    /** The vectors' length (the model's hidden size). */
    public int dimension() {
        return model.config().hiddenSize();
    }

    /** The most tokens a text keeps, {@code [CLS]} and {@code [SEP]} included. */
    public int maxTokens() {
        return maxTokens;
    }

    /** How many texts this encoder has cut to {@link #maxTokens()} so far. */
    public long truncatedCount() {
        return truncated.get();
    }

    /** How token states become a sentence vector, and whether it is L2-normalised. */
    public Pooling pooling() {
        return pooling;
    }

    /** The prefixes {@link #embedQueries} and {@link #embedPassages} put before each text. */
    public EmbeddingPrefixes prefixes() {
        return prefixes;
    }

    public BertModel model() {
        return model;
    }

    /**
     * A text's token ids with {@code [CLS]} and {@code [SEP]}; past {@link #maxTokens()} the text's tail is dropped
     * and the final {@code [SEP]} kept, as Hugging Face's truncation does.
     */
    public long[] tokenize(String text) {
        long[] ids = tokenizer.encode(text, true);
        if (ids.length > maxTokens) truncated.incrementAndGet();
        return Truncation.keepingLast(ids, maxTokens);
    }

    /** How many tokens the text is, {@code [CLS]} and {@code [SEP]} included, before any truncation. */
    public int countTokens(String text) {
        return tokenizer.encode(text, true).length;
    }

    /** One unit vector per text, in the order given. */
    public float[][] embed(List<String> texts) {
        List<long[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) ids.add(tokenize(t));
        return embedTokens(ids);
    }

    /** The vector of one text. */
    public float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /** Search queries' vectors: each text after the model's query prefix (E5's {@code "query: "}, BGE's instruction). */
    public float[][] embedQueries(List<String> queries) {
        return embedPrefixed(prefixes.queryPrefix(), queries);
    }

    /** The vector of one search query, after the model's query prefix. */
    public float[] embedQuery(String query) {
        return embedQueries(List.of(query))[0];
    }

    /** Documents' vectors, for an index: each text after the model's passage prefix (E5's {@code "passage: "}). */
    public float[][] embedPassages(List<String> passages) {
        return embedPrefixed(prefixes.passagePrefix(), passages);
    }

    private float[][] embedPrefixed(String prefix, List<String> texts) {
        List<long[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) ids.add(tokenize(prefix + t));
        return embedTokens(ids, promptTokens(prefix), n -> {});
    }

    /**
     * How many leading tokens the pool leaves out: none, unless the model pools without its prompt
     * ({@link Pooling#includePrompt()} false); then, as sentence-transformers counts a prompt's length, {@code [CLS]}
     * and the prefix's tokens (the prefix tokenized alone, less its {@code [SEP]}).
     */
    private int promptTokens(String prefix) {
        if (prefix.isEmpty() || pooling.includePrompt() || pooling.mode() == Pooling.Mode.CLS) return 0;
        return tokenizer.encode(prefix, true).length - 1;
    }

    /** Embeds already tokenized texts (ids with their special tokens), batched by length. */
    public float[][] embedTokens(List<long[]> ids) {
        return embedTokens(ids, 0, n -> {});
    }

    /**
     * {@link #embedTokens(List)}, calling {@code progress} with the count of texts embedded so far after each batch
     * (from any of the threads that embed: it must be thread-safe). Give all the texts at once: they are batched by
     * length over the whole list, which pads least (the quickstart's 2,291 requests: 53-57 s at once, 72-76 s in
     * lists of 256).
     */
    public float[][] embedTokens(List<long[]> ids, IntConsumer progress) {
        return embedTokens(ids, 0, progress);
    }

    /** {@link #embedTokens(List)}, the first {@code skip} positions of each text left out of the pool. */
    private float[][] embedTokens(List<long[]> ids, int skip, IntConsumer progress) {
        Integer[] order = new Integer[ids.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids.get(i).length)); // similar lengths pad little
        float[][] out = new float[ids.size()][];
        int batches = (order.length + batchSize - 1) / batchSize;
        AtomicInteger done = new AtomicInteger();
        // batches spread over the cores, the longest first: in a float32 setup libtorch's element-wise ops run on one
        // thread, which left the other cores idle between products (2-core AMD EPYC, MiniLM, 600 requests of up to 256
        // tokens: 16.7-17.7 -> 12.7-13.8 s)
        CpuThreads.forEachTask(batches, i -> {
            int k = batches - 1 - i;
            embedBatch(ids, order, k, skip, out);
            progress.accept(done.addAndGet(Math.min(batchSize, order.length - k * batchSize)));
        });
        return out;
    }

    /** Embeds batch {@code k} of the texts in {@code order} (sorted by length) into {@code out}. */
    private void embedBatch(List<long[]> ids, Integer[] order, int k, int skip, float[][] out) {
        int start = k * batchSize;
        int n = Math.min(batchSize, order.length - start);
        int C = dimension();
        List<long[]> batch = new ArrayList<>(n);
        for (int j = 0; j < n; j++) batch.add(ids.get(order[start + j]));
        float[] flat;
        try (PointerScope scope = new PointerScope();
                NoGradGuard ng = new NoGradGuard()) {
            PaddedBatch b = PaddedBatch.of(batch, model.config().padTokenId());
            Tensor hidden = model.forward(b.ids(), null, b.mask()); // (B, T, C)
            Tensor poolMask = b.mask(); // (B, T)
            if (skip > 0) {
                poolMask = poolMask.clone();
                poolMask.narrow(1, 0, Math.min(skip, poolMask.size(1))).fill_(new Scalar(0));
            }
            flat = Tensors.toFloats(pooling.apply(hidden, poolMask)); // (B * C)
        }
        for (int j = 0; j < n; j++) out[order[start + j]] = Arrays.copyOfRange(flat, j * C, (j + 1) * C);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
