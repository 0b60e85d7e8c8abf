package dev.forja.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.gguf.GgufReader;
import dev.forja.io.gguf.GgufValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a Hugging Face tokenizer ({@code tokenizer.json}, {@code tokenizer_config.json}) from a GGUF file's
 * {@code tokenizer.ggml.*} metadata, the inverse of {@link GgufVocabulary}: the tokens become the BPE vocabulary at
 * their ids, control and user-defined tokens also become added tokens (special for control), the merges keep their
 * rank order, and {@code tokenizer.ggml.pre} picks the pre-tokenizer llama.cpp would run. The {@code [PAD<id>]}
 * entries the converter pads a vocabulary with are left out: the embedding keeps their rows, the tokenizer never
 * produces them.
 *
 * <p>Byte-level BPE vocabularies ({@code tokenizer.ggml.model = gpt2}) and SentencePiece BPE ones ({@code llama},
 * through {@link GgufSentencePiece}) are rebuilt; others (WordPiece, Unigram, RWKV ...) are refused.
 */
final class GgufTokenizerFiles {
    /** The {@code tokenizer.ggml.pre} values rebuilt, for error messages. */
    static final String SUPPORTED_PRE = "gpt-2, llama-bpe, qwen2, smollm";

    private GgufTokenizerFiles() {}

    /** Refuses a vocabulary this class cannot rebuild, naming what it is and what is supported. */
    static void requireSupported(GgufReader gguf) {
        GgufConfig.Keys k = new GgufConfig.Keys(gguf);
        String model = k.string("tokenizer.ggml.model");
        switch (model) {
            case "gpt2" -> preTokenizer(k.string("tokenizer.ggml.pre", "default"), gguf.file());
            case "llama" -> list(gguf, "tokenizer.ggml.scores");
            default ->
                throw new ForjaException(gguf.file() + ": its tokenizer is tokenizer.ggml.model = '" + model
                        + "'; forja rebuilds byte-level BPE ('gpt2': GPT-2, Llama 3, Qwen2, SmolLM) and SentencePiece "
                        + "BPE ('llama': Llama 2, Mistral v0.1, TinyLlama), not others; load the model's Hugging Face "
                        + "directory instead");
        }
        list(gguf, "tokenizer.ggml.tokens");
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} for {@code gguf}'s vocabulary into {@code dir}. */
    static void write(GgufReader gguf, int contextLength, Path dir) {
        requireSupported(gguf);
        GgufConfig.Keys k = new GgufConfig.Keys(gguf);
        boolean sentencePiece = k.string("tokenizer.ggml.model").equals("llama");
        List<?> tokens = list(gguf, "tokenizer.ggml.tokens");
        List<?> types = gguf.metadata().containsKey("tokenizer.ggml.token_type")
                ? list(gguf, "tokenizer.ggml.token_type")
                : null;
        if (types != null && types.size() != tokens.size()) {
            throw new ForjaException(gguf.file() + ": corrupt: tokenizer.ggml.tokens has " + tokens.size()
                    + " entries but tokenizer.ggml.token_type " + types.size());
        }

        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = Json.mapper().createObjectNode();
        ObjectNode decoderTable = Json.mapper().createObjectNode();
        for (int id = 0; id < tokens.size(); id++) {
            String token = (String) tokens.get(id);
            int type = types == null ? GgufVocabulary.NORMAL : ((Long) types.get(id)).intValue();
            if (type == GgufVocabulary.UNUSED && token.equals("[PAD" + id + "]")) continue;
            // as GPT-2's own file does, added tokens are vocabulary entries too, so their ids cannot shift
            vocab.put(token, id);
            boolean special = type == GgufVocabulary.CONTROL || type == GgufVocabulary.UNKNOWN;
            if (special || type == GgufVocabulary.USER_DEFINED) {
                ObjectNode t = addedToken(token, special);
                added.add(Json.mapper().createObjectNode().put("id", id).setAll(t));
                decoderTable.set(String.valueOf(id), t);
            }
        }
        // SentencePiece files add bos unless they say otherwise, as llama.cpp does
        SpecialIds ids = SpecialIds.of(k, tokens, sentencePiece);
        ObjectNode bpe = Json.mapper().createObjectNode();
        bpe.put("type", "BPE");
        bpe.putNull("dropout");
        bpe.putNull("continuing_subword_prefix");
        bpe.putNull("end_of_word_suffix");
        List<String> merges;
        if (sentencePiece) {
            boolean prefix = k.bool("tokenizer.ggml.add_space_prefix", true);
            GgufSentencePiece.configure(root, bpe, prefix, ids.unk() < 0 ? null : (String) tokens.get(ids.unk()));
            List<String> pieces = tokens.stream().map(String.class::cast).toList();
            List<Float> scores = list(gguf, "tokenizer.ggml.scores").stream()
                    .map(Float.class::cast)
                    .toList();
            // a SentencePiece piece holds no space (it is ▁), so "left right" is never ambiguous
            merges = GgufSentencePiece.merges(pieces, scores).stream()
                    .map(m -> m[0] + " " + m[1])
                    .toList();
        } else {
            String pre = k.string("tokenizer.ggml.pre", "default");
            root.set(
                    "normalizer",
                    pre.equals("qwen2") ? Json.mapper().createObjectNode().put("type", "NFC") : null);
            root.set("pre_tokenizer", preTokenizer(pre, gguf.file()));
            root.set("decoder", byteLevel(true, true, true));
            bpe.putNull("unk_token");
            bpe.put("fuse_unk", false);
            bpe.put("byte_fallback", false);
            // llama.cpp (and Llama 3's tokenizer.json) take a word that is itself a token whole, whatever the merges
            bpe.put("ignore_merges", pre.equals("llama-bpe"));
            merges = gguf.metadata().containsKey("tokenizer.ggml.merges")
                    ? list(gguf, "tokenizer.ggml.merges").stream()
                            .map(String.class::cast)
                            .toList()
                    : List.of();
        }
        root.set("post_processor", postProcessor(ids, tokens, !sentencePiece));
        bpe.set("vocab", vocab);
        merges.forEach(bpe.putArray("merges")::add);
        root.set("model", bpe);
        Json.writeAtomic(dir.resolve("tokenizer.json"), root);
        Json.writeAtomic(
                dir.resolve("tokenizer_config.json"), tokenizerConfig(k, ids, tokens, decoderTable, contextLength));
    }

