package dev.forja.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The classical log anomaly baseline: each line is reduced to its template (timestamps, IP addresses, hex strings,
 * key fingerprints, words holding a digit and user names masked), and a line scores by how rare its template was among normal lines:
 * {@code score = −log((count + 1) / (total + distinct + 1))} (add-one smoothing, an unseen template scores highest).
 *
 * <p>Example: {@code "Mar  1 06:00:02 web01 sshd[811]: Failed password for bob from 10.0.3.4 port 52344 ssh2"} becomes
 * {@code "<TS> <N> sshd[<N>]: Failed password for <USER> from <IP> port <N> <N>"}.
 */
public final class LogTemplates {
    // Order matters: timestamps and addresses before bare numbers, user names after the words that introduce them.
    private static final Pattern[] PATTERNS = {
        Pattern.compile(
                "\\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}]"), // nginx [01/Mar/2026:06:00:06 +0000]
        Pattern.compile("^\\w{3} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}"), // syslog Mar  1 06:00:02
        Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?"), // ISO 8601
        Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b"), // IPv4
        Pattern.compile("SHA256:[A-Za-z0-9+/]{20,}={0,2}"), // ssh key fingerprint
        Pattern.compile("\\b(0x)?(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}\\b"), // hex, 6+ long
        Pattern.compile("\\b[A-Za-z_]*\\d\\w*\\b"), // any word with a digit (532ms, p12, web01), as Drain masks
        // user names: "for [invalid user] X", "user X", "by X", "name=X", "(to root) X", "sudo:  X : "
        Pattern.compile(
                "(?<=for invalid user |for user |for |user |by |name=|\\(to root\\) )(?!invalid )[a-z_][a-z0-9_.-]*"),
        Pattern.compile("(?<=sudo\\[<N>]: {1,8})[a-z_][a-z0-9_.-]*(?= : )"),
    };
    private static final String[] MASKS = {"<TS>", "<TS>", "<TS>", "<IP>", "<KEY>", "<HEX>", "<N>", "<USER>", "<USER>"};

    private final Map<String, Integer> counts;
    private final int total;

    private LogTemplates(Map<String, Integer> counts, int total) {
        this.counts = counts;
        this.total = total;
    }

    /** The template of one line. */
    public static String template(String line) {
        String t = line;
        for (int i = 0; i < PATTERNS.length; i++) t = PATTERNS[i].matcher(t).replaceAll(MASKS[i]);
        return t;
    }

    /** Counts the templates of {@code normalLines}. */
    public static LogTemplates fit(List<String> normalLines) {
        if (normalLines.isEmpty()) throw new IllegalArgumentException("no normal lines to learn templates from");
        Map<String, Integer> counts = new HashMap<>();
        for (String l : normalLines) counts.merge(template(l), 1, Integer::sum);
        return new LogTemplates(counts, normalLines.size());
    }

    /** How rare {@code line}'s template was: higher is more anomalous. */
    public double score(String line) {
        int c = counts.getOrDefault(template(line), 0);
        return -Math.log((c + 1.0) / (total + counts.size() + 1.0));
    }

    /** How many distinct templates the normal lines have. */
    public int templates() {
        return counts.size();
    }
}
