package dev.forja.onnx;

import dev.forja.ForjaException;
import dev.forja.io.DType;
import dev.forja.io.TensorEntry;
import dev.forja.model.ParamSpec;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.tensor.Tensors;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * Recovers a Hugging Face {@code BertModel} from an ONNX export of it: the parameters under their transformers
 * names, and the config. Exporters keep the names of biases, LayerNorms and embeddings, but give each linear weight
 * a generated name ({@code onnx::MatMul_787}) and store it transposed as (in, out) for {@code MatMul}. Each such
 * weight is named by following its MatMul to the {@code Add} that consumes it: that Add's other input is the
 * layer's bias ({@code encoder.layer.0.attention.self.query.bias}), so the weight is {@code ...query.weight}.
 * Nothing in the graph is run.
 *
 * <p>Example: {@code BertOnnxImport imp = BertOnnxImport.of(OnnxModel.read(file), OptionalInt.empty());}
 *
 * @param sources for each recovered name, the initializer it came from (for reports and tests)
 */
public record BertOnnxImport(BertConfig config, Map<String, Tensor> parameters, Map<String, String> sources) {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    private static final String PREFIX = "bert.";

    /**
     * Imports {@code model}. {@code heads} overrides the attention head count, which the weights alone do not
     * determine; without it the count is read from the graph's reshape of the first layer's keys.
     */
    public static BertOnnxImport of(OnnxModel model, OptionalInt heads) {
        Map<String, OnnxTensor> named = new LinkedHashMap<>(); // HF name -> initializer, layout as in the file
        Map<String, Boolean> transposed = new LinkedHashMap<>();
        for (OnnxTensor t : model.initializers().values()) {
            String n = strip(t.name());
            if (n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler.")) {
                named.put(n, t);
                transposed.put(n, false);
            }
        }
        for (OnnxNode node : model.nodes()) {
            if (node.opType().equals("MatMul") || node.opType().equals("Gemm")) {
                nameLinearWeight(model, node, named, transposed);
            }
        }
        named.remove("embeddings.position_ids"); // a buffer (0..P-1), not a parameter
        BertConfig config = inferConfig(model, named, heads);
        boolean pooler = named.containsKey("pooler.dense.weight") && named.containsKey("pooler.dense.bias");
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (ParamSpec spec : BertModel.specs(config, pooler)) {
            OnnxTensor t = named.get(spec.name());
            if (t == null) throw notBert(model, "no initializer for " + spec.name());
            if (t.dataType() != OnnxTensor.FLOAT) {
                throw new ForjaException(model.source() + ": " + t.name() + " is " + t.typeName() + "; forja imports "
                        + "float32 ONNX models only (not quantized or float16 exports): use the float32 model.onnx");
            }
            boolean tr = transposed.get(spec.name());
            long[] fileShape = tr ? new long[] {spec.shape()[1], spec.shape()[0]} : spec.shape();
            if (!Arrays.equals(t.dims(), fileShape)) {
                throw notBert(
                        model,
                        t.name() + " (" + spec.name() + ") has shape " + Arrays.toString(t.dims()) + ", expected "
                                + Arrays.toString(fileShape));
            }
            Tensor x = Tensors.fromEntry(new TensorEntry(spec.name(), DType.F32, t.dims(), t.data()));
            params.put(spec.name(), tr ? x.t().contiguous() : x);
            sources.put(spec.name(), t.name());
        }
        return new BertOnnxImport(config, params, sources);
    }

