package dev.forja.rag;

import dev.forja.ForjaException;
import dev.forja.prepare.lang.LanguageId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * Cuts a document into chunks that follow its structure. A heading ({@code "## Pasos"}) closes the chunk before it
 * and opens its section: every chunk of the section starts with the headings above it ({@code "Ransomware >
 * Contención"}), so it is retrieved with its context.
 * Paragraphs are packed whole while they fit the budget; a paragraph that does not fit is cut between sentences, a
 * sentence between words; a fenced code or log block stays whole where it fits and is otherwise cut between lines.
 * Consecutive chunks of one section share their last sentences, up to the overlap. Budgets count the embedding
 * model's tokens.
 *
 * <p>Example: {@code new Chunker(256, 32, embedder::countTokens).chunk("runbook.md", blocks)}.
 */
public final class Chunker {
    /** Changes when the same document would be cut differently: an index cut by another version is cut again. */
    public static final int VERSION = 2;

    /** A block of a document as the reader gave it: a paragraph, a page, a record, with its first line and page. */
    public record Block(String text, long line, int page) {}

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+\\S.*");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?;:])\\s+(?=\\S)");
    private static final int SPECIAL_TOKENS = 2; // what every count includes once: [CLS] and [SEP]

    private final int budget, overlap;
    private final ToIntFunction<String> tokens;

    /**
     * @param budget the most tokens a chunk holds (special tokens included)
     * @param overlap how many tokens of a chunk's end the next chunk of its section repeats
     * @param tokens the embedding model's token count of a text, special tokens included
     */
    public Chunker(int budget, int overlap, ToIntFunction<String> tokens) {
        if (budget < 16) throw new ForjaException("--chunk-tokens must be at least 16, got " + budget);
        if (overlap < 0 || overlap >= budget / 2)
            throw new ForjaException("--overlap must be in [0, chunk tokens / 2), got " + overlap);
        this.budget = budget;
        this.overlap = overlap;
        this.tokens = tokens;
    }

    /** A piece of text that goes into a chunk whole, with where it starts. */
    private record Piece(String text, long line, int page, int tokens) {}

    /** The chunks of one document, in order. */
    public List<Chunk> chunk(String source, List<Block> blocks) {
        List<Chunk> out = new ArrayList<>();
        String fileLang = LanguageId.shared().identify(sample(blocks));
        String heading = "";
        String[] path = new String[7]; // the headings above, by level: "Ransomware > Contención"
        List<Piece> current = new ArrayList<>();
        int used = 0;
        for (Unit unit : units(blocks)) {
            if (unit.heading) {
                flush(source, heading, current, out, fileLang);
                current.clear();
                used = 0;
                path[unit.level] = unit.text.strip();
                for (int l = unit.level + 1; l < path.length; l++) path[l] = null;
                StringBuilder h = new StringBuilder();
                for (int l = 1; l <= unit.level; l++)
                    if (path[l] != null) h.append(h.length() == 0 ? "" : " > ").append(path[l]);
                heading = h.toString();
                continue;
            }
            int room = Math.max(8, budget - SPECIAL_TOKENS - size(heading));
            for (Piece piece : pieces(unit, room)) {
                if (!current.isEmpty() && used + piece.tokens > room) {
                    flush(source, heading, current, out, fileLang);
                    List<Piece> carried = tail(current);
                    current.clear();
                    current.addAll(carried);
                    used = carried.stream().mapToInt(Piece::tokens).sum();
                    if (used + piece.tokens > room) { // the overlap and the piece do not fit together
                        current.clear();
                        used = 0;
                    }
                }
                current.add(piece);
                used += piece.tokens;
            }
        }
        flush(source, heading, current, out, fileLang);
        return out;
    }

    private static String sample(List<Block> blocks) {
        StringBuilder s = new StringBuilder();
        for (Block b : blocks) {
            if (s.length() > 2000) break;
            s.append(b.text()).append('\n');
        }
        return s.toString();
    }

    /** A heading line, or a block of text (a paragraph, or a whole fenced block: {@code code}). */
    private record Unit(String text, long line, int page, boolean heading, boolean code, int level) {
        Unit(String text, long line, int page, boolean heading, boolean code) {
            this(text, line, page, heading, code, 0);
        }
    }

    /** The blocks as headings and paragraphs; a fenced block split by blank lines is joined again. */
    private static List<Unit> units(List<Block> blocks) {
        List<Unit> out = new ArrayList<>();
        StringBuilder fence = null;
        long fenceLine = 0;
        int fencePage = 0;
        for (Block b : blocks) {
            if (fence != null) {
                fence.append("\n\n").append(b.text());
                if (fences(b.text()) % 2 == 1) {
                    out.add(new Unit(fence.toString(), fenceLine, fencePage, false, true));
                    fence = null;
                }
                continue;
            }
            String[] lines = b.text().split("\n", -1);
            StringBuilder para = new StringBuilder();
            long paraLine = b.line();
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (HEADING.matcher(line).matches() && fences(para) % 2 == 0) {
                    if (!para.toString().isBlank()) out.add(paragraph(para.toString(), paraLine, b.page()));
                    int level = line.indexOf(' ');
                    out.add(new Unit(line.replaceFirst("^#{1,6}\\s+", ""), b.line() + i, b.page(), true, false, level));
                    para.setLength(0);
                    paraLine = b.line() == 0 ? 0 : b.line() + i + 1;
                } else {
                    if (para.length() > 0) para.append('\n');
                    para.append(line);
                }
            }
            if (para.toString().isBlank()) continue;
            if (fences(para) % 2 == 1) { // an open fence: the next blocks belong to it
                fence = new StringBuilder(para);
                fenceLine = paraLine;
                fencePage = b.page();
            } else {
                out.add(paragraph(para.toString(), paraLine, b.page()));
            }
        }
        if (fence != null) out.add(new Unit(fence.toString(), fenceLine, fencePage, false, true));
        return out;
    }

    private static Unit paragraph(String text, long line, int page) {
        return new Unit(text, line, page, false, text.stripLeading().startsWith("```"));
    }

    private static int fences(CharSequence text) {
        int n = 0;
        for (String line : text.toString().split("\n", -1))
            if (line.stripLeading().startsWith("```")) n++;
        return n;
    }

    /** The unit whole if it fits {@code room}, else cut: code between lines, prose between sentences, then words. */
    private List<Piece> pieces(Unit unit, int room) {
        int t = size(unit.text);
        if (t <= room) return List.of(new Piece(unit.text, unit.line, unit.page, t));
        List<String> parts =
                unit.code ? List.of(unit.text.split("\n")) : List.of(SENTENCE_END.split(unit.text.strip()));
        List<Piece> out = new ArrayList<>();
        StringBuilder acc = new StringBuilder();
        String joiner = unit.code ? "\n" : " ";
        for (String part : parts) {
            for (String small : fit(part, room)) {
                String candidate = acc.length() == 0 ? small : acc + joiner + small;
                if (acc.length() > 0 && size(candidate) > room) {
                    out.add(piece(acc.toString(), unit));
                    acc.setLength(0);
                    acc.append(small);
                } else {
                    acc.setLength(0);
                    acc.append(candidate);
                }
            }
        }
        if (acc.length() > 0) out.add(piece(acc.toString(), unit));
        return out;
    }

    private Piece piece(String text, Unit unit) {
        return new Piece(text, unit.line, unit.page, size(text));
    }

    /** The text whole if it fits, else cut between words (a single word longer than the room is cut as it is). */
    private List<String> fit(String text, int room) {
        if (size(text) <= room) return List.of(text);
        List<String> out = new ArrayList<>();
        StringBuilder acc = new StringBuilder();
        for (String word : text.split("\\s+")) {
            String candidate = acc.length() == 0 ? word : acc + " " + word;
            if (acc.length() > 0 && size(candidate) > room) {
                out.add(acc.toString());
                acc.setLength(0);
                acc.append(word);
            } else {
                acc.setLength(0);
                acc.append(candidate);
            }
        }
        if (acc.length() > 0) out.add(acc.toString());
        return out;
    }

    /** The end of the chunk that the next one repeats: its last sentences, up to the overlap. */
    private List<Piece> tail(List<Piece> chunk) {
        if (overlap == 0 || chunk.isEmpty()) return List.of();
        Piece last = chunk.get(chunk.size() - 1);
        String[] sentences = SENTENCE_END.split(last.text.strip());
        StringBuilder kept = new StringBuilder();
        for (int i = sentences.length - 1; i >= 0; i--) {
            String candidate = kept.length() == 0 ? sentences[i] : sentences[i] + " " + kept;
            if (size(candidate) > overlap) break;
            kept.setLength(0);
            kept.append(candidate);
        }
        if (kept.length() == 0 || kept.length() == last.text.strip().length()) return List.of();
        return List.of(new Piece(kept.toString(), last.line, last.page, size(kept.toString())));
    }

    private void flush(String source, String heading, List<Piece> pieces, List<Chunk> out, String fileLang) {
        if (pieces.isEmpty()) return;
        StringBuilder text = new StringBuilder();
        if (!heading.isEmpty()) text.append(heading).append("\n\n");
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) text.append("\n\n");
            text.append(pieces.get(i).text);
        }
        String lang = LanguageId.shared().identify(text.toString());
        if (lang.equals(LanguageId.UNKNOWN)) lang = fileLang;
        Piece first = pieces.get(0);
        out.add(new Chunk(source, out.size(), first.line, first.page, text.toString(), lang));
    }

    /** Tokens of a text without the special tokens, so sizes add up. */
    private int size(String text) {
        return text.isEmpty() ? 0 : Math.max(0, tokens.applyAsInt(text) - SPECIAL_TOKENS);
    }
}
