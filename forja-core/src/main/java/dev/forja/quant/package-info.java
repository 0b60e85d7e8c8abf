/**
 * Quantization for inference: linear layers whose weights are stored in 8 or 4 bits, multiplied by libtorch's
 * packed-weight CPU kernels ({@link dev.forja.quant.AtenOps}): int8 in 8 bits with each input row quantized as it
 * arrives ({@link dev.forja.quant.Int8DynamicLinear}, fbgemm), int4 with bf16 activations. The shapes: N output
 * features, K input features, G the int4 group size.
 */
package dev.forja.quant;
