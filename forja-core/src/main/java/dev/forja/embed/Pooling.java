package dev.forja.embed;

import dev.forja.ForjaException;
import java.util.Locale;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * How a sentence-embedding model turns its last hidden state into one vector, as sentence-transformers' {@code Pooling}
 * and {@code Normalize} modules do: the {@code [CLS]} token's state (BGE), the mean over the real tokens (MiniLM, E5)
 * or their element-wise maximum; then, if {@code normalize}, divided by its L2 norm so that a dot product is a cosine.
 * With {@code includePrompt} false (sentence-transformers' {@code include_prompt}), mean and max pooling leave out
 * {@code [CLS]} and the tokens of a query or passage prefix, as sentence-transformers does for its prompts.
 *
 * <p>Example: {@code Pooling.of("cls").apply(hidden, mask)} gives BGE's sentence vectors.
 */
public record Pooling(Mode mode, boolean normalize, boolean includePrompt) {
    /** The pooling modes forja computes, each with its key in sentence-transformers' {@code 1_Pooling/config.json}. */
    public enum Mode {
        CLS("pooling_mode_cls_token"),
        MEAN("pooling_mode_mean_tokens"),
        MAX("pooling_mode_max_tokens");

        private final String key;

        Mode(String key) {
            this.key = key;
        }

        /** The {@code 1_Pooling/config.json} key that selects this mode. */
        public String key() {
            return key;
        }
    }

    /** sentence-transformers' value for padding in max pooling: below any real state. */
    private static final double MAX_POOL_FILL = -1e9;

    public Pooling {
        if (mode == null) throw new ForjaException("pooling mode must be one of cls, mean, max");
    }

    /** A pooling over every token, a prefix's included (sentence-transformers' default). */
    public Pooling(Mode mode, boolean normalize) {
        this(mode, normalize, true);
    }

    /** Mean pooling then L2 normalisation: forja's default, and all-MiniLM-L6-v2's. */
    public static Pooling meanNormalized() {
        return new Pooling(Mode.MEAN, true);
    }

    /** The normalised pooling named {@code cls}, {@code mean} or {@code max} (as {@code --pooling} takes it). */
    public static Pooling of(String name) {
        for (Mode m : Mode.values()) {
            if (m.name().equalsIgnoreCase(name)) return new Pooling(m, true);
        }
        throw new ForjaException("pooling must be one of cls, mean, max; got '" + name + "'");
    }

    /** The lower-case name, as {@link #of} takes it. */
    public String modeName() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** One vector per text: hidden (B, T, C) and mask (B, T) of 1 for real tokens, 0 for padding, to (B, C). */
    public Tensor apply(Tensor hidden, Tensor mask) {
        Tensor pooled = switch (mode) {
            case CLS -> clsPool(hidden);
            case MEAN -> meanPool(hidden, mask);
            case MAX -> maxPool(hidden, mask);
        };
        return normalize ? normalize(pooled) : pooled;
    }

    /** The first token's state ({@code [CLS]}): (B, T, C) to (B, C). */
    public static Tensor clsPool(Tensor hidden) {
        return hidden.select(1, 0);
    }

    /** Mean of the hidden states of the real tokens: (B, T, C) and mask (B, T) to (B, C). */
    public static Tensor meanPool(Tensor hidden, Tensor mask) {
        return dev.forja.model.bert.BertModel.meanPool(hidden, mask);
    }

    /** Element-wise maximum over the real tokens, padding filled with -1e9 first: (B, T, C), (B, T) to (B, C). */
    public static Tensor maxPool(Tensor hidden, Tensor mask) {
        Tensor padding = mask.unsqueeze(-1).eq(new Scalar(0)); // (B, T, 1)
        return hidden.masked_fill(padding, new Scalar(MAX_POOL_FILL)).amax(new long[] {1}, false);
    }

    /** Rows divided by their L2 norm (at least 1e-12), as torch.nn.functional.normalize. */
    public static Tensor normalize(Tensor x) {
        Tensor norm = torch.linalg_vector_norm(x, new Scalar(2.0), new long[] {-1}, true, new ScalarTypeOptional());
        return x.div(norm.clamp_min(new Scalar(1e-12)));
    }
}
