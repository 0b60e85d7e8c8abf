/**
 * The Hugging Face Hub client: resolves a model id to a local snapshot directory in the standard cache layout
 * ({@code $HF_HOME/hub/models--org--name/snapshots/<rev>/}), downloading with resume and size checks.
 */
package dev.forja.hub;
