package dev.forja.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns generated ids, pushed one at a time, into text that can be printed as it arrives. A character may span
 * several byte-level tokens (an emoji is 4 UTF-8 bytes, a ZWJ family several characters), and decoding a partial
 * sequence yields U+FFFD; so text is held back while the decoded tail ends in U+FFFD and released once the
 * sequence completes.
 *
 * <p>Each push decodes only the ids since the last release (plus the one release before it, as context for
 * decoders that treat the first token specially, e.g. SentencePiece's leading space), so the cost per id stays
 * constant however long the generation runs.
 *
 * <p>Example: {@code var s = new StreamingDecoder(tok); for (long id : generated) System.out.print(s.push(id));
 * System.out.print(s.flush());}
 */
public final class StreamingDecoder {

    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private final List<Long> ids = new ArrayList<>();
    private int prefixOffset;
    private int readOffset;

    /** Streams with special tokens skipped, as a chat front end prints them. */
    public StreamingDecoder(Tokenizer tokenizer) {
        this(tokenizer, true);
    }

    public StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one id; returns the newly printable text (possibly empty). */
    public String push(long id) {
        ids.add(id);
        String prefix = decode(prefixOffset, readOffset);
        String full = decode(prefixOffset, ids.size());
        if (full.length() <= prefix.length()
                || full.charAt(full.length() - 1) == REPLACEMENT
                || !full.startsWith(prefix)) {
            return "";
        }
        compact();
        prefixOffset = readOffset;
        readOffset = ids.size();
        return full.substring(prefix.length());
    }

    /** Returns whatever is still held back (an incomplete sequence decodes to U+FFFD) and starts afresh. */
    public String flush() {
        String prefix = decode(prefixOffset, readOffset);
        String full = decode(prefixOffset, ids.size());
        ids.clear();
        prefixOffset = 0;
        readOffset = 0;
        return full.startsWith(prefix) ? full.substring(prefix.length()) : full;
    }

    private String decode(int from, int to) {
        long[] slice = new long[to - from];
        for (int i = from; i < to; i++) {
            slice[i - from] = ids.get(i);
        }
        return tokenizer.decode(slice, skipSpecialTokens);
    }

    // Ids before prefixOffset are never decoded again; drop them so a long generation does not grow the list.
    private void compact() {
        if (prefixOffset > 1024) {
            ids.subList(0, prefixOffset).clear();
            readOffset -= prefixOffset;
            prefixOffset = 0;
        }
    }
}
