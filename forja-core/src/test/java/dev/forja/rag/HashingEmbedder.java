package dev.forja.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic test embedder: lower-cased words hashed into 64 dimensions, then L2-normalised; one token per
 * word (plus two special tokens). It counts the passages it embeds and can be told to fail after some.
 */
final class HashingEmbedder implements Embedder {
    static final int DIM = 64;
    final String id;
    int passages;
    int failAfter = Integer.MAX_VALUE;

    HashingEmbedder(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "hashing-" + id.substring(0, 4);
    }

    @Override
    public int dimension() {
        return DIM;
    }

    @Override
    public int maxTokens() {
        return 512;
    }

    @Override
    public int countTokens(String text) {
        String s = text.strip();
        return (s.isEmpty() ? 0 : s.split("\\s+").length) + 2;
    }

    @Override
    public float[][] embedPassages(List<String> texts) {
        if (passages + texts.size() > failAfter) throw new IllegalStateException("embedder failed on purpose");
        passages += texts.size();
        List<float[]> out = new ArrayList<>();
        for (String t : texts) out.add(embed(t));
        return out.toArray(float[][]::new);
    }

    @Override
    public float[] embedQuery(String text) {
        return embed(text);
    }

    static float[] embed(String text) {
        float[] v = new float[DIM];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
            if (!w.isEmpty()) v[Math.floorMod(w.hashCode(), DIM)] += 1;
        double n = 0;
        for (float x : v) n += x * x;
        if (n == 0) v[0] = 1;
        else for (int i = 0; i < DIM; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    @Override
    public void close() {}
}
