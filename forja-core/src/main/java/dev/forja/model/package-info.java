/**
 * Model architectures and their Hugging Face configurations. Shape letters used in comments throughout:
 * B batch, T time (sequence), C channels (hidden size), V vocabulary, L layers, H attention heads,
 * K key/value heads, D head dimension, F feed-forward width, R LoRA rank.
 */
package dev.forja.model;
