/**
 * Optimisation for training: {@link dev.forja.train.optim.AdamW} over flat parameter, gradient and moment buffers
 * (one contiguous float32 buffer each per parameter group, the model's tensors being views into them), and
 * learning-rate schedules with Hugging Face {@code transformers} semantics ({@link dev.forja.train.optim.LrSchedule}).
 */
package dev.forja.train.optim;
