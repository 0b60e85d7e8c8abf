package dev.forja.rag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hallucination audit of a grounded answer: each sentence of the answer either cites sources ({@code [n]}) and is
 * supported by one of them, or not. A sentence is supported by a chunk when at least {@value #OVERLAP} of its content
 * words (lower-cased, three letters or more) occur in the chunk.
 */
public final class GroundingAudit {
    /** The share of a sentence's content words a cited chunk must hold for the sentence to count as supported. */
    public static final double OVERLAP = 0.5;

    private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,3})\\]");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");

    /** One sentence, what it cites, and how much of it the best cited source holds. */
    public record Sentence(String text, List<Integer> cites, double overlap) {
        public boolean supported() {
            return !cites.isEmpty() && overlap >= OVERLAP;
        }
    }

    /** The sentences and how many are cited and supported. */
    public record Report(List<Sentence> sentences) {
        public long supported() {
            return sentences.stream().filter(Sentence::supported).count();
        }

        public double share() {
            return sentences.isEmpty() ? 0 : (double) supported() / sentences.size();
        }

        public List<Sentence> unsupported() {
            return sentences.stream().filter(s -> !s.supported()).toList();
        }
    }

    private GroundingAudit() {}

    /** Audits {@code answer} against the sources of the prompt ({@code sources.get(0)} is {@code [1]}). */
    public static Report audit(String answer, List<RagSearcher.Hit> sources) {
        List<Sentence> out = new ArrayList<>();
        for (String raw : SENTENCE_END.split(answer.strip())) {
            String s = raw.strip();
            if (s.isEmpty()) continue;
            List<Integer> cites = new ArrayList<>();
            Matcher m = CITATION.matcher(s);
            while (m.find()) {
                int n = Integer.parseInt(m.group(1));
                if (n >= 1 && n <= sources.size() && !cites.contains(n)) cites.add(n);
            }
            Set<String> words = words(CITATION.matcher(s).replaceAll(" "));
            double best = 0;
            for (int n : cites) {
                if (words.isEmpty()) break;
                Set<String> chunk = words(sources.get(n - 1).text());
                long inside = words.stream().filter(chunk::contains).count();
                best = Math.max(best, (double) inside / words.size());
            }
            out.add(new Sentence(s, cites, best));
        }
        return new Report(out);
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) if (w.length() >= 3) out.add(w);
        return out;
    }
}
