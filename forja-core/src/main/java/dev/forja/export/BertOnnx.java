package dev.forja.export;

import dev.forja.io.onnx.OnnxProto;
import dev.forja.io.onnx.OnnxWriter;
import dev.forja.model.bert.BertClassifier;
import dev.forja.model.bert.BertConfig;
import dev.forja.model.bert.BertModel;
import dev.forja.tensor.Tensors;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A BERT encoder ({@code BertModel}) or sequence classifier ({@code BertForSequenceClassification}, forja's
 * {@code task=classification} models) as an ONNX graph with Optimum's interface: inputs {@code input_ids},
 * {@code attention_mask} and {@code token_type_ids}, int64 (batch_size, sequence_length); output
 * {@code last_hidden_state} float32 (batch_size, sequence_length, hidden) for an encoder, {@code logits}
 * (batch_size, num_labels) for a classifier, pooled as the classifier was trained (mean of real tokens, or BERT's
 * pooler).
 */
public final class BertOnnx {
    private BertOnnx() {}

    /** The encoder's graph, returning {@code last_hidden_state}. */
    public static OnnxWriter.Graph encoder(BertModel model) {
        OnnxGraph g = new OnnxGraph();
        Inputs in = inputs(g);
        String hidden = hidden(g, in, model.config(), model.parameters());
        g.opNamed("last_hidden_state", "Identity", List.of(), hidden);
        g.output("last_hidden_state", OnnxProto.FLOAT, CausalLmOnnx.BATCH, CausalLmOnnx.SEQUENCE, (long)
                model.config().hiddenSize());
        return g.build("forja-bert");
    }

    /** The classifier's graph, returning {@code logits} (B, K). */
    public static OnnxWriter.Graph classifier(BertClassifier classifier) {
        OnnxGraph g = new OnnxGraph();
        Inputs in = inputs(g);
        BertModel encoder = classifier.encoder();
        String hidden = hidden(g, in, encoder.config(), encoder.parameters()); // (B, T, C)
        String pooled;
        if (classifier.pooling() == BertClassifier.Pooling.POOLER) {
            String first = g.op("Gather", List.of(OnnxLayers.axis(1)), hidden, g.scalar(0L)); // (B, C)
            pooled = g.op("Tanh", OnnxLayers.linear(g, first, encoder.parameters(), "pooler.dense"));
        } else {
            // mean of the real tokens' hidden states, as sentence-transformers pools
            String m = g.op(
                    "Unsqueeze",
                    g.op("Cast", List.of(OnnxProto.attribute("to", (long) OnnxProto.FLOAT)), in.mask()),
                    g.ints(-1)); // (B, T, 1)
            List<dev.forja.io.ProtoWriter> noKeep = List.of(OnnxProto.attribute("keepdims", 0L));
            String sum = g.op("ReduceSum", noKeep, g.op("Mul", hidden, m), g.ints(1)); // (B, C)
            String count = g.op("Max", g.op("ReduceSum", noKeep, m, g.ints(1)), g.scalar(1e-9f)); // (B, 1)
            pooled = g.op("Div", sum, count);
        }
        String logits = OnnxLayers.linear(g, pooled, classifier.head(), "classifier"); // (B, K)
        g.opNamed("logits", "Identity", List.of(), logits);
        g.output("logits", OnnxProto.FLOAT, CausalLmOnnx.BATCH, (long)
                classifier.labels().size());
        return g.build("forja-bert-classifier");
    }

    private record Inputs(String ids, String mask, String types) {}

    private static Inputs inputs(OnnxGraph g) {
        return new Inputs(
                g.input("input_ids", OnnxProto.INT64, CausalLmOnnx.BATCH, CausalLmOnnx.SEQUENCE),
                g.input("attention_mask", OnnxProto.INT64, CausalLmOnnx.BATCH, CausalLmOnnx.SEQUENCE),
                g.input("token_type_ids", OnnxProto.INT64, CausalLmOnnx.BATCH, CausalLmOnnx.SEQUENCE));
    }

    /** Embeddings, then post-LayerNorm blocks with bidirectional attention over the unpadded tokens: (B, T, C). */
    private static String hidden(OnnxGraph g, Inputs in, BertConfig c, Map<String, Tensor> params) {
        long H = c.numAttentionHeads(), D = c.headDim();
        double eps = c.layerNormEps();
        String t = g.op("Gather", OnnxLayers.shape(g, in.ids(), 1, 2), g.scalar(0L)); // T, 0-D
        String positions = g.op("Range", g.scalar(0L), t, g.scalar(1L)); // (T)
        String x = g.op(
                "Add",
                g.op(
                        "Add",
                        g.op("Gather", embedding(g, params, "embeddings.word_embeddings"), in.ids()),
                        g.op("Gather", embedding(g, params, "embeddings.token_type_embeddings"), in.types())),
                g.op("Gather", embedding(g, params, "embeddings.position_embeddings"), positions)); // (B, T, C)
        x = OnnxLayers.layerNorm(g, x, params, "embeddings.LayerNorm", eps);
        // keys that are padding are hidden from every query: (B, 1, 1, T)
        String allowed = g.op(
                "Cast",
                List.of(OnnxProto.attribute("to", (long) OnnxProto.BOOL)),
                g.op("Unsqueeze", in.mask(), g.ints(1, 2)));
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            String q = OnnxLayers.splitHeads(g, OnnxLayers.linear(g, x, params, p + "attention.self.query"), H, D);
            String k = OnnxLayers.splitHeads(g, OnnxLayers.linear(g, x, params, p + "attention.self.key"), H, D);
            String v = OnnxLayers.splitHeads(g, OnnxLayers.linear(g, x, params, p + "attention.self.value"), H, D);
            String y = OnnxLayers.mergeHeads(g, OnnxLayers.attention(g, q, k, v, allowed, D), H, D);
            y = OnnxLayers.linear(g, y, params, p + "attention.output.dense");
            x = OnnxLayers.layerNorm(g, g.op("Add", x, y), params, p + "attention.output.LayerNorm", eps);
            String h = OnnxLayers.geluErf(g, OnnxLayers.linear(g, x, params, p + "intermediate.dense"));
            h = OnnxLayers.linear(g, h, params, p + "output.dense");
            x = OnnxLayers.layerNorm(g, g.op("Add", x, h), params, p + "output.LayerNorm", eps);
        }
        return x;
    }

    private static String embedding(OnnxGraph g, Map<String, Tensor> params, String module) {
        Tensor w = params.get(module + ".weight");
        return g.weight(module + ".weight", Tensors.shape(w), () -> w);
    }
}
