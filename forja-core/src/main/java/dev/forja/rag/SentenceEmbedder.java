package dev.forja.rag;

import dev.forja.ForjaException;
import dev.forja.embed.SentenceEncoder;
import dev.forja.hub.ModelLocator;
import dev.forja.io.FileHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** An {@link Embedder} over forja's {@link SentenceEncoder}: {@code minilm} (embedded) or a sentence-BERT directory. */
public final class SentenceEmbedder implements Embedder {
    private final SentenceEncoder encoder;
    private final String name, id;

    private SentenceEmbedder(SentenceEncoder encoder, String name, String id) {
        this.encoder = encoder;
        this.name = name;
        this.id = id;
    }

    /** Opens the model {@code name} names: {@code minilm} or a directory with a BERT sentence-embedding model. */
    public static SentenceEmbedder open(String name) {
        Path dir = ModelLocator.isEmbedded(name) ? ModelLocator.resolve(name) : Path.of(name);
        if (!Files.isDirectory(dir))
            throw new ForjaException("embedding model " + name + " is not a directory (give 'minilm' or a sentence-BERT"
                    + " directory, e.g. one written by forja import-onnx)");
        return new SentenceEmbedder(SentenceEncoder.load(dir), name, hash(dir));
    }

    /** sha256 over the names and contents of the model's files (weights, config, tokenizer), in sorted order. */
    static String hash(Path dir) {
        MessageDigest all = FileHash.sha256();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(f).toString();
                if (rel.startsWith(".")) continue;
                all.update(rel.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                all.update(HexFormat.of().parseHex(FileHash.sha256Hex(f)));
            }
        } catch (IOException e) {
            throw new ForjaException("cannot read the embedding model " + dir + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(all.digest());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public int maxTokens() {
        return encoder.maxTokens();
    }

    @Override
    public int countTokens(String text) {
        return encoder.countTokens(text);
    }

    @Override
    public float[][] embedPassages(List<String> texts) {
        return encoder.embedPassages(texts); // with the model's passage prefix, if it has one
    }

    @Override
    public float[] embedQuery(String text) {
        return encoder.embedQuery(text);
    }

    @Override
    public float[][] embedQueries(List<String> texts) {
        return encoder.embedQueries(texts);
    }

    @Override
    public void close() {
        encoder.close();
    }
}
