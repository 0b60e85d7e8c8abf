package dev.forja.train;

import dev.forja.data.Batch;
import dev.forja.model.CausalLM;
import dev.forja.tensor.Tensors;
import dev.forja.train.LossComputation.Options;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The reference {@link ChunkedHeadLoss} is checked against: the model's head ({@link CausalLM#head}) and the summed
 * cross-entropy through autograd, as a plain PyTorch training step computes them.
 */
final class AutogradHeadLoss implements LossComputation.HeadLoss {
    private static final long SUM = 2; // at::Reduction::Sum

    private final CausalLM model;
    private final boolean bf16;

    private AutogradHeadLoss(CausalLM model, boolean bf16) {
        this.model = model;
        this.bf16 = bf16;
    }

    /** A {@link LossComputation} that differs from the trained one only in ending with autograd's head and loss. */
    static LossComputation lossComputation(CausalLM model, Options options) {
        return new LossComputation(model, options, new AutogradHeadLoss(model, options.bf16()));
    }

    @Override
    public double compute(Tensor x, Batch b, double normalizer, boolean backward) {
        Tensor labels = Tensors.ofLongs(b.labels(), (long) b.batchSize() * b.seqLen()); // (B*T)
        Tensor loss = LossComputation.autocast(bf16, () -> summedLoss(model.head(x), labels));
        double value = loss.item_double();
        if (backward) loss.div(new Scalar(normalizer)).backward();
        return value;
    }

    private static Tensor summedLoss(Tensor logits, Tensor labels) {
        long v = logits.size(2);
        Tensor logProbs =
                torch.log_softmax(logits.reshape(-1, v), 1, new ScalarTypeOptional(ScalarType.Float)); // (B*T, V)
        return torch.nll_loss(logProbs, labels, new TensorOptional(), SUM, Batch.IGNORE);
    }
}
