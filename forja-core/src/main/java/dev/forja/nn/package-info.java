/**
 * Building blocks shared by the architectures: linear maps (dense and, later, LoRA-wrapped), normalisations,
 * rotary position embeddings and attention. Functional: each holds its weights and applies them; no training logic.
 */
package dev.forja.nn;
