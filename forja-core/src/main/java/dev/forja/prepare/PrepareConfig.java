package dev.forja.prepare;

import dev.forja.ForjaException;
import dev.forja.prepare.formats.OnError;
import dev.forja.prepare.lang.LanguageDetector;
import dev.forja.prepare.lang.LanguageId;
import dev.forja.prepare.lang.LinguaLanguageDetector;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code forja prepare} needs; bound from a YAML recipe and flags by {@link dev.forja.config.Recipe}.
 *
 * @param inputs            files or directories (walked recursively, in sorted order)
 * @param output            the dataset directory to create; must not exist or be empty
 * @param include           glob patterns a file name must match (empty: every supported extension)
 * @param exclude           glob patterns that drop a file
 * @param textField         JSON field holding the text of {@code .jsonl}/{@code .json} records
 * @param labelField        JSON field holding a classification label, if present
 * @param textColumn        CSV/TSV column (header name or 0-based index) holding the text
 * @param labelColumn       CSV/TSV column holding the label; empty for none
 * @param csvHeader         whether the first CSV/TSV row is a header
 * @param logStartPattern   regex that starts a new record in {@code .log} files; empty: one record per line
 * @param minChars          records shorter than this (after cleaning) are dropped
 * @param maxChars          records longer than this are dropped
 * @param minTokens         records with fewer tokens (words and punctuation) are dropped
 * @param maxTokens         records with more tokens are dropped
 * @param languages         keep only these languages (es, pt, en, unknown); empty keeps all
 * @param anonymize         replace personal data before anything is written
 * @param piiMode           placeholder ({@code <EMAIL>}), pseudonym (a consistent realistic fake, keyed by the secret in
 *                          the environment variable FORJA_PII_SECRET, never written anywhere) or redact
 * @param piiRules          extra rules: a list of {name, pattern (regex), placeholder}
 * @param exactDedup        drop records whose normalised text was already seen
 * @param nearDedup         drop records whose MinHash Jaccard estimate reaches {@code nearDupThreshold}
 * @param nearDupThreshold  Jaccard similarity on word shingles that makes two records near-duplicates
 * @param shingleWords      words per shingle
 * @param valFraction       share of records for validation
 * @param seed              seed of the split
 * @param onError           what a bad file or line does: skip it (counted and reported) or stop the run
 * @param repairMojibake    undo UTF-8 text that was decoded as Windows-1252 ("canciÃ³n" to "canción")
 * @param languageDetector  trigram (forja's own model of es, pt and en; fast) or lingua (the Lingua library: any of its
 *                          75 languages by ISO 639-1 code, about 35 times slower)
 * @param tokenizer         a model directory, tokenizer.json or Hub id whose tokenizer counts the tokens of
 *                          min_tokens/max_tokens and the histograms; empty: an approximation (words and punctuation)
 */
