package dev.forja.prepare.pii;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * How much a capitalised word looks like part of a person's name, from its letters alone: a logistic regression over
 * hashed features (the whole word, its character 2- to 4-grams with word boundaries, its last three letters, its
 * length), trained by {@link NameModelTrainer} on names of people from Debian's package data against the capitalised
 * words of technical text (see {@code name-model.README.md} beside this class).
 *
 * <p>File format ({@code name-model.bin}): magic {@code "FNM1"}, version 1, the number of buckets (a power of two),
 * the bias, then one float weight per bucket; big-endian.
 *
 * <p>Example: {@code NameModel.builtIn().score("Eckenfels")} is near 1, {@code score("Linux")} near 0.
 */
final class NameModel {
    static final int MAGIC = 0x464e4d31; // "FNM1"
    static final int VERSION = 1;

    final float[] weights;
    float bias;

    NameModel(int buckets) {
        if (Integer.bitCount(buckets) != 1) throw new IllegalArgumentException("buckets must be a power of two");
        this.weights = new float[buckets];
    }

    static NameModel builtIn() {
        return BuiltIn.MODEL;
    }

    /**
     * The same kind of model for given names alone: how much a word looks like the first word of a person's name
     * ({@code "Ian"}, {@code "Bdale"}) rather than a surname or another word ({@code first-name-model.bin}).
     */
    static NameModel firstNames() {
        return BuiltIn.FIRST_NAMES;
    }

    private static final class BuiltIn { // loaded on first use, so the trainer runs without a model
        static final NameModel MODEL = read("name-model.bin");
        static final NameModel FIRST_NAMES = read("first-name-model.bin");
    }

    /**
     * The probability that {@code word} (one word) is part of a person's name: the higher of the word as written and
     * without its accents, since people write the same name both ways ("Echeverría", "Echeverria") and the training
     * lists hold more of the second.
     */
    double score(String word) {
        double z = logit(word);
        String plain = withoutAccents(word);
        if (plain != word) z = Math.max(z, logit(plain));
        return 1 / (1 + Math.exp(-z));
    }

    /** The word with its Latin letters' accents dropped; the same instance when it has none. */
    static String withoutAccents(String word) {
        boolean ascii = true;
        for (int i = 0; i < word.length() && ascii; i++) ascii = word.charAt(i) < 128;
        if (ascii) return word;
        String decomposed = Normalizer.normalize(word, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(word.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) out.append(c);
        }
        String plain = Normalizer.normalize(out, Normalizer.Form.NFC);
        return plain.equals(word) ? word : plain;
    }

    double logit(String word) {
        double z = bias;
        for (int f : features(word, weights.length - 1)) z += weights[f];
        return z;
    }

    /** The buckets of the word's features; a bucket may repeat. */
    static int[] features(String word, int mask) {
        String w = '^' + word.toLowerCase(Locale.ROOT) + '$';
        int n = w.length(), k = 0;
        int[] out = new int[3 + 3 * n];
        out[k++] = bucket("w", w, 0, n, mask);
        out[k++] = bucket("s", w, Math.max(0, n - 4), n, mask);
        String length = Integer.toString(Math.min(n - 2, 12));
        out[k++] = bucket("l", length, 0, length.length(), mask);
        for (int size = 2; size <= 4; size++)
            for (int i = 0; i + size <= n; i++) out[k++] = bucket("g", w, i, i + size, mask);
        return k == out.length ? out : Arrays.copyOf(out, k);
    }

    /** FNV-1a over a tag and a slice of a string, then a finaliser so that low bits mix. */
    private static int bucket(String tag, String s, int from, int to, int mask) {
        int h = 0x811c9dc5;
        for (int i = 0; i < tag.length(); i++) h = (h ^ tag.charAt(i)) * 0x01000193;
        h = (h ^ '|') * 0x01000193;
        for (int i = from; i < to; i++) h = (h ^ s.charAt(i)) * 0x01000193;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h & mask;
    }

    void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(weights.length);
        d.writeFloat(bias);
        for (float w : weights) d.writeFloat(w);
        d.flush();
    }

    static NameModel read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) throw new IOException("not a forja name model (bad magic)");
        int version = d.readInt();
        if (version != VERSION)
            throw new IOException("name model version " + version + " is not " + VERSION + "; rebuild it");
        NameModel m = new NameModel(d.readInt());
        m.bias = d.readFloat();
        for (int i = 0; i < m.weights.length; i++) m.weights[i] = d.readFloat();
        return m;
    }

    private static NameModel read(String resource) {
        try (InputStream in = NameModel.class.getResourceAsStream(resource)) {
            if (in == null)
                throw new IllegalStateException("missing resource " + resource + " beside " + NameModel.class);
            return read(new BufferedInputStream(in));
        } catch (IOException e) {
            throw new UncheckedIOException(resource + ": " + e.getMessage(), e);
        }
    }
}
