package dev.forja.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.forja.io.onnx.OnnxWriter;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.onnx.BertOnnxImport;
import dev.forja.onnx.MiniLmResources;
import dev.forja.tensor.Tensors;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BERT encoders and classifiers exported to ONNX and run by ONNX Runtime on a padded batch: all-MiniLM-L6-v2's
 * last_hidden_state and a classifier's probabilities equal forja's within 1e-4.
 */
class BertOnnxTest {
    // two rows, the second padded: [CLS] hello world [SEP] / [CLS] hello [SEP] [PAD]
    private static final long[] IDS = {101, 7592, 2088, 102, 101, 7592, 102, 0};
    private static final long[] MASK = {1, 1, 1, 1, 1, 1, 1, 0};
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    private static BertModel miniLm() {
        BertOnnxImport imp = BertOnnxImport.of(MiniLmResources.model(), OptionalInt.empty());
        return new BertModel(imp.config(), imp.parameters());
    }

    private Path export(OnnxWriter.Graph graph, long externalThreshold) throws Exception {
        Path source = Files.createDirectories(tmp.resolve("source"));
        Path out = tmp.resolve("onnx");
        OnnxExport.write(graph, "bert", source, null, out, false, externalThreshold, null);
        return out;
    }

    /** The named output of the exported model on the test batch, flattened. */
    private static float[] run(Path dir, String output) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> in = new HashMap<>();
        long[] shape = {2, 4};
        try (OrtSession s = env.createSession(dir.resolve("model.onnx").toString(), new OrtSession.SessionOptions())) {
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(IDS), shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(MASK), shape));
            in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[8]), shape));
            try (OrtSession.Result r = s.run(in)) {
                FloatBuffer b = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    private static double maxAbsDiff(float[] a, float[] b, int every, boolean[] keep) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            if (keep == null || keep[i / every]) m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void miniLmLastHiddenStateEqualsForjasEncoderWithExternalData() throws Exception {
        BertModel m = miniLm();
        float[] forja;
        try (NoGradGuard ng = new NoGradGuard()) {
            forja = Tensors.toFloats(m.forward(Tensors.ofLongs(IDS, 2, 4), null, Tensors.ofLongs(MASK, 2, 4)));
        }
        // past a 1 MB threshold, the 90 MB of weights go to model.onnx_data
        Path dir = export(BertOnnx.encoder(m), 1 << 20);
        assertThat(dir.resolve("model.onnx_data")).isRegularFile();
        assertThat(Files.size(dir.resolve("model.onnx"))).isLessThan(1 << 20);
        float[] ort = run(dir, "last_hidden_state");
        boolean[] real = new boolean[MASK.length];
        for (int i = 0; i < real.length; i++) real[i] = MASK[i] == 1;
        double d = maxAbsDiff(ort, forja, 384, real); // padding rows hold no meaning
        System.out.printf(Locale.ROOT, "onnx parity minilm last_hidden_state: max |Δ| %.3g%n", d);
        assertThat(d).isLessThan(TOLERANCE);
    }

    private void assertProbabilitiesMatch(BertClassifier c, String what) throws Exception {
        float[] forja;
        try (NoGradGuard ng = new NoGradGuard()) {
            forja = Tensors.toFloats(c.logits(Tensors.ofLongs(IDS, 2, 4), Tensors.ofLongs(MASK, 2, 4))
                    .softmax(-1));
        }
        float[] logits = run(export(BertOnnx.classifier(c), OnnxWriter.EXTERNAL_THRESHOLD), "logits");
        float[] ort = Tensors.toFloats(Tensors.ofFloats(logits, 2, 3).softmax(-1));
        double d = maxAbsDiff(ort, forja, 1, null);
        System.out.printf(Locale.ROOT, "onnx parity %s probabilities: max |Δ| %.3g%n", what, d);
        assertThat(d).isLessThan(TOLERANCE);
        // the probabilities are not uniform: a dropped head would show
        assertThat(forja[0]).isNotCloseTo(1f / 3, org.assertj.core.data.Offset.offset(1e-3f));
    }

    @Test
    void aMeanPooledClassifiersProbabilitiesMatch() throws Exception {
        BertClassifier c = BertClassifier.create(miniLm(), List.of("a", "b", "c"), true, 7);
        assertThat(c.pooling()).isEqualTo(BertClassifier.Pooling.MEAN);
        try (NoGradGuard ng = new NoGradGuard()) {
            c.head().get("classifier.weight").mul_(new Scalar(50));
            c.head().get("classifier.bias").copy_(Tensors.ofFloats(new float[] {0.3f, -0.2f, 0.1f}, 3));
        }
        assertProbabilitiesMatch(c, "minilm mean-pooled classifier");
    }

    @Test
    void aPoolerClassifiersProbabilitiesMatch() throws Exception {
        BertConfig config = BertConfig.tiny(30522);
        Map<String, Tensor> params = BertModel.initialize(config, true, 5);
        torch.manual_seed(3);
        try (NoGradGuard ng = new NoGradGuard()) {
            // norms and biases away from init's exact 1 and 0, so a dropped one shows
            for (Tensor t : params.values()) {
                if (t.dim() == 1) t.add_(torch.randn(t.sizes().vec().get()).mul(new Scalar(0.1)));
            }
        }
        BertClassifier c = BertClassifier.create(new BertModel(config, params), List.of("x", "y", "z"), false, 7);
        assertThat(c.pooling()).isEqualTo(BertClassifier.Pooling.POOLER);
        try (NoGradGuard ng = new NoGradGuard()) {
            c.head().get("classifier.weight").mul_(new Scalar(50));
        }
        assertProbabilitiesMatch(c, "tiny pooler classifier");
    }
}
