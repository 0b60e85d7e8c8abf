/**
 * Weight-only quantization for inference: linear layers whose weights are stored in 8 or 4 bits and multiplied with
 * fp32 or bf16 activations by libtorch's packed-weight CPU kernels ({@link dev.forja.quant.AtenOps}). The shapes:
 * N output features, K input features, G the int4 group size.
 */
package dev.forja.quant;
