package dev.forja.onnx;

import dev.forja.ForjaException;
import dev.forja.io.ProtoFormatException;
import dev.forja.io.ProtoReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX model's graph as forja needs it for importing weights: the initializers by name, the nodes in order, and
 * the names of the graph's inputs and outputs. Read with a small protobuf wire-format reader (field numbers from
 * {@code onnx.proto}: ModelProto.graph = 7; GraphProto node = 1, initializer = 5, input = 11, output = 12), so no
 * protobuf library is needed. Nothing is executed.
 *
 * <p>Example: {@code OnnxModel m = OnnxModel.read(Path.of("model.onnx")); m.initializers().keySet();}
 */
public final class OnnxModel {
    private final String source;
    private final String producer;
    private final Map<String, OnnxTensor> initializers;
    private final List<OnnxNode> nodes;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    private OnnxModel(
            String source,
            String producer,
            Map<String, OnnxTensor> initializers,
            List<OnnxNode> nodes,
            List<String> inputs,
            List<String> outputs) {
        this.source = source;
        this.producer = producer;
        this.initializers = Collections.unmodifiableMap(initializers);
        this.nodes = List.copyOf(nodes);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        for (OnnxNode n : nodes) {
            for (String o : n.outputs()) producers.put(o, n);
            for (String i : n.inputs())
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        }
    }

    /** Reads an {@code .onnx} file. */
    public static OnnxModel read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ForjaException("no ONNX model at " + file + ": give the path of a .onnx file");
        }
        try {
            return parse(ByteBuffer.wrap(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new ForjaException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an ONNX model from a stream (e.g. a class-path resource); {@code source} names it in errors. */
    public static OnnxModel read(InputStream in, String source) {
        try {
            return parse(ByteBuffer.wrap(in.readAllBytes()), source);
        } catch (IOException e) {
            throw new ForjaException("could not read " + source + ": " + e.getMessage(), e);
        }
    }

    private static OnnxModel parse(ByteBuffer bytes, String source) {
        try {
            ProtoReader model = new ProtoReader(bytes);
            String producer = "";
            ProtoReader graph = null;
            while (model.next()) {
                switch (model.field()) {
                    case 2 -> producer = model.string();
                    case 7 -> graph = model.message();
                    default -> model.skip();
                }
            }
            if (graph == null) {
                throw new ForjaException(source + " has no graph: it is not an ONNX model (or it is empty); export "
                        + "the model again with torch.onnx.export or optimum-cli export onnx");
            }
            Map<String, OnnxTensor> inits = new LinkedHashMap<>();
            List<OnnxNode> nodes = new ArrayList<>();
            List<String> inputs = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            while (graph.next()) {
                switch (graph.field()) {
                    case 1 -> nodes.add(OnnxNode.read(graph.message()));
                    case 5 -> {
                        OnnxTensor t = OnnxTensor.read(graph.message());
                        inits.put(t.name(), t);
                    }
                    case 11 -> inputs.add(valueName(graph.message()));
                    case 12 -> outputs.add(valueName(graph.message()));
                    default -> graph.skip();
                }
            }
            // Older exporters list initializers among the graph inputs too; those are weights, not inputs.
            inputs.removeIf(inits::containsKey);
            return new OnnxModel(source, producer, inits, nodes, inputs, outputs);
        } catch (OnnxFormatException | ProtoFormatException e) {
            throw new ForjaException(source + " is not a valid ONNX file (" + e.getMessage() + "); the file is "
                    + "truncated or is not ONNX: download or export it again");
        }
    }

    /** ValueInfoProto.name = 1. */
    private static String valueName(ProtoReader r) {
        String name = "";
        while (r.next()) {
            if (r.field() == 1) name = r.string();
            else r.skip();
        }
        return name;
    }

    /** Where the model came from (a file path or resource), for messages. */
    public String source() {
        return source;
    }

    /** ModelProto.producer_name, e.g. {@code pytorch}. */
    public String producer() {
        return producer;
    }

    /** The weights, by initializer name, in file order. */
    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** Names of the graph's inputs (initializers excluded), e.g. {@code input_ids, attention_mask}. */
    public List<String> inputs() {
        return inputs;
    }

    /** Names of the graph's outputs, e.g. {@code last_hidden_state}. */
    public List<String> outputs() {
        return outputs;
    }

    /** The node computing {@code value}, if any (initializers and graph inputs have none). */
    public Optional<OnnxNode> producerOf(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    /** The nodes reading {@code value}. */
    public List<OnnxNode> consumersOf(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The constant behind {@code value}: an initializer, or the tensor of the {@code Constant} node producing it. */
    public Optional<OnnxTensor> constant(String value) {
        OnnxTensor t = initializers.get(value);
        if (t != null) return Optional.of(t);
        OnnxNode n = producers.get(value);
        if (n != null && n.opType().equals("Constant"))
            return Optional.ofNullable(n.tensorAttributes().get("value"));
        return Optional.empty();
    }
}
