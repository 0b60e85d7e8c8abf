package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds personal data and secrets in text and replaces them: a typed placeholder ({@code <EMAIL>}), a consistent
 * pseudonym, or {@code [REDACTED]} (see {@link AnonymizerConfig.Mode}). Thread-safe; build one per dataset.
 *
 * <p>Overlaps: every rule runs on the whole text, then matches are taken in order of type priority
 * ({@link PiiType#priority()}: custom rules, then secrets, then e-mail and IBAN, then checksummed identifiers and
 * addresses, then context-only identifiers and phones, then generic keys and names), the longer first among
 * equals, then the earlier; a match that overlaps one already taken is dropped. The result is deterministic.
 *
 * <p>Nothing here logs or keeps the values it removes; {@link Result} holds only the new text and counts.
 *
 * <p>Example: {@code new Anonymizer(AnonymizerConfig.placeholders()).anonymize("CPF 529.982.247-25").text()}
 * is {@code "CPF <CPF>"}.
 */
public final class Anonymizer {
    /** The text with every match replaced, and how many matches of each type (custom rules under their names). */
    public record Result(String text, Map<PiiType, Integer> counts, Map<String, Integer> customCounts) {
        public int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() { // counts only: the text may be large
            return "Result[counts=" + counts + ", custom=" + customCounts + "]";
        }
    }

    static final String REDACTED = "[REDACTED]";

    private final AnonymizerConfig config;
    private final List<PiiRule> rules = new ArrayList<>();
    private final List<CustomRule> customs; // custom rule i is rules.get(i)
    private final Pseudonymizer pseudonymizer;

    public Anonymizer(AnonymizerConfig config) {
        this.config = config;
        this.customs = config.extraRules();
        for (CustomRule c : customs) rules.add(c.toRule());
        rules.addAll(BuiltInRules.forTypes(config.types()));
        this.pseudonymizer = config.mode() == AnonymizerConfig.Mode.PSEUDONYM
                ? new Pseudonymizer(config.secret(), Gazetteer.builtIn())
                : null;
    }

    /** The matches that {@link #anonymize} replaces: non-overlapping, sorted by start. */
    public List<PiiMatch> detect(String text) {
        List<Candidate> all = candidates(text);
        return resolve(all).stream().map(Candidate::match).toList();
    }

    /** The text with every detected value replaced according to the mode. */
    public Result anonymize(String text) {
        List<Candidate> all = candidates(text);
        List<Candidate> chosen = resolve(all);
        Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);
        Map<String, Integer> customCounts = new LinkedHashMap<>();
        if (chosen.isEmpty()) return new Result(text, counts, customCounts);
        StringBuilder out = new StringBuilder(text.length() + 16 * chosen.size());
        int at = 0;
        for (Candidate c : chosen) {
            PiiMatch m = c.match();
            CustomRule custom = c.rule() < customs.size() ? customs.get(c.rule()) : null;
            out.append(text, at, m.start()).append(replacement(m, custom, text));
            at = m.end();
            counts.merge(m.type(), 1, Integer::sum);
            if (custom != null) customCounts.merge(custom.name(), 1, Integer::sum);
        }
        out.append(text, at, text.length());
        return new Result(out.toString(), counts, customCounts);
    }

    private String replacement(PiiMatch m, CustomRule custom, String text) {
        String placeholder = custom != null ? custom.placeholder() : m.type().placeholder();
        return switch (config.mode()) {
            case PLACEHOLDER -> placeholder;
            case REDACT -> REDACTED;
            case PSEUDONYM -> pseudonymizer.fake(m.type(), text.substring(m.start(), m.end()), placeholder);
        };
    }

    private List<Candidate> candidates(String text) {
        int[] digitRuns = DigitRuns.of(text); // shared by the rules that only run near digits
        List<Candidate> all = new ArrayList<>();
        for (int r = 0; r < rules.size(); r++) {
            PiiRule rule = rules.get(r);
            List<PiiMatch> found =
                    rule instanceof PatternRule p && p.nearDigitsOnly() ? p.find(text, digitRuns) : rule.find(text);
            for (PiiMatch m : found) all.add(new Candidate(m, r));
        }
        return all;
    }

    private static final Comparator<Candidate> PRECEDENCE = Comparator.comparingInt(
                    (Candidate c) -> -c.match().type().priority())
            .thenComparingInt(c -> -c.match().length())
            .thenComparingInt(c -> c.match().start())
            .thenComparingInt(Candidate::rule);

    /** Highest priority, then longest, then earliest; drops whatever overlaps a match already taken. */
    private static List<Candidate> resolve(List<Candidate> all) {
        if (all.size() <= 1) return all;
        all.sort(PRECEDENCE);
        TreeMap<Integer, Candidate> taken = new TreeMap<>(); // by start
        for (Candidate c : all) {
            var before = taken.floorEntry(c.match().start());
            if (before != null && before.getValue().match().end() > c.match().start()) continue;
            var after = taken.ceilingEntry(c.match().start());
            if (after != null && after.getKey() < c.match().end()) continue;
            taken.put(c.match().start(), c);
        }
        return new ArrayList<>(taken.values());
    }

    private record Candidate(PiiMatch match, int rule) {}
}
