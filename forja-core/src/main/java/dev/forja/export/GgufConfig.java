package dev.forja.export;

import dev.forja.ForjaException;
import dev.forja.io.gguf.GgufReader;
import dev.forja.io.gguf.GgufValue;
import dev.forja.model.Gpt2Config;
import dev.forja.model.LlamaConfig;
import dev.forja.model.ModelConfig;
import dev.forja.nn.Rope;
import java.util.Map;

/**
 * A GGUF file's {@code {arch}.*} hyperparameters read back into the {@link ModelConfig} that {@link GgufMetadata}
 * writes them from: {@code gpt2} becomes {@link Gpt2Config}, {@code llama} (Llama, Mistral) and {@code qwen2} become
 * {@link LlamaConfig}. What the keys do not say is read from the tensors: the vocabulary size is the token embedding's
 * rows, a tied head is a missing {@code output.weight}, biases are their tensors being there, and Llama 3.1 rope
 * scaling is recovered from {@code rope_freqs.weight}.
 *
 * <p>Example: {@code llama.block_count = 2, llama.attention.head_count_kv = 2} gives {@code num_hidden_layers 2,
 * num_key_value_heads 2}.
 */
final class GgufConfig {
    /** The {@code general.architecture} values forja imports. */
    static final String SUPPORTED = "gpt2, llama (also Mistral), qwen2";

    private static final double INITIALIZER_RANGE = 0.02;

    private GgufConfig() {}

    /** The config of the model in {@code gguf}; an error naming the file for an architecture forja does not run. */
    static ModelConfig of(GgufReader gguf) {
        Keys keys = new Keys(gguf);
        if (keys.string("general.type", "model").equals("adapter")) {
            throw new ForjaException(gguf.file() + " is a LoRA adapter GGUF (general.type = adapter), not a model: "
                    + "give --model the base model; forja reads adapters in PEFT's format (--adapter DIR)");
        }
        String arch = keys.string("general.architecture");
        return switch (arch) {
            case Gpt2Gguf.ARCH -> gpt2(gguf);
            case "llama", "qwen2" -> llama(gguf, arch);
            default ->
                throw new ForjaException(
                        gguf.file() + ": GGUF architecture '" + arch + "' is not supported; forja " + "loads "
                                + SUPPORTED + " (pick a GGUF of one of these, or the model's Hugging Face directory)");
        };
    }

    private static Gpt2Config gpt2(GgufReader gguf) {
        Keys k = new Keys(gguf);
        String a = Gpt2Gguf.ARCH + ".";
        int embd = k.integer(a + "embedding_length");
        return new Gpt2Config(
                vocabRows(gguf),
                k.integer(a + "context_length"),
                embd,
                k.integer(a + "block_count"),
                k.integer(a + "attention.head_count"),
                k.integer(a + "feed_forward_length", 4 * embd),
                k.number(a + "attention.layer_norm_epsilon", 1e-5),
                INITIALIZER_RANGE,
                k.integer("tokenizer.ggml.bos_token_id", -1),
                k.integer("tokenizer.ggml.eos_token_id", -1));
    }

    private static LlamaConfig llama(GgufReader gguf, String arch) {
        Keys k = new Keys(gguf);
        String a = arch + ".";
        String scaling = k.string(a + "rope.scaling.type", "none");
        if (!scaling.equals("none")) {
            throw new ForjaException(gguf.file() + ": rope scaling '" + scaling + "' (" + a
                    + "rope.scaling.type) is not supported; forja implements Llama 3.1's (rope_freqs) and none");
        }
        int hidden = k.integer(a + "embedding_length");
        int heads = k.integer(a + "attention.head_count");
        int headDim = k.integer(a + "attention.key_length", hidden / heads);
        double theta = k.number(a + "rope.freq_base", 10000.0);
        boolean qwen = arch.equals("qwen2");
        return new LlamaConfig(
                arch,
                vocabRows(gguf),
                hidden,
                k.integer(a + "feed_forward_length"),
                k.integer(a + "block_count"),
                heads,
                k.integer(a + "attention.head_count_kv", heads),
                headDim,
                k.number(a + "attention.layer_norm_rms_epsilon", 1e-6),
                theta,
                ropeScaling(gguf, theta, headDim),
                k.integer(a + "context_length", 2048),
                !has(gguf, "output.weight"),
                qwen || has(gguf, "blk.0.attn_q.bias"),
                has(gguf, "blk.0.ffn_up.bias"),
                INITIALIZER_RANGE,
                k.integer("tokenizer.ggml.bos_token_id", -1),
                k.integer("tokenizer.ggml.eos_token_id", -1));
    }

