package dev.forja.cli;

import dev.forja.ForjaException;
import dev.forja.embed.EmbeddingPrefixes;
import dev.forja.embed.Pooling;
import dev.forja.embed.SentenceModelImport;
import dev.forja.model.bert.BertConfig;
import dev.forja.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forja import-onnx}: an ONNX export of a BERT encoder to a Hugging Face directory. */
@Command(
        name = "import-onnx",
        mixinStandardHelpOptions = true,
        description = {
            "Import a BERT encoder exported to ONNX (e.g. all-MiniLM-L6-v2's model.onnx) as a Hugging Face "
                    + "directory: config.json, model.safetensors, tokenizer.json and the sentence-transformers files.",
            "Linear weights with generated names (onnx::MatMul_787) get their Hugging Face names from the bias added "
                    + "to their output.",
            "An ONNX file does not say how its model pools token vectors into a sentence vector: give --pooling "
                    + "(BGE: cls; MiniLM, E5: mean)."
        })
final class ImportOnnxCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "The .onnx file.")
    Path input;

    @Option(names = "--tokenizer", required = true, description = "The model's tokenizer.json.")
    Path tokenizer;

    @Option(names = "--output", required = true, description = "Directory to create (must not exist, or be empty).")
    Path output;

    @Option(names = "--heads", description = "Attention heads, if the graph does not tell (it usually does).")
    Integer heads;

    @Option(
            names = "--max-seq-length",
            description = "sentence-transformers' max_seq_length: longer texts are cut "
                    + "when embedding (default: the model's positions; all-MiniLM-L6-v2 uses 256).")
    Integer maxSeqLength;

    @Option(
            names = "--pooling",
            defaultValue = "mean",
            description = "How the model pools its token vectors into a sentence vector: cls, mean or max, as the "
                    + "model was trained (BGE: cls; all-MiniLM-L6-v2, E5: mean) (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(
            names = "--query-prefix",
            description = "Text put before each search query (E5: 'query: '; BGE: its query instruction); "
                    + "written to forja-embedding.json.")
    String queryPrefix;

    @Option(
            names = "--passage-prefix",
            description = "Text put before each indexed passage (E5: 'passage: '); written to forja-embedding.json.")
    String passagePrefix;

    @Override
    public Integer call() throws IOException {
        Pooling pool;
        try {
            pool = Pooling.of(pooling);
        } catch (ForjaException e) {
            throw new ForjaException("--pooling " + pooling + ": must be cls, mean or max, as the model was trained "
                    + "(BGE: cls; all-MiniLM-L6-v2, E5: mean)");
        }
        if (!Files.isRegularFile(tokenizer)) {
            throw new ForjaException("--tokenizer " + tokenizer + " does not exist: give the tokenizer.json that came "
                    + "with the ONNX model");
        }
        OnnxModel onnx = OnnxModel.read(input);
        BertConfig c = SentenceModelImport.write(
                onnx,
                Files.readAllBytes(tokenizer),
                output,
                heads == null ? OptionalInt.empty() : OptionalInt.of(heads),
                maxSeqLength == null ? OptionalInt.empty() : OptionalInt.of(maxSeqLength),
                pool,
                new EmbeddingPrefixes(
                        queryPrefix == null ? "" : queryPrefix, passagePrefix == null ? "" : passagePrefix));
        System.err.printf(
                "forja: imported BERT (%d layers, hidden %d, %d heads, vocabulary %,d; %s pooling) into %s%n",
                c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(), c.vocabSize(), pool.modeName(), output);
        return 0;
    }
}
