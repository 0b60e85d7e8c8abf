package dev.forja.dist;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.StringVector;
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
    private int gathers; // each gather's store keys are its own
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

    /** A collective started and not yet waited for. */
    public final class InFlight {
        private final Work work;
        private final TensorVector tensors; // kept, with their tensors, until the collective is done

        private InFlight(Work work, TensorVector tensors) {
            this.work = work;
            this.tensors = tensors;
        }

        /** Blocks until the collective is done on this rank (its tensor then holds the sum), and frees it. */
        public void await() {
            try {
                work._wait();
            } catch (RuntimeException e) {
                throw collectiveFailed("all-reduce", e);
            } finally {
                work.close();
                tensors.close();
            }
        }
    }

    /**
     * Starts summing {@code t} across the ranks in place and returns at once; {@link InFlight#await} waits for it.
     * Every rank must start the same collectives in the same order. {@code t} (contiguous, CPU) must not be read or
     * written until then.
     */
    public InFlight startAllReduceSum(Tensor t) {
        ensureOpen();
        if (!t.is_cpu() || !t.is_contiguous()) {
            throw new IllegalArgumentException("allReduceSum needs a contiguous CPU tensor: call .contiguous() first");
        }
        TensorVector tensors = new TensorVector(t);
        try {
            return new InFlight(gloo.allreduce(tensors), tensors);
        } catch (RuntimeException e) {
            tensors.close();
            throw collectiveFailed("all-reduce", e);
        }
    }

    /**
     * Every rank's {@code value}, by rank: each rank posts its own in the rendezvous store and reads the others'. A
     * collective: every rank calls it, in the same order as the other collectives.
     */
    public List<String> gather(String value) {
        ensureOpen();
        String prefix = "forja_gather/" + (gathers++) + "/";
        List<String> values = new ArrayList<>();
        try (StringVector keys = new StringVector()) {
            store.set(prefix + rank(), value);
            for (int r = 0; r < worldSize(); r++) keys.push_back(prefix + r);
            store._wait(keys, new Milliseconds(rendezvous.timeout().toMillis()));
            for (int r = 0; r < worldSize(); r++) values.add(store.get_to_str(prefix + r));
        } catch (RuntimeException e) {
            throw collectiveFailed("gathering values from the ranks", e);
        }
        return values;
    }

    /**
     * Checks that every rank holds the same {@code value} for {@code what} (a data hash, a checkpoint, a configuration
     * as {@code key=value} lines): throws on every rank, naming each rank that differs from rank 0 and, line by line,
     * what each holds, then {@code fix}.
     */
    public void agree(String what, String value, String fix) {
        List<String> values = gather(value);
        List<String> zero = List.of(values.get(0).split("\n", -1));
        List<String> differences = new ArrayList<>();
        for (int r = 1; r < values.size(); r++) {
            List<String> theirs = List.of(values.get(r).split("\n", -1));
            List<String> onlyTheirs = new ArrayList<>(theirs);
            onlyTheirs.removeAll(zero);
            List<String> onlyZero = new ArrayList<>(zero);
            onlyZero.removeAll(theirs);
            if (!onlyTheirs.isEmpty() || !onlyZero.isEmpty()) {
                differences.add("rank " + r + " has " + String.join(", ", onlyTheirs) + " where rank 0 has "
                        + String.join(", ", onlyZero));
            }
        }
        if (!differences.isEmpty()) {
            throw new ForjaException(
                    "the ranks disagree on the " + what + ": " + String.join("; ", differences) + "; " + fix);
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

    /**
     * Leaves the group without the closing barrier, after an error on this rank: the others, blocked in a collective
     * or in the store, fail at once when this process's sockets close, instead of waiting out the timeout.
     */
    public void abandon() {
        failed = true;
        close();
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
