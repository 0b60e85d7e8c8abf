/**
 * LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models"): a frozen linear layer {@code W} plus a
 * trainable low-rank update {@code scaling · B A}, saved and loaded in Hugging Face PEFT's adapter format so that
 * Python PEFT and forja read each other's adapters.
 *
 * <p>Any {@link dev.forja.model.Adaptable} model takes an adapter (the causal LMs, BERT and its classifier): {@link
 * dev.forja.lora.LoraAdapter#attach} resolves the {@link dev.forja.lora.LoraConfig}'s target modules against the
 * model's linear layers as PEFT does ({@link dev.forja.lora.TargetModules}) and puts a {@link
 * dev.forja.lora.LoraLinear} in place of each, in {@code model.linears()}, which reroutes the forward pass. The
 * adapter detaches again, merges into plain weights ({@code mergedParameters}, refusing non-finite results), and
 * saves or loads {@code adapter_config.json} + {@code adapter_model.safetensors} with PEFT's keys
 * ({@code base_model.model.<module path>.lora_A.weight}), a classifier's head beside them as PEFT's
 * {@code modules_to_save}. {@link dev.forja.lora.StackedLora} joins several sites' adapters into one whose update is
 * exactly their weighted average (federated averaging of the updates, not of the factors), or their plain sum
 * (successive rounds' updates as one adapter).
 *
 * <p>Shapes: {@code R} is the LoRA rank, {@code in}/{@code out} the wrapped layer's input and output features;
 * {@code A} is (R, in), {@code B} is (out, R), every base weight is (out, in) in memory (GPT-2's Conv1D included).
 *
 * <p>Example:
 * <pre>{@code
 * LoraAdapter lora = LoraAdapter.attach(model, LoraConfig.defaults(model.config()), 42);
 * AdamW optimizer = new AdamW(lora.trainableParameters(), options);  // the base parameters stay frozen
 * lora.setTraining(true);  ...  lora.save(runDir.resolve("adapter"), "gpt2");
 * }</pre>
 */
package dev.forja.lora;
