package dev.forja.prepare.pii;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

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
    /** Names of two words or more found so far ("Bernd Eckenfels", spaces single), for {@link #sweep}. */
    private final Set<String> found = ConcurrentHashMap.newKeySet();

    private volatile boolean overflow;
    private volatile NameIndex index; // built by the first sweep

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
        return chosen(text).stream().map(Candidate::match).toList();
    }

    /** The text with every detected value replaced according to the mode. */
    public Result anonymize(String text) {
        List<Candidate> chosen = chosen(text);
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

    /**
     * What replaces a match. A name written across lines ({@code "José\nLópez"}) keeps its line breaks after the
     * replacement ({@code "<PERSON>\n"}), so the lines after it stay where they were.
     */
    private String replacement(PiiMatch m, CustomRule custom, String text) {
        String placeholder = custom != null ? custom.placeholder() : m.type().placeholder();
        String value = switch (config.mode()) {
            case PLACEHOLDER -> placeholder;
            case REDACT -> REDACTED;
            case PSEUDONYM -> pseudonymizer.fake(m.type(), value(m, text), placeholder);
        };
        if (m.type() != PiiType.PERSON) return value;
        for (int i = m.start(); i < m.end(); i++) if (text.charAt(i) == '\n') value += '\n';
        return value;
    }

    /** At most this many names are remembered; past it {@link #sweep} does nothing (the set would be partial). */
    static final int MAX_NAMES = 200_000;

    private void remember(String name) {
        if (overflow) return;
        found.add(name);
        if (found.size() > MAX_NAMES) {
            overflow = true;
            found.clear();
        }
    }

    /**
     * Masks in {@code text} every mention of a name (of two words or more) that {@link #anonymize} found in any
     * text before, also where the rules alone would not fire: one person, one treatment across a dataset. Call it
     * after every text was anonymized once; the names are indexed on the first call, so later finds are not
     * swept. Mentions written across lines or with {@code \\n} escapes (a JSON line) count. Does nothing if more
     * than {@value #MAX_NAMES} names were found.
     */
    public Result sweep(String text) {
        Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);
        List<PiiMatch> mentions = sweepMatches(text);
        if (mentions.isEmpty()) return new Result(text, counts, Map.of());
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (PiiMatch m : mentions) {
            out.append(text, at, m.start()).append(replacement(m, null, text));
            counts.merge(PiiType.PERSON, 1, Integer::sum);
            at = m.end();
        }
        return new Result(out.append(text, at, text.length()).toString(), counts, Map.of());
    }

    /** The mentions {@link #sweep} masks in {@code text}, in order, without overlaps. */
    public List<PiiMatch> sweepMatches(String text) {
        NameIndex names = index;
        if (names == null) {
            synchronized (this) {
                if (index == null) index = new NameIndex(overflow ? Set.of() : found);
                names = index;
            }
        }
        if (names.isEmpty()) return List.of();
        List<PiiMatch> out = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int end = names.matchAt(text, i);
            if (end < 0) {
                i++;
                continue;
            }
            out.add(new PiiMatch(PiiType.PERSON, i, end));
            i = end;
        }
        return out;
    }

    /** Words separated by single spaces: {@code "José\\nLópez  Mellado" → "José López Mellado"}. */
    private static String singleSpaced(String name) {
        name = NameRun.dehyphenated(name); // "Carva-\n  lho": one word
        StringBuilder out = new StringBuilder(name.length());
        boolean gap = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c)) gap = out.length() > 0;
            else {
                if (gap) out.append(' ');
                gap = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The matched text; a name with its spaces and line breaks made single spaces, so it has one pseudonym. */
    private static String value(PiiMatch m, String text) {
        String v = text.substring(m.start(), m.end());
        return m.type() == PiiType.PERSON
                ? NameRun.dehyphenated(v).replace("\\n", " ").replaceAll("\\s+", " ")
                : v;
    }

    /**
     * The resolved matches, plus every other mention in the text of a name of two words or more found once
     * ({@code "Américo Monteiro"} alone on a line, where the rules see no cue, after
     * {@code "Américo Monteiro <a@…>"} elsewhere in the text): one person, one treatment.
     */
    private List<Candidate> chosen(String text) {
        List<Candidate> all = candidates(text);
        List<Candidate> chosen = resolve(all);
        Set<String> names = null;
        for (Candidate c : chosen) {
            PiiMatch m = c.match();
            if (m.type() != PiiType.PERSON) continue;
            String name = singleSpaced(text.substring(m.start(), m.end()));
            int space = name.indexOf(' ');
            if (space < 0) { // a given name found alone ("as contribuições de Ilse") names them elsewhere in the text
                if (singleMention(name) && text.indexOf(name, text.indexOf(name) + 1) >= 0) {
                    if (names == null) names = new LinkedHashSet<>();
                    names.add(name);
                }
                continue;
            }
            remember(name);
            for (String word : name.split(" ")) // "Bruce", after "Bruce Perens" earlier in the text
            if (singleMention(word) && (text.indexOf(word) < m.start() || text.indexOf(word, m.end()) >= 0)) {
                    if (names == null) names = new LinkedHashSet<>();
                    names.add(word);
                }
            String first = name.substring(0, space); // mentioned again only if its first word is
            if (text.indexOf(first) == m.start() && text.indexOf(first, m.start() + 1) < 0) continue;
            if (names == null) names = new LinkedHashSet<>();
            names.add(name);
        }
        if (names == null) return chosen;
        NameIndex index = new NameIndex(names);
        for (int i = 0; i < text.length(); ) {
            int end = index.matchAt(text, i);
            if (end < 0) {
                i++;
                continue;
            }
            if (!partOfLongerName(text, i, end))
                all.add(new Candidate(new PiiMatch(PiiType.PERSON, i, end), rules.size()));
            i = end;
        }
        return resolve(all);
    }

    /**
     * Whether a word known alone, {@code [start, end)}, begins a longer name there: a capitalised word follows after
     * one space ({@code "Ilse"}, not inside {@code "Ilse Brandt"}).
     */
    private static boolean partOfLongerName(String text, int start, int end) {
        for (int i = start; i < end; i++) if (Character.isWhitespace(text.charAt(i))) return false;
        return end + 1 < text.length() && text.charAt(end) == ' ' && Character.isUpperCase(text.charAt(end + 1));
    }

    /**
     * Whether one word of a name found in a text also names the person alone elsewhere in that text: a capitalised
     * word of three letters or more that looks like a name ({@link NameModel}) and is no common word.
     */
    private static boolean singleMention(String word) {
        if (word.length() < 3 || !Character.isUpperCase(word.charAt(0)) || !Character.isLowerCase(word.charAt(1)))
            return false;
        for (int i = 0; i < word.length(); i++) if (!Character.isLetter(word.charAt(i))) return false;
        String key = Gazetteer.key(word);
        return !PersonStopWords.STOP.contains(key)
                && !PersonStopWords.ORGANISATION.contains(key)
                && Math.max(
                                NameModel.builtIn().score(word),
                                NameModel.firstNames().score(word))
                        >= 0.5;
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