    /** The special token ids of {@code tokenizer.ggml.*}, -1 where absent, and whether encoding adds bos / eos. */
    record SpecialIds(int bos, int eos, int unk, int pad, boolean addBos, boolean addEos) {
        static SpecialIds of(GgufConfig.Keys k, List<?> tokens, boolean addBosByDefault) {
            return new SpecialIds(
                    id(k, "bos", tokens),
                    id(k, "eos", tokens),
                    id(k, "unknown", tokens),
                    id(k, "padding", tokens),
                    k.bool("tokenizer.ggml.add_bos_token", addBosByDefault),
                    k.bool("tokenizer.ggml.add_eos_token", false));
        }

        private static int id(GgufConfig.Keys k, String role, List<?> tokens) {
            int id = k.integer("tokenizer.ggml." + role + "_token_id", -1);
            return id >= 0 && id < tokens.size() ? id : -1;
        }
    }

    private static List<?> list(GgufReader gguf, String key) {
        GgufValue v = gguf.metadata().get(key);
        if (v == null) {
            throw new ForjaException(gguf.file() + ": the GGUF metadata has no " + key + ": the file carries no "
                    + "tokenizer, which forja needs beside the weights");
        }
        try {
            return v.asList();
        } catch (ForjaException e) {
            throw new ForjaException(gguf.file() + ": GGUF metadata " + key + " is " + v.type() + ", not an array");
        }
    }

