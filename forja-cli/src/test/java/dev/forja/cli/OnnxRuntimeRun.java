package dev.forja.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported causal LM in ONNX Runtime the way a user's decode loop would: a full forward, or a KV-cached one
 * that feeds {@code present.N.*} back as {@code past_key_values.N.*}. The reference side of the ONNX export tests.
 */
final class OnnxRuntimeRun implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int layers;
    private final long kvHeads;
    private final long headDim;
    private Map<String, float[]> past = new HashMap<>();
    private long pastLength;

    /** A session on {@code dir/model.onnx}; layers, kvHeads and headDim shape the (initially empty) past. */
    OnnxRuntimeRun(Path dir, int layers, long kvHeads, long headDim) throws OrtException {
        this.session = env.createSession(dir.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    OrtSession session() {
        return session;
    }

    /** Logits (T, V) of one sequence run without past. */
    float[][] logits(long[] ids) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", longs(ids, 1, ids.length));
            in.put("attention_mask", longs(ones(ids.length), 1, ids.length));
            try (OrtSession.Result r = session.run(in)) {
                return rows((OnnxTensor) r.get("logits").orElseThrow());
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** Logits (B, T, V) of a batch without past, each row with its own mask (zeros where it is left-padded). */
    float[][][] logits(long[][] ids, long[][] mask) throws OrtException {
        int b = ids.length, t = ids[0].length;
        long[] flatIds = new long[b * t];
        long[] flatMask = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(ids[i], 0, flatIds, i * t, t);
            System.arraycopy(mask[i], 0, flatMask, i * t, t);
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", longs(flatIds, b, t));
            in.put("attention_mask", longs(flatMask, b, t));
            try (OrtSession.Result r = session.run(in)) {
                OnnxTensor logits = (OnnxTensor) r.get("logits").orElseThrow();
                long[] shape = logits.getInfo().getShape();
                FloatBuffer buf = logits.getFloatBuffer();
                float[][][] out = new float[b][t][(int) shape[2]];
                for (float[][] row : out) for (float[] v : row) buf.get(v);
                return out;
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** Logits (T, V) of {@code ids} appended after what earlier calls fed; the past grows by T. */
    float[][] step(long[] ids) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", longs(ids, 1, ids.length));
            in.put("attention_mask", longs(ones((int) pastLength + ids.length), 1, pastLength + ids.length));
            for (int i = 0; i < layers; i++) {
                for (String kind : List.of("key", "value")) {
                    float[] values = past.getOrDefault(i + "." + kind, new float[0]);
                    in.put(
                            "past_key_values." + i + "." + kind,
                            OnnxTensor.createTensor(
                                    env, FloatBuffer.wrap(values), new long[] {1, kvHeads, pastLength, headDim}));
                }
            }
            try (OrtSession.Result r = session.run(in)) {
                Map<String, float[]> next = new HashMap<>();
                for (int i = 0; i < layers; i++) {
                    for (String kind : List.of("key", "value")) {
                        OnnxTensor t =
                                (OnnxTensor) r.get("present." + i + "." + kind).orElseThrow();
                        long[] shape = t.getInfo().getShape();
                        if (shape[2] != pastLength + ids.length) {
                            throw new AssertionError("present length " + Arrays.toString(shape));
                        }
                        FloatBuffer b = t.getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        next.put(i + "." + kind, v);
                    }
                }
                past = next;
                pastLength += ids.length;
                return rows((OnnxTensor) r.get("logits").orElseThrow());
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** Greedy decoding of {@code n} tokens after {@code prompt} with the KV cache: the prompt once, then one by one. */
    long[] greedy(long[] prompt, int n) throws OrtException {
        List<Long> out = new ArrayList<>();
        float[][] logits = step(prompt);
        for (int i = 0; i < n; i++) {
            long next = argmax(logits[logits.length - 1]);
            out.add(next);
            if (i + 1 < n) logits = step(new long[] {next});
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** log p(ids[i+1] | ids[..i]) from logits rows (T, V), in double. */
    static double[] nextTokenLogprobs(float[][] logits, long[] ids) {
        double[] lp = new double[ids.length - 1];
        for (int i = 0; i < lp.length; i++) lp[i] = logSoftmax(logits[i])[(int) ids[i + 1]];
        return lp;
    }

    static double[] logSoftmax(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) max = Math.max(max, v);
        double sum = 0;
        for (float v : row) sum += Math.exp(v - max);
        double log = max + Math.log(sum);
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) out[i] = row[i] - log;
        return out;
    }

    static long argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) throw new AssertionError(a.length + " vs " + b.length + " values");
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private OnnxTensor longs(long[] values, long... shape) throws OrtException {
        return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    }

    private static long[] ones(int n) {
        long[] m = new long[n];
        Arrays.fill(m, 1);
        return m;
    }

    /** The first batch row of (1, T, V) logits as T rows. */
    private static float[][] rows(OnnxTensor logits) {
        long[] shape = logits.getInfo().getShape();
        FloatBuffer b = logits.getFloatBuffer();
        float[][] out = new float[(int) shape[1]][(int) shape[2]];
        for (float[] row : out) b.get(row);
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
