package dev.forja.generate;

import dev.forja.model.CausalLM;
import dev.forja.model.KvCache;
import dev.forja.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Log-probabilities of given tokens under a model. The full path runs the sequence once; the incremental path feeds
 * one token at a time through the KV cache, the way generation does; they must agree.
 */
public final class Scorer {
    private final CausalLM model;

    public Scorer(CausalLM model) {
        this.model = model;
    }

    public TokenScores score(long[] ids, boolean incremental) {
        int n = ids.length;
        double[] lp = new double[Math.max(0, n - 1)];
        if (n < 2) return new TokenScores(ids, lp);
        if (n > model.config().maxPositions()) {
            throw new dev.forja.ForjaException("a sequence of " + n + " tokens is longer than the model's "
                    + model.config().maxPositions() + " positions; shorten the input");
        }
        try (NoGradGuard ng = new NoGradGuard()) {
            if (!incremental) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor logits = model.forward(Tensors.ofLongs(ids, 1, n), null, null, null); // (1, T, V)
                    Tensor logp = logits.select(0, 0).to(ScalarType.Float).log_softmax(-1); // (T, V)
                    Tensor next = Tensors.ofLongs(java.util.Arrays.copyOfRange(ids, 1, n), n - 1, 1);
                    float[] g = Tensors.toFloats(logp.narrow(0, 0, n - 1).gather(1, next));
                    for (int i = 0; i < n - 1; i++) lp[i] = g[i];
                }
            } else {
                try (KvCache cache = model.newCache(1, n)) {
                    for (int i = 0; i < n - 1; i++) {
                        try (PointerScope scope = new PointerScope()) {
                            Tensor logits = model.forward(
                                    Tensors.ofLongs(new long[] {ids[i]}, 1, 1), null, null, cache); // (1, 1, V)
                            Tensor logp = logits.select(0, 0)
                                    .select(0, 0)
                                    .to(ScalarType.Float)
                                    .log_softmax(-1);
                            lp[i] = logp.select(0, ids[i + 1]).item_float();
                        }
                    }
                }
            }
        }
        return new TokenScores(ids, lp);
    }
}
