/**
 * The building blocks the architectures in {@code model} assemble: {@link dev.forja.nn.Linear} (the interface every
 * linear layer is called through, so that {@code lora.LoraLinear} can stand in for a {@link dev.forja.nn.Dense}),
 * {@link dev.forja.nn.LayerNorm} and {@link dev.forja.nn.RmsNorm}, rotary positions ({@link dev.forja.nn.Rope}, its
 * {@code CosSin} tables and optional {@code Llama3Scaling}) and scaled dot-product {@link dev.forja.nn.Attention}.
 * Each holds its tensors and applies them; none knows Hugging Face names, configs or training. The attention and
 * the norms report their time to {@link dev.forja.nn.SectionTimer} when a profile listens (one volatile read when
 * none does). Shape letters as in
 * {@code model}: B batch, T time, S attended positions (cached ones included), H query heads, K key/value heads,
 * D head dimension.
 */
package dev.forja.nn;
