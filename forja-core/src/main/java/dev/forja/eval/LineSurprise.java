package dev.forja.eval;

import dev.forja.generate.Scorer;
import dev.forja.model.CausalLM;
import dev.forja.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * How surprised a causal LM trained on normal logs is by each line: the negative log-likelihood (nats) of the line's
 * tokens, each given the ones before it, as an anomaly score. A line longer than the model's context keeps its first
 * {@code maxPositions} tokens.
 *
 * <p>Example: {@code LineSurprise.scores(model, tokenizer, lines, LineSurprise.Reduction.MEAN)}.
 */
public final class LineSurprise {
    /** How a line's token NLLs become one score. */
    public enum Reduction {
        /** The mean token NLL: log-perplexity, so long lines are not penalised for their length. */
        MEAN,
        /** The largest token NLL: one impossible token makes the line anomalous, however ordinary the rest. */
        MAX;

        /** {@code mean} or {@code max}, case-insensitive; anything else is an error naming the choices. */
        public static Reduction parse(String s) {
            for (Reduction r : values()) if (r.name().equalsIgnoreCase(s.strip())) return r;
            throw new dev.forja.ForjaException("unknown score reduction '" + s + "': use mean or max");
        }
    }

    private LineSurprise() {}

    /** One score per line (higher = more surprising); a line of fewer than two tokens scores 0. */
    public static double[] scores(CausalLM model, Tokenizer tokenizer, List<String> lines, Reduction reduction) {
        Scorer scorer = new Scorer(model);
        int context = model.config().maxPositions();
        double[] out = new double[lines.size()];
        for (int i = 0; i < out.length; i++) {
            long[] ids = tokenizer.encode(lines.get(i), true);
            if (ids.length > context) ids = Arrays.copyOf(ids, context);
            double[] lp = scorer.score(ids, false).logprobs();
            out[i] = reduce(lp, reduction);
        }
        return out;
    }

    /** The score of one line's token log-probabilities; 0 for none. */
    static double reduce(double[] logprobs, Reduction reduction) {
        if (logprobs.length == 0) return 0;
        double sum = 0, max = Double.NEGATIVE_INFINITY;
        for (double lp : logprobs) {
            sum -= lp;
            max = Math.max(max, -lp);
        }
        return reduction == Reduction.MEAN ? sum / logprobs.length : max;
    }
}
