package dev.forja.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.io.Json;
import dev.forja.io.ModelWeights;
import dev.forja.io.ModelWeightsWriter;
import dev.forja.io.TensorEntry;
import dev.forja.model.Adaptable;
import dev.forja.model.ModelWriter;
import dev.forja.nn.Linear;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A BERT encoder with a linear classification head, named as {@code BertForSequenceClassification}: the encoder
 * under {@code bert.}, the head as {@code classifier.weight} (K, C) and {@code classifier.bias} (K), labels in
 * config.json's {@code id2label}/{@code label2id}.
 *
 * <p>The head reads a pooled vector. {@link Pooling#POOLER} is BERT's pooler ({@code tanh(dense(h[CLS]))}), exactly
 * what transformers computes. Sentence-transformers models such as all-MiniLM-L6-v2 were trained for the mean of
 * the last hidden state over real tokens and their export has no trained pooler, so {@link Pooling#MEAN} is used for
 * them; it is recorded in config.json as {@code "forja_pooling": "mean"} — transformers ignores that key and would
 * use its pooler, so such a checkpoint is read correctly by forja, not by {@code AutoModelForSequenceClassification}.
 */
public final class BertClassifier implements Adaptable {
    /** config.json key recording the pooling the head was trained on. */
    public static final String POOLING_KEY = "forja_pooling";

    private static final String PREFIX = "bert.";

    /** Which vector of the encoder the head reads. */
    public enum Pooling {
        MEAN,
        POOLER
    }

    private final BertModel encoder;
    private final List<String> labels;
    private final Pooling pooling;
    private final Tensor weight; // (K, C)
    private final Tensor bias; // (K)

    public BertClassifier(BertModel encoder, List<String> labels, Pooling pooling, Tensor weight, Tensor bias) {
        if (labels.size() < 2) throw new ForjaException("a classifier needs at least 2 labels, got " + labels);
        if (pooling == Pooling.POOLER && !encoder.hasPooler()) {
            throw new ForjaException("pooling 'pooler' needs pooler.dense.* weights, which this BERT lacks");
        }
        this.encoder = encoder;
        this.labels = List.copyOf(labels);
        this.pooling = pooling;
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * A fresh head (normal(0, initializer_range) weights, zero bias, seeded) on {@code encoder}; BERT's pooler if
     * the encoder has one and {@code preferMean} is false, else mean pooling.
     */
    public static BertClassifier create(BertModel encoder, List<String> labels, boolean preferMean, long seed) {
        torch.manual_seed(seed);
        TensorOptions f32 = new TensorOptions(ScalarType.Float);
        long C = encoder.config().hiddenSize();
        Tensor w = torch.randn(new long[] {labels.size(), C}, f32)
                .mul(new Scalar(encoder.config().initializerRange()));
        Tensor b = torch.zeros(new long[] {labels.size()}, f32);
        return new BertClassifier(
                encoder, labels, !preferMean && encoder.hasPooler() ? Pooling.POOLER : Pooling.MEAN, w, b);
    }

    /** Loads a classifier written by {@link #write} (or transformers' BertForSequenceClassification). */
    public static BertClassifier load(Path dir) {
        try (BertDirectory d = BertDirectory.open(dir)) {
            return load(d);
        }
    }

    /** Loads a classifier from an open directory: its config and weights, as opened there, and nothing else. */
    public static BertClassifier load(BertDirectory d) {
        BertModel encoder = BertLoader.load(d, ScalarType.Float);
        JsonNode cfg = d.configJson();
        List<String> labels = labels(cfg, d.dir());
        Pooling pooling = cfg.has(POOLING_KEY)
                ? Pooling.valueOf(cfg.get(POOLING_KEY).asText().toUpperCase(Locale.ROOT))
                : Pooling.POOLER;
        ModelWeights w = d.weights();
        if (!w.contains("classifier.weight") || !w.contains("classifier.bias")) {
            throw new ForjaException(d.dir() + " has no classifier.weight / classifier.bias: it is an encoder without "
                    + "a classification head; train one with forja train task=classification");
        }
        return new BertClassifier(
                encoder,
                labels,
                pooling,
                Tensors.fromEntry(w.get("classifier.weight")).to(ScalarType.Float),
                Tensors.fromEntry(w.get("classifier.bias")).to(ScalarType.Float));
    }

    /** The labels in id order from config.json's id2label. */
    public static List<String> labels(JsonNode cfg, Path dir) {
        JsonNode id2label = cfg.path("id2label");
        if (!id2label.isObject() || id2label.isEmpty()) {
            throw new ForjaException(dir.resolve("config.json") + " has no id2label: not a classification model");
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < id2label.size(); i++) {
            JsonNode n = id2label.get(Integer.toString(i));
            if (n == null) throw new ForjaException(dir.resolve("config.json") + ": id2label lacks id " + i);
            labels.add(n.asText());
        }
        return labels;
    }

    public BertModel encoder() {
        return encoder;
    }

    public List<String> labels() {
        return labels;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The head's tensors: {@code classifier.weight} and {@code classifier.bias}. */
    public Map<String, Tensor> head() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("classifier.weight", weight);
        m.put("classifier.bias", bias);
        return m;
    }

    /** Logits (B, K) for ids (B, T) and the attention mask (B, T). */
    public Tensor logits(Tensor ids, Tensor mask) {
        Tensor hidden = encoder.forward(ids, null, mask); // (B, T, C)
        Tensor pooled = pooling == Pooling.POOLER ? encoder.pool(hidden) : BertModel.meanPool(hidden, mask); // (B, C)
        return torch.addmm(
                bias.to(pooled.scalar_type()),
                pooled,
                weight.to(pooled.scalar_type()).t());
    }

    /** Encoder parameters under {@code bert.} and the head, as BertForSequenceClassification names them. */
    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        encoder.parameters().forEach((k, v) -> m.put(PREFIX + k, v));
        m.putAll(head());
        return m;
    }

    /** The encoder's linear layers under {@code bert.} (what PEFT names them); writes go to the encoder. */
    @Override
    public Map<String, Linear> linears() {
        Map<String, Linear> inner = encoder.linears();
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, Linear>> entrySet() {
                return inner.entrySet().stream()
                        .map(e -> Map.entry(PREFIX + e.getKey(), e.getValue()))
                        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
            }

            @Override
            public Linear get(Object key) {
                return key instanceof String s && s.startsWith(PREFIX) ? inner.get(s.substring(PREFIX.length())) : null;
            }

            @Override
            public Linear put(String key, Linear value) {
                if (!key.startsWith(PREFIX) || !inner.containsKey(key.substring(PREFIX.length()))) {
                    throw new IllegalArgumentException("no linear layer " + key);
                }
                return inner.put(key.substring(PREFIX.length()), value);
            }
        };
    }

    @Override
    public String modelType() {
        return "bert";
    }

    /** config.json for BertForSequenceClassification with this head's labels and pooling. */
    public ObjectNode configJson() {
        ObjectNode o = encoder.config().toJson();
        o.putArray("architectures").add("BertForSequenceClassification");
        ObjectNode id2label = o.putObject("id2label");
        ObjectNode label2id = o.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        o.put("num_labels", labels.size());
        o.put("problem_type", "single_label_classification");
        o.put(POOLING_KEY, pooling.name().toLowerCase(Locale.ROOT));
        return o;
    }

    /** Writes config.json and model.safetensors ({@code params} named as {@link #parameters()}), float32. */
    public void write(Path dir, Map<String, Tensor> params) {
        write(dir, params, configJson());
    }

    /** The same, with {@code config} (this head's {@link #configJson()} plus keys of the caller's) as config.json. */
    public void write(Path dir, Map<String, Tensor> params, ObjectNode config) {
        List<TensorEntry> entries = new ArrayList<>();
        params.forEach((k, v) ->
                entries.add(Tensors.toEntry(k, v.detach().to(ScalarType.Float).contiguous())));
        Json.writeAtomic(dir.resolve("config.json"), config);
        ModelWeightsWriter.writeModel(dir, entries, Map.of("format", "pt"), ModelWriter.MAX_SHARD_BYTES);
    }
}
