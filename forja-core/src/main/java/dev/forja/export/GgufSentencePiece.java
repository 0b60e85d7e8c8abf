package dev.forja.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.io.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A SentencePiece BPE vocabulary ({@code tokenizer.ggml.model = llama}: Llama 2, Mistral v0.1, TinyLlama) as the
 * Hugging Face BPE that transformers' slow-to-fast Llama conversion makes of it: spaces become {@code ▁} and one is
 * prepended, pieces missing from the vocabulary fall back to their UTF-8 bytes ({@code <0xC3>}), and the merges are
 * derived from the piece scores, since SentencePiece merges the adjacent pair whose joined piece scores highest.
 *
 * <p>Example: pieces {@code ▁h} (score -1), {@code ol} (-2), {@code ▁hol} (-3) give the merges {@code ▁ h},
 * {@code o l}, {@code ▁h ol}, in that order.
 */
final class GgufSentencePiece {
    static final String SPACE = "▁";

    private GgufSentencePiece() {}

    /**
     * The merges, best first: every split of a piece into two pieces of the vocabulary is a merge ranked by the whole
     * piece's score (higher first), then by the longer left part, then the longer right part; splits of one piece are
     * listed by their parts' ids, and equal keys keep vocabulary order (the conversion's stable sort).
     */
    static List<String[]> merges(List<String> pieces, List<Float> scores) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < pieces.size(); i++)
            ids.put(pieces.get(i), i); // a repeated piece: its last id, as the conversion keeps
        record Merge(String left, String right, float score, int leftId, int rightId) {}
        List<Merge> merges = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            String piece = pieces.get(i);
            List<Merge> local = new ArrayList<>();
            // split between code points, never inside a surrogate pair
            for (int at = piece.offsetByCodePoints(0, Math.min(1, piece.length()));
                    at < piece.length();
                    at = piece.offsetByCodePoints(at, 1)) {
                Integer l = ids.get(piece.substring(0, at));
                Integer r = ids.get(piece.substring(at));
                if (l != null && r != null) {
                    local.add(new Merge(piece.substring(0, at), piece.substring(at), scores.get(i), l, r));
                }
            }
            local.sort(Comparator.comparingInt(Merge::leftId).thenComparingInt(Merge::rightId));
            merges.addAll(local);
        }
        merges.sort(Comparator.comparingDouble((Merge m) -> -m.score())
                .thenComparingInt(m -> -codePoints(m.left()))
                .thenComparingInt(m -> -codePoints(m.right())));
        return merges.stream().map(m -> new String[] {m.left(), m.right()}).toList();
    }

    private static int codePoints(String s) {
        return s.codePointCount(0, s.length());
    }

    /**
     * Sets the normalizer, pre-tokenizer, decoder and model options of {@code root} (a tokenizer.json) and
     * {@code model} (its BPE model) for SentencePiece; {@code unk} is the unknown piece or null.
     */
    static void configure(ObjectNode root, ObjectNode model, boolean addSpacePrefix, String unk) {
        ObjectNode normalizer = Json.mapper().createObjectNode().put("type", "Sequence");
        ArrayNode steps = normalizer.putArray("normalizers");
        if (addSpacePrefix) steps.addObject().put("type", "Prepend").put("prepend", SPACE);
        steps.add(replace(" ", SPACE));
        root.set("normalizer", normalizer);
        root.putNull("pre_tokenizer");
        ObjectNode decoder = Json.mapper().createObjectNode().put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        decoders.add(replace(SPACE, " "));
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        if (addSpacePrefix)
            decoders.addObject()
                    .put("type", "Strip")
                    .put("content", " ")
                    .put("start", 1)
                    .put("stop", 0);
        root.set("decoder", decoder);
        if (unk == null) model.putNull("unk_token");
        else model.put("unk_token", unk);
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        model.put("ignore_merges", false);
    }

    private static ObjectNode replace(String from, String to) {
        ObjectNode n = Json.mapper().createObjectNode().put("type", "Replace");
        n.putObject("pattern").put("String", from);
        n.put("content", to);
        return n;
    }
}