public record PrepareConfig(
        List<Path> inputs,
        Path output,
        List<String> include,
        List<String> exclude,
        String textField,
        String labelField,
        String textColumn,
        String labelColumn,
        boolean csvHeader,
        String logStartPattern,
        int minChars,
        int maxChars,
        int minTokens,
        int maxTokens,
        List<String> languages,
        boolean anonymize,
        String piiMode,
        List<Map<String, String>> piiRules,
        boolean exactDedup,
        boolean nearDedup,
        double nearDupThreshold,
        int shingleWords,
        double valFraction,
        long seed,
        OnError onError,
        boolean repairMojibake,
        String languageDetector,
        String tokenizer) {

    /** What a bad input does. */
    private static final Set<String> LANGUAGES = Set.of("es", "pt", "en", "unknown");

    public PrepareConfig {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        languages = languages == null
                ? List.of()
                : languages.stream()
                        .map(s -> s.trim().toLowerCase(Locale.ROOT))
                        .filter(s -> !s.isEmpty())
                        .toList();
        textField = textField == null || textField.isBlank() ? "text" : textField;
        labelField = labelField == null ? "" : labelField;
        textColumn = textColumn == null || textColumn.isBlank() ? "text" : textColumn;
        labelColumn = labelColumn == null ? "" : labelColumn;
        logStartPattern = logStartPattern == null ? "" : logStartPattern;
        onError = onError == null ? OnError.SKIP : onError;
        tokenizer = tokenizer == null ? "" : tokenizer.strip();
        languageDetector = languageDetector == null || languageDetector.isBlank()
                ? LanguageDetector.TRIGRAM
                : languageDetector.strip().toLowerCase(Locale.ROOT);
        require(
                languageDetector.equals(LanguageDetector.TRIGRAM) || languageDetector.equals(LanguageDetector.LINGUA),
                "language_detector must be trigram or lingua, got '" + languageDetector + "'");
        piiMode = piiMode == null ? "placeholder" : piiMode.toLowerCase(Locale.ROOT);
        require(
                Set.of("placeholder", "pseudonym", "redact").contains(piiMode),
                "pii_mode must be placeholder, pseudonym or redact, got '" + piiMode + "'");
        piiRules = piiRules == null ? List.of() : List.copyOf(piiRules);
        require(minChars >= 0 && maxChars >= minChars, "min_chars must be >= 0 and max_chars >= min_chars");
        require(minTokens >= 0 && maxTokens >= minTokens, "min_tokens must be >= 0 and max_tokens >= min_tokens");
        require(
                nearDupThreshold > 0 && nearDupThreshold <= 1,
                "near_dup_threshold must be within (0, 1]; 0.8 is the usual choice");
        require(shingleWords >= 1 && shingleWords <= 16, "shingle_words must be within [1, 16]; 3 suits sentences");
        require(valFraction >= 0 && valFraction < 1, "val_fraction must be within [0, 1), e.g. 0.2 for 80/20");
        for (String l : languages) {
            if (languageDetector.equals(LanguageDetector.LINGUA)) {
                if (!l.equals(LanguageId.UNKNOWN)) LinguaLanguageDetector.isoCode(l);
            } else {
                require(
                        LANGUAGES.contains(l),
                        "unknown language '" + l + "' in languages: use es, pt, en or unknown"
                                + " (or language_detector: lingua for others)");
            }
        }
        if (!logStartPattern.isEmpty()) {
            try {
                java.util.regex.Pattern.compile(logStartPattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ForjaException("log_start_pattern is not a valid regex: " + e.getDescription());
            }
        }
    }

    /** The defaults: 80/20 split, seed 42, exact and near dedup at Jaccard 0.8 on 3-word shingles, skip bad input. */
    public static PrepareConfig defaults() {
        return new PrepareConfig(
                List.of(),
                null,
                List.of(),
                List.of(),
                "text",
                "label",
                "text",
                "",
                true,
                "",
                1,
                1_000_000,
                0,
                1_000_000,
                List.of(),
                false,
                "placeholder",
                List.of(),
                true,
                true,
                0.8,
                3,
                0.2,
                42,
                OnError.SKIP,
                true,
                LanguageDetector.TRIGRAM,
                "");
    }

    /** Checks what only a run needs (inputs and output), with messages for the command line. */
    public PrepareConfig requireRunnable() {
        require(!inputs.isEmpty(), "no inputs: give --input FILE_OR_DIR (or inputs: in the recipe)");
        require(output != null, "no output: give --output DIR (or output: in the recipe)");
        return this;
    }

    /** A copy with other inputs and output (tests and the bench). */
    public PrepareConfig withIo(List<Path> in, Path out) {
        return new PrepareConfig(
                in,
                out,
                include,
                exclude,
                textField,
                labelField,
                textColumn,
                labelColumn,
                csvHeader,
                logStartPattern,
                minChars,
                maxChars,
                minTokens,
                maxTokens,
                languages,
                anonymize,
                piiMode,
                piiRules,
                exactDedup,
                nearDedup,
                nearDupThreshold,
                shingleWords,
                valFraction,
                seed,
                onError,
                repairMojibake,
                languageDetector,
                tokenizer);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new ForjaException(message);
    }
}