    private static ObjectNode addedToken(String content, boolean special) {
        ObjectNode t = Json.mapper().createObjectNode();
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false); // llama.cpp matches added tokens in the raw text
        t.put("special", special);
        return t;
    }

    /** The pre-tokenizer that {@link GgufVocabulary#preTokenizer} recognises as {@code pre}. */
    static ObjectNode preTokenizer(String pre, Path file) {
        ObjectNode root = Json.mapper().createObjectNode();
        switch (pre) {
            case "gpt-2" -> {
                return byteLevel(false, true, true);
            }
            case "llama-bpe", "qwen2" -> {
                root.put("type", "Sequence");
                ArrayNode steps = root.putArray("pretokenizers");
                ObjectNode split = steps.addObject().put("type", "Split");
                split.putObject("pattern")
                        .put("Regex", pre.equals("qwen2") ? GgufVocabulary.QWEN2_REGEX : GgufVocabulary.LLAMA3_REGEX);
                split.put("behavior", "Isolated").put("invert", false);
                steps.add(byteLevel(false, true, false));
                return root;
            }
            case "smollm" -> {
                root.put("type", "Sequence");
                ArrayNode steps = root.putArray("pretokenizers");
                steps.addObject().put("type", "Digits").put("individual_digits", true);
                steps.add(byteLevel(false, true, true));
                return root;
            }
            default ->
                throw new ForjaException(file + ": its pre-tokenizer tokenizer.ggml.pre = '" + pre + "' is not one "
                        + "forja rebuilds (" + SUPPORTED_PRE + "); load the model's Hugging Face directory instead");
        }
    }

    /**
     * Prepends bos / appends eos when the file says encoding adds them, as llama.cpp does; else byte-level offsets
     * for a byte-level vocabulary, nothing for SentencePiece.
     */
    private static ObjectNode postProcessor(SpecialIds ids, List<?> tokens, boolean byteLevel) {
        boolean bos = ids.addBos() && ids.bos() >= 0;
        boolean eos = ids.addEos() && ids.eos() >= 0;
        if (!bos && !eos) return byteLevel ? byteLevel(true, false, true) : null;
        ObjectNode p = Json.mapper().createObjectNode().put("type", "TemplateProcessing");
        ObjectNode specials = Json.mapper().createObjectNode();
        for (String kind : List.of("single", "pair")) {
            ArrayNode seq = p.putArray(kind);
            for (int s = 0; s < (kind.equals("single") ? 1 : 2); s++) {
                if (bos) seq.add(special((String) tokens.get(ids.bos()), s));
                seq.addObject()
                        .putObject("Sequence")
                        .put("id", s == 0 ? "A" : "B")
                        .put("type_id", s);
                if (eos) seq.add(special((String) tokens.get(ids.eos()), s));
            }
        }
        for (int id : bos && eos ? new int[] {ids.bos(), ids.eos()} : new int[] {bos ? ids.bos() : ids.eos()}) {
            String token = (String) tokens.get(id);
            ObjectNode e = specials.putObject(token).put("id", token);
            e.putArray("ids").add(id);
            e.putArray("tokens").add(token);
        }
        p.set("special_tokens", specials);
        return p;
    }

    private static ObjectNode special(String token, int typeId) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.putObject("SpecialToken").put("id", token).put("type_id", typeId);
        return n;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", useRegex);
        return n;
    }

    private static ObjectNode tokenizerConfig(
            GgufConfig.Keys k, SpecialIds ids, List<?> tokens, ObjectNode decoderTable, int contextLength) {
        ObjectNode c = Json.mapper().createObjectNode();
        c.set("added_tokens_decoder", decoderTable);
        Map.of("bos_token", ids.bos(), "eos_token", ids.eos(), "unk_token", ids.unk(), "pad_token", ids.pad())
                .entrySet()
                .stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> c.put(e.getKey(), e.getValue() >= 0 ? (String) tokens.get(e.getValue()) : null));
        c.put("add_bos_token", ids.addBos());
        c.put("add_eos_token", ids.addEos());
        String template = k.string("tokenizer.chat_template", null);
        if (template != null) c.put("chat_template", template);
        // decoding must give back the exact text, as forja's own tokenizers say
        c.put("clean_up_tokenization_spaces", false);
        c.put("model_max_length", contextLength);
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        return c;
    }
}
