package dev.forja.model;

import org.bytedeco.pytorch.Tensor;

/** One layer's attention keys and values, each (B, K, S, D): what a block attends to, and what {@link KvCache} keeps. */
public record KeyValues(Tensor k, Tensor v) {}
