/**
 * LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models"): a frozen linear layer {@code W} plus a
 * trainable low-rank update {@code scaling · B A}, saved and loaded in Hugging Face PEFT's adapter format so that
 * Python PEFT and forja read each other's adapters.
 *
 * <p>Shapes: {@code R} is the LoRA rank, {@code in}/{@code out} the wrapped layer's input and output features;
 * {@code A} is (R, in), {@code B} is (out, R), every base weight is (out, in) in memory (GPT-2's Conv1D included).
 *
 * <p>Example:
 * <pre>{@code
 * LoraAdapter lora = LoraAdapter.attach(model, LoraConfig.defaults(model.config()), 42);
 * optimizer.add(lora.trainableParameters());   // base parameters stay frozen
 * lora.setTraining(true);  ...  lora.save(runDir.resolve("adapter"), "gpt2");
 * }</pre>
 */
package dev.forja.lora;