    private static String strip(String name) {
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    /**
     * Names the constant weight of a MatMul (x · W, W stored (in, out)) or Gemm (with transB = 1, W stored
     * (out, in)) after the bias added to its result: by the Add that consumes it, or Gemm's own third input.
     */
    private static void nameLinearWeight(
            OnnxModel model, OnnxNode node, Map<String, OnnxTensor> named, Map<String, Boolean> transposed) {
        if (node.inputs().size() < 2) return;
        OnnxTensor w = model.initializers().get(node.inputs().get(1));
        if (w == null || w.dims().length != 2) return;
        String bias = null;
        boolean gemmTransB =
                node.opType().equals("Gemm") && node.numberAttributes().getOrDefault("transB", 0.0) == 1;
        if (node.opType().equals("Gemm") && node.inputs().size() > 2) {
            bias = node.inputs().get(2);
        } else {
            for (OnnxNode add : model.consumersOf(node.outputs().get(0))) {
                if (!add.opType().equals("Add")) continue;
                for (String in : add.inputs()) {
                    if (model.initializers().containsKey(in) && strip(in).endsWith(".bias")) bias = in;
                }
            }
        }
        if (bias == null) return;
        String weight = strip(bias).substring(0, strip(bias).length() - "bias".length()) + "weight";
        if (named.containsKey(weight) && named.get(weight) != w) {
            throw notBert(
                    model,
                    "two initializers would both be " + weight + " ("
                            + named.get(weight).name() + " and " + w.name() + ")");
        }
        named.put(weight, w);
        transposed.put(weight, !gemmTransB);
    }

    private static BertConfig inferConfig(OnnxModel model, Map<String, OnnxTensor> named, OptionalInt heads) {
        OnnxTensor words = named.get("embeddings.word_embeddings.weight");
        OnnxTensor positions = named.get("embeddings.position_embeddings.weight");
        OnnxTensor types = named.get("embeddings.token_type_embeddings.weight");
        OnnxTensor inter = named.get("encoder.layer.0.intermediate.dense.bias");
        if (words == null || positions == null || types == null || inter == null || words.dims().length != 2) {
            throw notBert(
                    model,
                    "no BERT embeddings (embeddings.word_embeddings.weight, position_embeddings, "
                            + "token_type_embeddings) or no encoder.layer.0.intermediate.dense.bias");
        }
        int layers = 0;
        for (String n : named.keySet()) {
            Matcher m = LAYER.matcher(n);
            if (m.find()) layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
        }
        int hidden = (int) words.dims()[1];
        int h = heads.isPresent() ? heads.getAsInt() : inferHeads(model, named, hidden);
        boolean erf = model.nodes().stream()
                .anyMatch(n -> n.opType().equals("Erf") || n.opType().equals("Gelu"));
        if (!erf) {
            throw new ForjaException(model.source() + ": no Erf (or Gelu) operator, so the activation is not BERT's "
                    + "exact GELU; forja's BERT implements hidden_act \"gelu\" only");
        }
        return new BertConfig(
                (int) words.dims()[0],
                hidden,
                layers,
                h,
                (int) inter.dims()[0],
                (int) positions.dims()[0],
                (int) types.dims()[0],
                inferEpsilon(model),
                0,
                "gelu",
                0.02);
    }

    /**
     * The head count from the Reshape that splits layer 0's keys into (B, T, H, D): its target shape is a
     * constant or a Concat whose last two parts are the constants H and D.
     */
    private static int inferHeads(OnnxModel model, Map<String, OnnxTensor> named, int hidden) {
        OnnxTensor keyBias = named.get("encoder.layer.0.attention.self.key.bias");
        for (OnnxNode add : model.consumersOf(keyBias == null ? "" : keyBias.name())) {
            for (OnnxNode reshape : model.consumersOf(add.outputs().get(0))) {
                if (!reshape.opType().equals("Reshape") || reshape.inputs().size() < 2) continue;
                long[] shape = reshapeTarget(model, reshape.inputs().get(1));
                if (shape != null && shape.length == 4 && shape[2] > 0 && shape[2] * shape[3] == hidden) {
                    return (int) shape[2];
                }
            }
        }
        throw new ForjaException(model.source() + ": cannot tell the number of attention heads from the graph; give "
                + "it (--heads N, num_attention_heads in the model's config.json)");
    }

    /** The constant target shape of a Reshape, or of the Concat building it (unknown parts as -1); null if neither. */
    private static long[] reshapeTarget(OnnxModel model, String value) {
        var constant = model.constant(value);
        if (constant.isPresent() && constant.get().dataType() == OnnxTensor.INT64) {
            return longs(constant.get());
        }
        var concat = model.producerOf(value).filter(n -> n.opType().equals("Concat"));
        if (concat.isEmpty()) return null;
        List<String> parts = concat.get().inputs();
        long[] shape = new long[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            var part = model.constant(parts.get(i));
            shape[i] = part.isPresent() && part.get().numel() == 1
                    ? (long) part.get().scalar()
                    : -1;
        }
        return shape;
    }

    private static long[] longs(OnnxTensor t) {
        long[] out = new long[(int) t.numel()];
        t.data().asLongBuffer().get(out);
        return out;
    }

    /**
     * LayerNorm's epsilon: a LayerNormalization node's attribute, or the scalar an exporter adds to the variance
     * inside a decomposed LayerNorm (an Add under a {@code LayerNorm} scope); BERT's 1e-12 when neither is found.
     */
    private static double inferEpsilon(OnnxModel model) {
        for (OnnxNode n : model.nodes()) {
            if (n.opType().equals("LayerNormalization") && n.numberAttributes().containsKey("epsilon")) {
                return n.numberAttributes().get("epsilon");
            }
            if (n.opType().equals("Add") && n.name().contains("LayerNorm")) {
                for (String in : n.inputs()) {
                    var c = model.constant(in);
                    if (c.isPresent()
                            && c.get().numel() == 1
                            && c.get().dataType() == OnnxTensor.FLOAT
                            && !model.initializers().containsKey(in)) {
                        // the float32 constant printed as a float: 1e-12, not 9.999999960041972e-13
                        return Double.parseDouble(Float.toString((float) c.get().scalar()));
                    }
                }
            }
        }
        return 1e-12;
    }

    private static ForjaException notBert(OnnxModel model, String why) {
        TreeSet<String> sample = new TreeSet<>(model.initializers().keySet());
        String examples = String.join(", ", sample.stream().limit(5).toList());
        return new ForjaException(model.source() + " does not look like a BERT encoder exported to ONNX: " + why
                + " (its " + model.initializers().size() + " initializers include "
                + (examples.isEmpty() ? "none" : examples)
                + "); forja import-onnx reads ONNX exports of Hugging Face BertModel, e.g. "
                + "optimum-cli export onnx --model sentence-transformers/all-MiniLM-L6-v2");
    }
}