    /** The vocabulary size: the rows of {@code token_embd.weight}, padding included. */
    private static int vocabRows(GgufReader gguf) {
        return Math.toIntExact(gguf.tensor("token_embd.weight").shape()[0]);
    }

    private static boolean has(GgufReader gguf, String tensor) {
        return gguf.tensors().stream().anyMatch(t -> t.name().equals(tensor));
    }

    /**
     * Llama 3.1's rope scaling from the per-pair divisors llama.cpp reads ({@code rope_freqs.weight}), or null without
     * them. The divisors do not store the four parameters, so the ones every Llama 3.x release uses (low 1, high 4,
     * original 8192, factor = the largest divisor) are tried and kept only if they give back every divisor.
     */
    private static Rope.Llama3Scaling ropeScaling(GgufReader gguf, double theta, int headDim) {
        if (!has(gguf, "rope_freqs.weight")) return null;
        float[] stored = gguf.floats("rope_freqs.weight");
        float factor = 1;
        for (float f : stored) factor = Math.max(factor, f);
        Rope.Llama3Scaling guess = new Rope.Llama3Scaling(factor, 1, 4, 8192);
        float[] made = LlamaGguf.llama3RopeFactors(guess, theta, headDim);
        boolean same = made.length == stored.length;
        for (int i = 0; same && i < made.length; i++) same = Math.abs(made[i] - stored[i]) <= 1e-5f * made[i];
        if (!same) {
            throw new ForjaException(gguf.file() + ": its rope_freqs.weight is not Llama 3.1's rope scaling with "
                    + "low_freq_factor 1, high_freq_factor 4 and original_max_position_embeddings 8192, the only "
                    + "rope_freqs forja reads back; load the model's Hugging Face directory instead");
        }
        return guess;
    }

    /** Typed reads of GGUF metadata, each missing or mistyped key an error naming the file and the key. */
    record Keys(GgufReader gguf) {
        Map<String, GgufValue> meta() {
            return gguf.metadata();
        }

        String string(String key) {
            GgufValue v = meta().get(key);
            if (v == null) throw missing(key);
            try {
                return v.asString();
            } catch (ForjaException e) {
                throw mistyped(key, v, "a string");
            }
        }

        String string(String key, String def) {
            return meta().containsKey(key) ? string(key) : def;
        }

        int integer(String key) {
            GgufValue v = meta().get(key);
            if (v == null) throw missing(key);
            if (!v.type().integer()) throw mistyped(key, v, "an integer");
            return Math.toIntExact(v.asLong());
        }

        int integer(String key, int def) {
            return meta().containsKey(key) ? integer(key) : def;
        }

        boolean bool(String key, boolean def) {
            GgufValue v = meta().get(key);
            if (v == null) return def;
            if (!(v.value() instanceof Boolean b)) throw mistyped(key, v, "a bool");
            return b;
        }

        double number(String key, double def) {
            GgufValue v = meta().get(key);
            if (v == null) return def;
            try {
                // a FLOAT32 1e-5 reads as 9.99999974e-6; its shortest decimal is what config.json had
                return v.value() instanceof Float f ? Double.parseDouble(f.toString()) : v.asDouble();
            } catch (ForjaException e) {
                throw mistyped(key, v, "a number");
            }
        }

        private ForjaException missing(String key) {
            return new ForjaException(gguf.file() + ": the GGUF metadata has no " + key + ", which a model file "
                    + "needs; is it a complete model (not an adapter or a vocabulary-only file)?");
        }

        private ForjaException mistyped(String key, GgufValue v, String want) {
            return new ForjaException(gguf.file() + ": GGUF metadata " + key + " is " + v.type() + ", not " + want);
        }
    }
}
