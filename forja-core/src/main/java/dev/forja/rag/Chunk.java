package dev.forja.rag;

/**
 * A piece of a document, the unit that is embedded and retrieved.
 *
 * @param source the file it came from, relative to the indexed input
 * @param ordinal its position among the file's chunks, from 0
 * @param line the first line it covers (1-based), or 0 where the format has no lines
 * @param page the page (PDF, 1-based), or 0
 * @param text the text, the heading of its section first
 * @param lang {@code es}, {@code pt}, {@code en} or {@code unknown}
 */
public record Chunk(String source, int ordinal, long line, int page, String text, String lang) {
    public Chunk {
        if (source == null || source.isEmpty()) throw new IllegalArgumentException("a chunk needs a source");
        if (text == null || text.isBlank()) throw new IllegalArgumentException("a chunk needs text");
    }
}
