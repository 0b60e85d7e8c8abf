package dev.forja.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.AtomicDirectory;
import dev.forja.io.AtomicFile;
import dev.forja.io.Json;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertWriter;
import dev.forja.onnx.BertOnnxImport;
import dev.forja.onnx.OnnxModel;
import dev.forja.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Turns an ONNX export of a BERT sentence-embedding model plus its {@code tokenizer.json} into a Hugging Face
 * directory that {@link SentenceEncoder#load}, transformers and sentence-transformers all read: {@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json} and the sentence-transformers files. The directory appears
 * whole or not at all (written beside it, then renamed).
 *
 * <p>Example: {@code SentenceModelImport.write(OnnxModel.read(onnx), Files.readAllBytes(tok), out, OptionalInt.empty(),
 * OptionalInt.of(256));}
 */
public final class SentenceModelImport {
    private SentenceModelImport() {}

    /**
     * Imports {@code onnx} into {@code output} (which must not exist or be empty) and returns the config written.
     *
     * @param heads attention heads, when the graph does not tell (see {@link BertOnnxImport#of})
     * @param maxSeqLength sentence-transformers' {@code max_seq_length}; the model's positions when empty
     */
    public static BertConfig write(
            OnnxModel onnx, byte[] tokenizerJson, Path output, OptionalInt heads, OptionalInt maxSeqLength) {
        return write(
                onnx, tokenizerJson, output, heads, maxSeqLength, Pooling.meanNormalized(), EmbeddingPrefixes.NONE);
    }

    /**
     * {@link #write(OnnxModel, byte[], Path, OptionalInt, OptionalInt)} for a model that pools by {@code pooling}
     * (an ONNX file does not say how: BGE takes the {@code [CLS]} state, MiniLM and E5 the mean) and wants
     * {@code prefixes} (written to {@link EmbeddingPrefixes#FILE} unless none).
     */
    public static BertConfig write(
            OnnxModel onnx,
            byte[] tokenizerJson,
            Path output,
            OptionalInt heads,
            OptionalInt maxSeqLength,
            Pooling pooling,
            EmbeddingPrefixes prefixes) {
        BertOnnxImport imported = BertOnnxImport.of(onnx, heads);
        BertConfig config = imported.config();
        int maxSeq = maxSeqLength.orElse(config.maxPositionEmbeddings());
        if (maxSeq < 2 || maxSeq > config.maxPositionEmbeddings()) {
            throw new ForjaException("max sequence length must be within [2, " + config.maxPositionEmbeddings()
                    + "] (the model's positions), got " + maxSeq);
        }
        AtomicDirectory.write(output, stage -> {
            BertWriter.write(stage, config, imported.parameters());
            byte[] tokenizer = withoutPaddingAndTruncation(tokenizerJson);
            AtomicFile.write(stage.resolve("tokenizer.json"), ch -> ch.write(ByteBuffer.wrap(tokenizer)));
            try (HfTokenizer t = HfTokenizer.load(stage)) {
                if (t.vocabSize() > config.vocabSize()) {
                    throw new ForjaException("the tokenizer has " + t.vocabSize() + " tokens but " + onnx.source()
                            + " embeds " + config.vocabSize() + ": give the tokenizer.json that came with the model");
                }
            }
            SentenceTransformersFiles.write(stage, config.hiddenSize(), maxSeq, pooling);
            if (!prefixes.isNone()) prefixes.write(stage);
        });
        return config;
    }

    /**
     * The tokenizer with its built-in padding and truncation switched off. ONNX bundles often fix both (MiniLM's pads
     * every text to 128 tokens); a Hugging Face directory leaves them to the caller, who pads batches and truncates
     * to {@code max_seq_length}, so that {@code Tokenizer.from_file(...).encode(text)} gives the text's own tokens.
     */
    static byte[] withoutPaddingAndTruncation(byte[] tokenizerJson) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(tokenizerJson);
        } catch (IOException e) {
            throw new ForjaException(
                    "the tokenizer is not valid JSON (" + e.getMessage() + "): give the " + "model's tokenizer.json");
        }
        if (!(json instanceof ObjectNode o) || !o.has("model")) {
            throw new ForjaException("the tokenizer is not a Hugging Face tokenizer.json (no \"model\" object): give "
                    + "the model's tokenizer.json");
        }
        if (o.path("padding").isNull() && o.path("truncation").isNull()) return tokenizerJson;
        o.putNull("padding");
        o.putNull("truncation");
        try {
            return Json.mapper().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new ForjaException("could not re-encode the tokenizer: " + e.getMessage(), e);
        }
    }
}
