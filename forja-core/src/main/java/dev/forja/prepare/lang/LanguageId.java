package dev.forja.prepare.lang;

import dev.forja.prepare.dedup.Hash64;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells Spanish, Portuguese and English apart by character trigrams (Cavnar and Trenkle, 1994, scored as a
 * smoothed trigram language model): each language's profile is built at start-up from a page of text forja ships
 * ({@code lang-es.txt} and friends, written for this purpose). Text with too few letters, or whose trigrams the best
 * profile mostly does not know (another language, code, numbers), is {@code unknown}. Only the first
 * {@value #SAMPLE_CHARS} characters are read: enough to decide, and cheap on long records.
 *
 * <p>Example: {@code LanguageId.shared().identify("¿Dónde está la estación?")} is {@code "es"}.
 */
public final class LanguageId implements LanguageDetector {
    public static final String UNKNOWN = "unknown";
    static final int SAMPLE_CHARS = 600;
    private static final int MIN_LETTERS = 12;
    /** Below this share of known trigrams the text is not one of the profiled languages. */
    private static final double MIN_COVERAGE = 0.6;

    private static final List<String> LANGUAGES = List.of("es", "pt", "en");
    private static final LanguageId SHARED = new LanguageId();

    // trigram → row of log P per language, in an open-addressing table: this runs on every record, so no boxing.
    private final int[] keys;
    private final float[] logProb;
    private final float[] unseen = new float[LANGUAGES.size()];

    private LanguageId() {
        Map<Integer, int[]> counts = new HashMap<>();
        int[] totals = new int[LANGUAGES.size()];
        for (int l = 0; l < LANGUAGES.size(); l++) {
            final int lang = l;
            String text = resource("lang-" + LANGUAGES.get(l) + ".txt");
            forEachTrigram(text, text.length(), t -> {
                counts.computeIfAbsent(t, k -> new int[LANGUAGES.size()])[lang]++;
                totals[lang]++;
            });
        }
        int vocabulary = counts.size() + 1;
        for (int l = 0; l < LANGUAGES.size(); l++) unseen[l] = (float) Math.log(0.5 / (totals[l] + 0.5 * vocabulary));
        int size = Integer.highestOneBit(counts.size() * 4);
        keys = new int[size];
        logProb = new float[size * LANGUAGES.size()];
        counts.forEach((t, c) -> {
            int i = find(t);
            keys[i] = t;
            for (int l = 0; l < c.length; l++) {
                logProb[i * c.length + l] = (float) Math.log((c[l] + 0.5) / (totals[l] + 0.5 * vocabulary));
            }
        });
    }

    /** The process-wide identifier (profiles are built once). */
    public static LanguageId shared() {
        return SHARED;
    }

    /** "es", "pt", "en" or {@link #UNKNOWN}. */
    @Override
    public String identify(String text) {
        double[] score = new double[LANGUAGES.size()];
        int[] n = {0, 0};
        int[] known = new int[LANGUAGES.size()];
        forEachTrigram(text, Math.min(text.length(), SAMPLE_CHARS), t -> {
            n[0]++;
            int i = find(t);
            boolean seen = keys[i] == t;
            for (int l = 0; l < score.length; l++) {
                float p = seen ? logProb[i * score.length + l] : unseen[l];
                score[l] += p;
                if (seen && p > unseen[l] + 0.01f) known[l]++;
            }
        });
        if (n[0] < MIN_LETTERS) return UNKNOWN;
        int best = 0;
        for (int l = 1; l < score.length; l++) if (score[l] > score[best]) best = l;
        return known[best] >= MIN_COVERAGE * n[0] ? LANGUAGES.get(best) : UNKNOWN;
    }

    // The slot holding trigram t, or the free slot where it would go (keys are never 0: see forEachTrigram).
    private int find(int t) {
        int mask = keys.length - 1;
        int i = (int) Hash64.mix(t) & mask;
        while (keys[i] != 0 && keys[i] != t) i = (i + 1) & mask;
        return i;
    }

    // Trigrams of lower-cased letters, words padded with a space on each side; other characters separate words.
    private interface TrigramSink {
        void accept(int trigram);
    }

    private static void forEachTrigram(String text, int limit, TrigramSink sink) {
        int a = ' ', b = ' ';
        for (int i = 0; i <= limit; i++) {
            int c = i == limit ? ' ' : text.charAt(i);
            c = Character.isLetter(c) ? Character.toLowerCase(c) : ' ';
            if (c == ' ' && b == ' ') continue;
            if (!(a == ' ' && b == ' ')) sink.accept(((a * 1_000_003) ^ (b * 1009) ^ c) | 0x40000000);
            a = b;
            b = c;
        }
    }

    private static String resource(String name) {
        try (InputStream in = LanguageId.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name + " in the forja-core jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
