package dev.forja.prepare.formats;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bad input met during a run (unreadable or binary files, invalid UTF-8, lines that are not JSON, empty CSVs):
 * each is counted by kind and the first {@value #KEPT} are kept as {@code file:line: problem} messages. Under
 * {@link OnError#FATAL} the first one stops the run instead.
 */
public final class InputIssues {
    static final int KEPT = 50;

    private final OnError policy;
    private final Map<String, Long> counts = new TreeMap<>();
    private final List<String> messages = new ArrayList<>();

    public InputIssues(OnError policy) {
        this.policy = policy;
    }

    /** Records a problem at {@code where}; throws under the fatal policy. */
    public void report(String kind, SourceRef where, String problem) {
        String message = where + ": " + problem;
        if (policy == OnError.FATAL) {
            throw new ForjaException(message + " (rerun with --on-error skip to skip and count such input)");
        }
        counts.merge(kind, 1L, Long::sum);
        if (messages.size() < KEPT) messages.add(message);
    }

    /** Problems by kind, sorted by kind. */
    public Map<String, Long> counts() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The first messages, in the order met. */
    public List<String> messages() {
        return List.copyOf(messages);
    }
}
