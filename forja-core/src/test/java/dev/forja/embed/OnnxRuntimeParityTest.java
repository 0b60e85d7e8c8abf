package dev.forja.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.forja.model.bert.BertModel;
import dev.forja.onnx.BertOnnxImport;
import dev.forja.onnx.MiniLmResources;
import dev.forja.tensor.Tensors;
import dev.forja.tokenizer.HfTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * forja's all-MiniLM-L6-v2 against ONNX Runtime running the same ONNX file on the same padded token batches:
 * {@code last_hidden_state} on every real token, and the mean-pooled, normalised sentence vectors. Tolerance 1e-4
 * max absolute difference (float32 on both sides; the kernels differ in summation order).
 */
class OnnxRuntimeParityTest {
    static final double TOLERANCE = 1e-4;
    static final int BATCH = 16;

    @TempDir
    static Path tmp;

    static HfTokenizer tokenizer;
    static BertModel model;
    static List<long[]> tokens;

    @BeforeAll
    static void setUp() throws Exception {
        Files.write(tmp.resolve("tokenizer.json"), MiniLmResources.tokenizerBytes());
        tokenizer = HfTokenizer.load(tmp);
        BertOnnxImport imp = BertOnnxImport.of(MiniLmResources.model(), OptionalInt.empty());
        model = new BertModel(imp.config(), imp.parameters());
        tokens = new ArrayList<>();
        for (String s : Sentences.all()) tokens.add(tokenizer.encode(s, true));
        tokens.sort(Comparator.comparingInt(t -> t.length)); // batches of similar lengths, as the encoder makes them
    }

    @AfterAll
    static void tearDown() {
        if (tokenizer != null) tokenizer.close();
    }

    @Test
    void hiddenStatesAndSentenceVectorsMatchOnnxRuntime() throws Exception {
        assertThat(tokens).hasSizeGreaterThanOrEqualTo(100);
        assertThat(tokens.get(tokens.size() - 1).length)
                .as("a long text is among them")
                .isGreaterThan(128);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double maxHidden = 0;
        double maxPooled = 0;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(MiniLmResources.onnxBytes(), opts)) {
            for (int start = 0; start < tokens.size(); start += BATCH) {
                List<long[]> batch = tokens.subList(start, Math.min(tokens.size(), start + BATCH));
                PaddedBatch padded = PaddedBatch.of(batch, 0);
                int B = batch.size();
                int T = (int) padded.ids().size(1);
                float[][][] ort = runOrt(env, session, padded, B, T);
                float[] hidden;
                float[] pooled;
                try (NoGradGuard ng = new NoGradGuard()) {
                    Tensor h = model.forward(padded.ids(), null, padded.mask()); // (B, T, C)
                    hidden = Tensors.toFloats(h);
                    pooled = Tensors.toFloats(Pooling.normalize(Pooling.meanPool(h, padded.mask())));
                }
                int C = 384;
                for (int b = 0; b < B; b++) {
                    double[] mean = new double[C];
                    for (int t = 0; t < batch.get(b).length; t++) {
                        for (int c = 0; c < C; c++) {
                            float o = ort[b][t][c];
                            maxHidden = Math.max(maxHidden, Math.abs(hidden[(b * T + t) * C + c] - o));
                            mean[c] += o;
                        }
                    }
                    double norm = 0;
                    for (int c = 0; c < C; c++) {
                        mean[c] /= batch.get(b).length;
                        norm += mean[c] * mean[c];
                    }
                    norm = Math.sqrt(norm);
                    for (int c = 0; c < C; c++) {
                        maxPooled = Math.max(maxPooled, Math.abs(pooled[b * C + c] - mean[c] / norm));
                    }
                }
            }
        }
        System.out.printf(
                "MiniLM vs ONNX Runtime on %d sentences: last_hidden_state max |diff| %.3g, "
                        + "sentence vectors max |diff| %.3g%n",
                tokens.size(), maxHidden, maxPooled);
        assertThat(maxHidden).isLessThanOrEqualTo(TOLERANCE);
        assertThat(maxPooled).isLessThanOrEqualTo(TOLERANCE);
    }

    private static float[][][] runOrt(OrtEnvironment env, OrtSession session, PaddedBatch p, int B, int T)
            throws Exception {
        long[][] ids = new long[B][T];
        long[][] mask = new long[B][T];
        long[] flatIds = Tensors.toLongs(p.ids());
        long[] flatMask = Tensors.toLongs(p.mask());
        for (int b = 0; b < B; b++) {
            System.arraycopy(flatIds, b * T, ids[b], 0, T);
            System.arraycopy(flatMask, b * T, mask[b], 0, T);
        }
        try (var i = ai.onnxruntime.OnnxTensor.createTensor(env, ids);
                var m = ai.onnxruntime.OnnxTensor.createTensor(env, mask);
                var tt = ai.onnxruntime.OnnxTensor.createTensor(env, new long[B][T]);
                OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", tt))) {
            return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
        }
    }
}
