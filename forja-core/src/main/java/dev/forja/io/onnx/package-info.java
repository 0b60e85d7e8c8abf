/**
 * Writing ONNX models in protobuf wire format, without a protobuf library: the messages of {@code onnx.proto}
 * (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto, OperatorSetIdProto,
 * StringStringEntryProto) with their field numbers ({@link dev.forja.io.onnx.OnnxProto}), and a model writer that
 * streams the initializers to the file, inline or, past protobuf's 2 GB limit, to an external data file
 * ({@link dev.forja.io.onnx.OnnxWriter}). Knows nothing of models: {@code dev.forja.export} builds the graphs.
 */
package dev.forja.io.onnx;
