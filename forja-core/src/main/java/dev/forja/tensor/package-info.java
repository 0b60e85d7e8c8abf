/** The bridge between Java and libtorch tensors: dtypes, copies in and out, native-memory scopes. */
package dev.forja.tensor;
