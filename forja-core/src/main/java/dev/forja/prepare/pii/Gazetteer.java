package dev.forja.prepare.pii;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Spanish and Portuguese given names and surnames, read from {@code first-names.txt} and {@code surnames.txt}
 * beside this class. Look-ups ignore case and accents ({@code "JOSE"}, {@code "José"} and {@code "jose"} are the
 * same name); {@link #firstNames()} and {@link #surnames()} keep the written forms, for pseudonyms.
 */
final class Gazetteer {
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private final List<String> firstNames, surnames;
    private final Set<String> firstKeys = new HashSet<>(), surnameKeys = new HashSet<>();

    Gazetteer(List<String> firstNames, List<String> surnames) {
        this.firstNames = List.copyOf(firstNames);
        this.surnames = List.copyOf(surnames);
        for (String n : firstNames) firstKeys.add(key(n));
        for (String n : surnames) surnameKeys.add(key(n));
    }

    static Gazetteer builtIn() {
        return BUILT_IN;
    }

    boolean isFirstName(String key) {
        return firstKeys.contains(key);
    }

    boolean isSurname(String key) {
        return surnameKeys.contains(key);
    }

    List<String> firstNames() {
        return firstNames;
    }

    List<String> surnames() {
        return surnames;
    }

    /** The key of each character below U+0250 (Latin), or 0 where it needs the general path. */
    private static final char[] LATIN = new char[0x250];

    static {
        for (char c = 0; c < LATIN.length; c++) {
            String k = slowKey(String.valueOf(c));
            LATIN[c] = k.length() == 1 ? k.charAt(0) : 0;
        }
    }

    private static final Gazetteer BUILT_IN = new Gazetteer(read("first-names.txt"), read("surnames.txt"));

    /** Lower case without accents: {@code "João" → "joao"}. A table for Latin letters, normalisation otherwise. */
    static String key(String word) {
        char[] out = new char[word.length()];
        for (int i = 0; i < out.length; i++) {
            char c = word.charAt(i);
            if (c >= LATIN.length || LATIN[c] == 0) return slowKey(word);
            out[i] = LATIN[c];
        }
        return new String(out);
    }

    private static String slowKey(String word) {
        boolean ascii = true;
        for (int i = 0; i < word.length() && ascii; i++) ascii = word.charAt(i) < 128;
        String lower = word.toLowerCase(Locale.ROOT);
        return ascii
                ? lower
                : MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD))
                        .replaceAll("");
    }

    private static List<String> read(String resource) {
        InputStream in = Gazetteer.class.getResourceAsStream(resource);
        if (in == null) throw new IllegalStateException("missing resource " + resource + " beside " + Gazetteer.class);
        List<String> names = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) names.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
