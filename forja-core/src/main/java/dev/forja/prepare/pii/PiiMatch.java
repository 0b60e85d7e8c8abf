package dev.forja.prepare.pii;

/**
 * A detected span {@code [start, end)} of one {@link PiiType}. It holds offsets only, never the value, so a match
 * can be logged or counted without leaking what was found.
 */
public record PiiMatch(PiiType type, int start, int end) {
    public PiiMatch {
        if (type == null) throw new IllegalArgumentException("PiiMatch needs a type");
        if (start < 0 || end <= start)
            throw new IllegalArgumentException("PiiMatch span must be non-empty: [" + start + ", " + end + ")");
    }

    public int length() {
        return end - start;
    }

    public boolean overlaps(PiiMatch other) {
        return start < other.end && other.start < end;
    }
}
