/**
 * The Hugging Face Hub client: {@link dev.forja.hub.ModelLocator} turns {@code --model} into a directory, and
 * {@link dev.forja.hub.HubClient} resolves a Hub id to a snapshot in the cache that Python's huggingface_hub
 * shares ({@code $HF_HOME/hub/models--org--name/snapshots/<commit>/}), downloading configs, tokenizers and
 * safetensors weights with resume and size checks, and falling back to the cache when offline.
 * {@link dev.forja.hub.HubEnvironment} reads {@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_TOKEN},
 * {@code HF_ENDPOINT} and {@code HF_HUB_OFFLINE}.
 */
package dev.forja.hub;
