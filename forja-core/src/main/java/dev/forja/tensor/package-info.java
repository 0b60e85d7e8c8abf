/**
 * The bridge between Java and libtorch tensors: dtypes, copies in and out, native-memory scopes; and the CPU the
 * engine runs on: its threads ({@link dev.forja.tensor.CpuThreads}) and its features
 * ({@link dev.forja.tensor.CpuFeatures}).
 */
package dev.forja.tensor;
