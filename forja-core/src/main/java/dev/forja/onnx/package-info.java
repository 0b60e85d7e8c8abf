/**
 * Reading ONNX models without running them: the parts of {@code onnx.proto} that weight import needs, read with
 * {@link dev.forja.io.ProtoReader} ({@link dev.forja.onnx.OnnxModel}), and the recovery of a Hugging Face BERT from an ONNX
 * export ({@link dev.forja.onnx.BertOnnxImport}). ONNX Runtime is used only in tests, as the reference.
 */
package dev.forja.onnx;
