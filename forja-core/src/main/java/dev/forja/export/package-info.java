/**
 * Export of forja's models to the formats other runtimes read.
 *
 * <p>GGUF is split in two: this package turns a loaded model, its config and its tokenizer files into what a GGUF file
 * holds, named as llama.cpp's own converter names it ({@link dev.forja.export.GgufTensors} for the tensors,
 * {@link dev.forja.export.GgufMetadata} for the key/value metadata); {@code dev.forja.io.gguf} writes those bytes.
 * Shapes are written outermost first, as PyTorch writes them (V, C); a GGUF file stores the reverse order
 * ({@code ne[0]} is the innermost dimension).
 *
 * <p>ONNX likewise: this package builds the graphs ({@link dev.forja.export.OnnxGraph}, a small builder;
 * {@link dev.forja.export.CausalLmOnnx} for GPT-2, Llama, Mistral and Qwen2, with Hugging Face Optimum's input and
 * output names; {@link dev.forja.export.BertOnnx} for BERT encoders and classifiers) from opset-17 operators, and
 * {@link dev.forja.export.OnnxExport} writes the directory ONNX Runtime opens; {@code dev.forja.io.onnx} writes the
 * protobuf bytes.
 *
 * <p>The way back uses the same name tables: {@link dev.forja.export.GgufImport} turns a GGUF file into a Hugging Face
 * model directory, so that a {@code .gguf} works wherever a model directory does.
 */
package dev.forja.export;
