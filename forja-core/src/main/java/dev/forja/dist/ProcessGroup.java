package dev.forja.dist;

import dev.forja.ForjaException;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;

/**
 * One rank's handle on a c10d gloo process group opened by {@link ProcessGroups#open}. Collectives are blocking and
 * must be called by every rank in the same order, as in torch.distributed; so must {@link #close}.
 */
public final class ProcessGroup implements AutoCloseable {
    private final Rendezvous rendezvous;
    private final TCPStore store;
    private final PrefixStore groupStore;
    private final ProcessGroupGloo gloo;
    private boolean failed;
    private boolean closed;

    ProcessGroup(Rendezvous rendezvous, TCPStore store, PrefixStore groupStore, ProcessGroupGloo gloo) {
        this.rendezvous = rendezvous;
        this.store = store;
        this.groupStore = groupStore;
        this.gloo = gloo;
    }

    public int rank() {
        return rendezvous.rank();
    }

    public int worldSize() {
        return rendezvous.worldSize();
    }

    public Rendezvous rendezvous() {
        return rendezvous;
    }

    /**
     * Replaces {@code t} on every rank by the element-wise sum of all ranks' {@code t}. {@code t} is a contiguous CPU
     * tensor of the same shape and dtype on every rank (float32, bfloat16 and the other dtypes gloo reduces).
     */
    public void allReduceSum(Tensor t) {
        ensureOpen();
        if (!t.is_cpu() || !t.is_contiguous()) {
            throw new IllegalArgumentException("allReduceSum needs a contiguous CPU tensor: call .contiguous() first");
        }
        try (TensorVector tensors = new TensorVector(t);
                Work work = gloo.allreduce(tensors)) {
            work._wait();
        } catch (RuntimeException e) {
            throw collectiveFailed("all-reduce", e);
        }
    }

    /** Returns once every rank has called {@code barrier}. */
    public void barrier() {
        ensureOpen();
        try (Work work = gloo.barrier()) {
            work._wait();
        } catch (RuntimeException e) {
            throw collectiveFailed("barrier", e);
        }
    }

    /**
     * Leaves the group: a barrier (skipped after a failed collective, where a peer may be gone), so that rank 0, which
     * serves the store, does not leave before the others; then frees the native objects.
     */
    @Override
    public void close() {
        if (closed) return;
        try {
            if (!failed) barrier();
        } finally {
            closed = true;
            gloo.close();
            groupStore.close();
            store.close();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the process group of rank " + rank() + " is closed");
    }

    private ForjaException collectiveFailed(String what, RuntimeException e) {
        failed = true;
        return new ForjaException(what + " failed on rank " + rank() + " of " + worldSize() + ": "
                + ProcessGroups.firstLine(e) + "; a peer rank has likely exited or stalled past the "
                + rendezvous.timeout().toSeconds() + " s timeout: see its log");
    }
}
