package dev.forja.train;

import dev.forja.dist.ProcessGroup;
import dev.forja.dist.ProcessGroups;
import dev.forja.dist.Rendezvous;
import dev.forja.train.optim.AdamW;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * This process's place among the processes that train one model together (data parallelism, as
 * DistributedDataParallel): each rank runs its share of every global batch, the step's weights and gradients are
 * summed across the ranks, and every rank then makes the same update. One process alone is the group of one, where
 * every collective is the identity.
 */
final class DataParallel {
    /**
     * Gradient buckets of 16 M elements (64 MB of float32) unless the system property {@code forja.dist.bucketElements}
     * says otherwise (tests make them small): GPT-2 124M's 124 M in 8.
     */
    private static final long BUCKET_ELEMENTS = Long.getLong("forja.dist.bucketElements", 16L << 20);

    private final ProcessGroup group; // null alone
    private GradientBuckets buckets; // null alone

    private DataParallel(ProcessGroup group) {
        this.group = group;
    }

    /** The group torchrun's environment describes (MASTER_ADDR, ..., WORLD_SIZE), joined; or this process alone. */
    static DataParallel fromEnvironment() {
        return new DataParallel(Rendezvous.fromEnvironment(System.getenv(), Rendezvous.DEFAULT_TIMEOUT)
                .filter(r -> r.worldSize() > 1)
                .map(ProcessGroups::open)
                .orElse(null));
    }

    int rank() {
        return group == null ? 0 : group.rank();
    }

    int worldSize() {
        return group == null ? 1 : group.worldSize();
    }

    /** Whether this rank writes the run's files and prints (rank 0). */
    boolean isMain() {
        return rank() == 0;
    }

    boolean distributed() {
        return group != null;
    }

    /** Each value summed over the ranks (float64, exact for counts below 2^53). */
    double[] sum(double... values) {
        if (group == null) return values.clone();
        try (PointerScope scope = new PointerScope()) {
            Tensor t = torch.empty(new long[] {values.length}, new TensorOptions(ScalarType.Double), null);
            new DoublePointer(t.data_ptr()).capacity(values.length).put(values);
            group.allReduceSum(t);
            double[] out = new double[values.length];
            new DoublePointer(t.data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    /**
     * Makes {@link #finishGradients} sum {@code optimizer}'s flat gradient buffers across the ranks, in buckets that
     * start during the backward of each step's last micro-batch ({@link GradientBuckets}).
     */
    void sumGradientsOf(AdamW optimizer, List<Tensor> writtenBeforeBackward) {
        if (group != null) buckets = new GradientBuckets(group, optimizer, BUCKET_ELEMENTS, writtenBeforeBackward);
    }

    /** Called before the step's last micro-batch: its backward starts the buckets as they complete. */
    void armGradients() {
        if (buckets != null) buckets.arm();
    }

    /** The gradient of trainable {@code parameter} is about to be accumulated outside autograd. */
    void beforeGradient(Tensor parameter) {
        if (buckets != null) buckets.beforeGradient(parameter);
    }

    /** After the step's backward: every gradient bucket summed across the ranks. */
    void finishGradients() {
        if (buckets != null) buckets.finish();
    }

    /** How the last step's gradients were summed (empty alone). */
    String describeGradients() {
        return buckets == null ? "" : buckets.describe();
    }

    /** Fails on every rank, naming who differs and how, unless all hold the same {@code value} for {@code what}. */
    void agree(String what, String value, String fix) {
        if (group != null) group.agree(what, value, fix);
    }

    /** Every rank's {@code value}, by rank (this value alone, without a group). */
    List<String> gather(String value) {
        return group == null ? List.of(value) : group.gather(value);
    }

    /** Leaves the group: with the closing barrier after a run that ended well, without it after an error. */
    void close(boolean failed) {
        if (group == null) return;
        if (failed) group.abandon();
        else group.close();
    }
}
