package dev.forja.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.forja.io.Json;
import dev.forja.prepare.dedup.Hash64;
import dev.forja.prepare.dedup.MinHasher;
import dev.forja.prepare.formats.Doc;
import dev.forja.prepare.lang.LanguageDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The per-record half of {@link PreparePipeline}: clean → anonymize → length filter → language → exact-dedup key →
 * MinHash signature → the JSON line. It depends on the record alone (no state across records), so records can be
 * mapped on several threads and the results applied in input order, which keeps the output byte-identical to a
 * single-threaded run. Counting, deduplication, the split and writing stay with the pipeline, in order.
 */
final class RecordMapper {
    /** How far a record got before the stateful stages. */
    enum Reached {
        READ,
        CLEANED,
        LENGTH,
        LANGUAGE
    }

    /**
     * One record mapped.
     *
     * @param doc      the record as it was when removed, or as it will be written
     * @param file     the input file it came from
     * @param reached  the last stateless stage it passed
     * @param removed  why it was removed ("empty", "too_short", "language_pt" …), or null
     * @param pii      replacement counts per anonymized string, to add to the stats
     * @param lang     its language, once identified
     * @param chars    code points, once counted
     * @param tokens   tokens (the model's, or approximate: see TokenCount), once counted
     * @param key      the hash of its normalised text (exact dedup and the split's draw)
     * @param sig      its MinHash signature, when near dedup is on
     * @param line     its JSON line, ready to write
     */
    record Mapped(
            Doc doc,
            String file,
            Reached reached,
            String removed,
            List<Map<String, Integer>> pii,
            String lang,
            int chars,
            int tokens,
            long key,
            int[] sig,
            String line) {}

    private final PrepareConfig config;
    private final TextAnonymizer anonymizer;
    private final TextCleaner cleaner;
    private final MinHasher minHasher;
    private final TokenCount tokens;
    private final LanguageDetector languages;

    /** @param tokens counts tokens for the length filter (the caller closes it) */
    RecordMapper(PrepareConfig config, TextAnonymizer anonymizer, TokenCount tokens) {
        this.tokens = tokens;
        this.languages = LanguageDetector.of(config.languageDetector(), config.languages());
        this.config = config;
        this.anonymizer = anonymizer;
        this.cleaner = new TextCleaner(config.repairMojibake());
        this.minHasher = new MinHasher(config.shingleWords());
    }

    /** Maps one record; thread-safe. */
    Mapped map(Doc doc, String file) {
        // 1) clean
        doc = mapStrings(doc, cleaner::clean);
        if (doc.text().isBlank()) return removed(doc, file, Reached.READ, "empty", List.of(), null, 0, 0);
        // 2) anonymize: before anything is written or deduplicated, so placeholders dedup like the rest
        List<Map<String, Integer>> pii = new ArrayList<>(0);
        if (config.anonymize()) {
            doc = mapStrings(doc, s -> {
                TextAnonymizer.Anonymized a = anonymizer.apply(s);
                if (!a.counts().isEmpty()) pii.add(a.counts());
                return a.text();
            });
        }
        // 3) length
        String text = doc.text();
        int chars = text.codePointCount(0, text.length()), tokens = this.tokens.count(text);
        if (chars < config.minChars() || tokens < config.minTokens()) {
            return removed(doc, file, Reached.CLEANED, "too_short", pii, null, chars, tokens);
        }
        if (chars > config.maxChars() || tokens > config.maxTokens()) {
            return removed(doc, file, Reached.CLEANED, "too_long", pii, null, chars, tokens);
        }
        // 4) language
        String lang = languages.identify(text);
        if (!config.languages().isEmpty() && !config.languages().contains(lang)) {
            return removed(doc, file, Reached.LENGTH, "language_" + lang, pii, lang, chars, tokens);
        }
        // 5) the exact-dedup key, on case- and space-normalised text; 6) the near-dedup signature
        long key = Hash64.of(normalise(text));
        int[] sig = config.nearDedup() ? minHasher.signature(text, new int[MinHasher.PERMUTATIONS]) : null;
        return new Mapped(doc, file, Reached.LANGUAGE, null, pii, lang, chars, tokens, key, sig, json(doc));
    }

    private static Mapped removed(
            Doc doc,
            String file,
            Reached reached,
            String reason,
            List<Map<String, Integer>> pii,
            String lang,
            int chars,
            int tokens) {
        return new Mapped(doc, file, reached, reason, pii, lang, chars, tokens, 0, null, null);
    }

    static String normalise(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = b.length() > 0;
                continue;
            }
            if (space) b.append(' ');
            space = false;
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    // Cleaning and anonymization reach every string a structured record carries.
    private static Doc mapStrings(Doc doc, UnaryOperator<String> f) {
        if (doc.shape() == null) return doc.withText(f.apply(doc.text()));
        ObjectNode shape = doc.shape().deepCopy();
        StringBuilder all = new StringBuilder();
        if (shape.get("messages") instanceof ArrayNode messages) {
            for (JsonNode m : messages) {
                if (m instanceof ObjectNode o && o.path("content").isTextual()) {
                    String s = f.apply(o.get("content").asText());
                    o.set("content", TextNode.valueOf(s));
                    all.append(all.length() == 0 ? "" : "\n").append(s);
                }
            }
        } else {
            String p = f.apply(shape.get("prompt").asText());
            String raw = shape.get("completion").asText();
            String c = f.apply(raw);
            // the completion's leading space separates it from the prompt once they are concatenated: keep one
            if (!raw.isEmpty()
                    && Character.isWhitespace(raw.charAt(0))
                    && !c.isEmpty()
                    && !Character.isWhitespace(c.charAt(0))) {
                c = " " + c;
            }
            shape.set("prompt", TextNode.valueOf(p));
            shape.set("completion", TextNode.valueOf(c));
            all.append(p).append('\n').append(c);
        }
        return new Doc(all.toString(), doc.label(), shape, doc.source());
    }

    // The shape is already this record's own copy (mapStrings), so it is written into directly.
    private static String json(Doc doc) {
        ObjectNode o = doc.shape() != null
                ? doc.shape()
                : Json.mapper().createObjectNode().put("text", doc.text());
        if (doc.label() != null) o.put("label", doc.label());
        o.put("source", doc.source().toString());
        return Json.line(o);
    }
}
