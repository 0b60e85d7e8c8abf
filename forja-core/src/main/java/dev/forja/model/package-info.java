/**
 * The causal LM architectures (GPT-2, Llama and its relatives) and their Hugging Face configurations; BERT lives in
 * {@code model.bert}. Each architecture spells its Hugging Face names once, in one table at the top of its model
 * class, from which both its {@link dev.forja.model.ParamSpec} list (what is loaded, initialised and written) and its
 * per-layer records (what the forward pass reads) are built. {@link dev.forja.model.ModelConfig#match} is the one
 * dispatch on the architecture family. Shape letters used in comments throughout: B batch, T time (sequence),
 * S attended positions (cached ones included), C channels (hidden size), V vocabulary, L layers, H attention heads,
 * K key/value heads, D head dimension, F feed-forward width, P positions, R LoRA rank.
 */
package dev.forja.model;
