package dev.forja.onnx;

import dev.forja.io.ProtoReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX {@code NodeProto}: an operator applied to named values. Only the attributes forja reads are kept: tensor
 * ({@code Constant}'s {@code value}), float ({@code epsilon}) and integer ones.
 */
public record OnnxNode(
        String name,
        String opType,
        List<String> inputs,
        List<String> outputs,
        Map<String, OnnxTensor> tensorAttributes,
        Map<String, Double> numberAttributes) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        tensorAttributes = Map.copyOf(tensorAttributes);
        numberAttributes = Map.copyOf(numberAttributes);
    }

    static OnnxNode read(ProtoReader r) {
        String name = "";
        String op = "";
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        Map<String, Double> numbers = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> readAttribute(r.message(), tensors, numbers);
                default -> r.skip();
            }
        }
        return new OnnxNode(name, op, in, out, tensors, numbers);
    }

    /** AttributeProto: name = 1, f = 2, i = 3, t = 5; the rest (strings, graphs, lists) are skipped. */
    private static void readAttribute(ProtoReader r, Map<String, OnnxTensor> tensors, Map<String, Double> numbers) {
        String name = null;
        OnnxTensor t = null;
        Double number = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> number = (double) r.fixed32AsFloat();
                case 3 -> number = (double) r.varint();
                case 5 -> t = OnnxTensor.read(r.message());
                default -> r.skip();
            }
        }
        if (name == null) return;
        if (t != null) tensors.put(name, t);
        if (number != null) numbers.put(name, number);
    }
}
