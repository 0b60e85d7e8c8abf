package dev.forja.train;

import dev.forja.dist.ProcessGroup;
import dev.forja.train.optim.AdamW;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;

/**
 * A step's gradients summed across the ranks in buckets that start while the backward still runs, as
 * DistributedDataParallel's reducer does. The flat gradient buffers are cut into buckets of whole tensors; a hook on
 * every trainable tensor says when the backward reaches it. libtorch accumulates a leaf's gradient right after its
 * hooks, and its accumulation nodes run first among the ready ones, so when a tensor's hook fires every tensor hooked
 * before it holds its whole gradient: a bucket whose tensors are all such is complete.
 *
 * <p>Every rank must start the same collectives in the same order, and the order in which hooks fire may differ (a
 * rank whose last micro-batch is empty runs no backward at all). So buckets start in one fixed order, the backward's
 * usual one (each buffer from its end, the buffer of matrices first): a complete bucket waits for those before it in
 * that order. {@link #finish} marks the last tensor, starts what is left, and waits for all.
 */
final class GradientBuckets {
    private final ProcessGroup group;
    private final List<Tensor> buckets = new ArrayList<>(); // in starting order
    private final int[] remaining; // per bucket: tensors whose gradient is not yet complete
    private final List<VoidTensorHook> hooks = new ArrayList<>(); // referenced, so that the callbacks stay alive
    private final Map<Long, Integer> bucketOf = new HashMap<>(); // a hooked tensor's bucket, by its data's address
    private final List<ProcessGroup.InFlight> inFlight = new ArrayList<>();
    private final int[] counts; // per bucket: its tensors
    private int started;
    private int startedDuringBackward; // in the last step
    private int pending = -1; // the bucket of the tensor hooked last, whose accumulation may still be running
    private boolean armed;

    /**
     * @param writtenBeforeBackward trainable tensors whose gradient is complete before the backward starts, and which
     *     no hook reaches ({@link TrainingTask#gradientsWrittenBeforeBackward})
     */
    GradientBuckets(ProcessGroup group, AdamW optimizer, long bucketElements, List<Tensor> writtenBeforeBackward) {
        this.group = group;
        List<AdamW.GradientSlice> slices = optimizer.gradientSlices();
        List<Tensor> buffers = optimizer.gradientBuffers();
        List<Integer> sizes = new ArrayList<>();
        // each buffer from its end: the backward reaches the last layers first
        for (int b = 0; b < buffers.size(); b++) {
            List<AdamW.GradientSlice> mine = new ArrayList<>();
            for (AdamW.GradientSlice s : slices) if (s.buffer() == b) mine.add(s);
            int i = mine.size() - 1;
            while (i >= 0) {
                long end = mine.get(i).offset() + mine.get(i).numel();
                long elements = 0;
                List<Integer> in = new ArrayList<>();
                while (i >= 0 && (in.isEmpty() || elements + mine.get(i).numel() <= bucketElements)) {
                    elements += mine.get(i).numel();
                    in.add(i--);
                }
                long start = end - elements;
                Tensor view = buffers.get(b).narrow(0, start, elements); // (elements) of the flat buffer
                view.retainReference(); // kept for the run, whatever scope is open
                buckets.add(view);
                int bucket = buckets.size() - 1;
                int waited = 0;
                for (int k : in) {
                    Tensor p = mine.get(k).parameter();
                    if (writtenBeforeBackward.stream().anyMatch(t -> sameData(t, p))) continue;
                    hook(p, bucket);
                    waited++;
                }
                sizes.add(waited);
            }
        }
        counts = sizes.stream().mapToInt(Integer::intValue).toArray();
        remaining = counts.clone();
    }

    private static boolean sameData(Tensor a, Tensor b) {
        return a.data_ptr().address() == b.data_ptr().address() && a.numel() == b.numel();
    }

    /**
     * A trainable tensor's gradient is about to be accumulated by hand, where autograd's accumulation (and so the hook
     * on it) does not run: counted as the hook would have.
     */
    void beforeGradient(Tensor parameter) {
        Integer bucket = bucketOf.get(parameter.data_ptr().address());
        if (bucket != null) reached(bucket);
    }

    private void hook(Tensor parameter, int bucket) {
        bucketOf.put(parameter.data_ptr().address(), bucket);
        VoidTensorHook h = new VoidTensorHook() {
            @Override
            public void call(TensorBase grad) {
                reached(bucket);
            }
        };
        hooks.add(h);
        parameter.register_hook(h);
    }

    /** Starts watching the backward that follows: the step's last micro-batch's. */
    void arm() {
        System.arraycopy(counts, 0, remaining, 0, counts.length);
        started = 0;
        pending = -1;
        armed = true;
    }

    /** Starts, in order, the buckets that wait for nothing (all their tensors written before the backward). */
    private void startComplete() {
        while (started < buckets.size() && remaining[started] == 0) start();
    }

    /** A tensor of {@code bucket} is about to have its gradient accumulated; the one hooked before it has. */
    private void reached(int bucket) {
        if (!armed) return;
        startComplete(); // the backward has begun: tensors written before it are complete
        completePending();
        pending = bucket;
    }

    private void completePending() {
        if (pending < 0) return;
        remaining[pending]--;
        pending = -1;
        startComplete();
    }

    private void start() {
        inFlight.add(group.startAllReduceSum(buckets.get(started)));
        started++;
    }

    /** After the backward: the last tensor is complete; starts the buckets left (in order) and waits for all. */
    void finish() {
        startedDuringBackward = started;
        if (armed) completePending();
        armed = false;
        while (started < buckets.size()) start();
        try {
            for (ProcessGroup.InFlight w : inFlight) w.await();
        } finally {
            inFlight.clear();
        }
    }

    /** What the last step did, for the log: how many buckets started while its backward ran. */
    String describe() {
        return "gradients summed in " + buckets.size() + " bucket" + (buckets.size() == 1 ? "" : "s") + ", "
                + startedDuringBackward + " started during the backward";
    }
}
