package dev.forja.train.optim;

import dev.forja.ForjaException;

/**
 * AdamW's hyper-parameters other than the learning rate (which {@link AdamW#step} takes, so that a schedule can set it
 * per step). Defaults are PyTorch's {@code torch.optim.AdamW}: betas (0.9, 0.999), eps 1e-8.
 *
 * @param beta1       decay of the first moment (gradient mean)
 * @param beta2       decay of the second moment (squared gradient mean)
 * @param eps         added to the denominator for numerical stability
 * @param weightDecay decoupled weight decay, applied to the decay group only (see {@link AdamW#decays})
 */
public record AdamWOptions(double beta1, double beta2, double eps, double weightDecay) {

    public AdamWOptions {
        require(beta1 >= 0 && beta1 < 1, "adam_beta1 must be in [0, 1), got " + beta1 + " (typical: 0.9)");
        require(beta2 >= 0 && beta2 < 1, "adam_beta2 must be in [0, 1), got " + beta2 + " (typical: 0.999, or 0.95)");
        require(
                eps >= 0 && Double.isFinite(eps),
                "adam_epsilon must be a finite number >= 0, got " + eps + " (typical: 1e-8)");
        require(
                weightDecay >= 0 && Double.isFinite(weightDecay),
                "weight_decay must be a finite number >= 0, got " + weightDecay
                        + " (typical: 0.0 for fine-tuning, 0.1 for pre-training)");
    }

    /** PyTorch's defaults with the given weight decay. */
    public static AdamWOptions withWeightDecay(double weightDecay) {
        return new AdamWOptions(0.9, 0.999, 1e-8, weightDecay);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new ForjaException(message);
    }
}
