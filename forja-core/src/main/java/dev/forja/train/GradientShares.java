package dev.forja.train;

import dev.forja.ForjaException;
import dev.forja.nn.Recomputation;
import dev.forja.tensor.CpuThreads;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A micro-batch's forward and backward in shares of its rows, one per core at once ({@link CpuThreads#runShares}):
 * in a float32 setup libtorch's element-wise ops run on one thread, and the other cores sat idle between OpenBLAS's
 * products. Share 0 runs its backward into the parameters' gradients as a single pass would; each other share
 * computes its gradients apart ({@link #addApart}; over several backward calls, as a checkpointed pass makes,
 * {@link #backwardApart} then {@link #addKept}) and adds them once the share before it has added its own, so the
 * sums always have one order and a run gives the same bits every time, resumed or not. When the caller runs in a
 * {@link Recomputation} that is on, a layer that accumulates a gradient by hand (LoRA's A from a recomputed input) does
 * so into the parameter's gradient in share 0, on the caller's thread, and into the share's sums in the others, each
 * of which runs in one opened apart ({@link Recomputation#openApart}, {@link #keepSummed}); random numbers in the pass
 * (dropout) must not come from a generator the shares draw from together.
 */
final class GradientShares {
    /**
     * One share's work: {@code w} from 0; share 0 calls {@code backward} itself, the others {@link #addApart} (or
     * {@link #backwardApart} and {@link #addKept}).
     */
    interface Share {
        void run(int w, GradientShares shares);
    }

    private final List<Tensor> params;
    private final Map<Tensor, Integer> index = new IdentityHashMap<>(); // a parameter's place in params
    private final CountDownLatch[] added;
    private final Tensor[][] kept; // [share][parameter]: gradients computed apart, summed, until added
    private final List<List<Tensor[]>> extras; // [share]: (parameter, gradient) kept apart, in order

    private GradientShares(List<Tensor> params, int shares) {
        this.params = params;
        this.added = new CountDownLatch[shares];
        this.kept = new Tensor[shares][params.size()];
        for (int i = 0; i < params.size(); i++) index.put(params.get(i), i);
        this.extras = new ArrayList<>();
        for (int i = 0; i < shares; i++) {
            added[i] = new CountDownLatch(1);
            extras.add(new ArrayList<>());
        }
    }

    /**
     * The seed of share {@code w}'s dropout masks ({@link dev.forja.nn.Dropout#seedThisThread}) in a pass seeded
     * {@code seed}: shares draw apart, each from its own seed, as they run at once.
     */
    static long shareSeed(long seed, int w) {
        return seed + 0x9E3779B97F4A7C15L * (w + 1); // SplittableRandom's golden gamma apart
    }

    /**
     * Runs {@code share} for each of {@code shares} shares at once, each in a pointer scope of its own, and the shares
     * after the first in a recomputation apart when the caller's is on.
     */
    static void run(List<Tensor> params, int shares, Share share) {
        GradientShares g = new GradientShares(params, shares);
        boolean recomputing = Recomputation.current() != null;
        try {
            CpuThreads.runShares(shares, w -> {
                try (PointerScope scope = new PointerScope();
                        Recomputation apart = w == 0 || !recomputing
                                ? null
                                : Recomputation.openApart((p, grad) -> g.keepSummed(w, p, grad))) {
                    share.run(w, g);
                } finally {
                    g.release(w); // what a failed share kept
                    g.added[w].countDown(); // a failed share lets the next go on to its own failure or end
                }
            });
        } finally {
            for (CountDownLatch l : g.added) l.countDown();
        }
    }

    /**
     * For share {@code w} ≥ 1: the gradients of {@code output} (a scalar loss when {@code gradOutput} is null) with
     * respect to the parameters, computed apart, then, once share {@code w - 1} has added its own, added into the
     * parameters' gradients, and {@code extraGrad} (if not null) into {@code extra}'s.
     */
    void addApart(int w, Tensor output, Tensor gradOutput, Tensor extra, Tensor extraGrad) {
        backwardApart(w, output, gradOutput, null);
        if (extraGrad != null) keepApart(w, extra, extraGrad);
        addKept(w);
    }

    /**
     * For share {@code w} ≥ 1: back-propagates {@code gradOutput} (null: {@code output} is a scalar loss) from
     * {@code output}, the parameters' gradients kept apart (summed over calls) until {@link #addKept}. Returns the
     * gradient of {@code input} (null for none) as an owning handle the caller releases.
     */
    Tensor backwardApart(int w, Tensor output, Tensor gradOutput, Tensor input) {
        Tensor[] wrt = params.toArray(new Tensor[params.size() + (input == null ? 0 : 1)]);
        if (input != null) wrt[params.size()] = input;
        TensorVector grads = torch.grad(
                new TensorVector(output),
                new TensorVector(wrt),
                gradOutput == null ? new TensorVector() : new TensorVector(gradOutput),
                new BoolOptional(false),
                false,
                true); // a parameter this pass leaves unused (a mean-pooling classifier's pooler) gets none
        for (int i = 0; i < params.size(); i++) {
            Tensor g = new Tensor(grads.get(i)); // a handle of its own: get() refers into the vector
            if (g.defined()) keep(w, i, g);
        }
        if (input == null) return null;
        Tensor g = new Tensor(grads.get(params.size())); // a handle of its own, as above
        g.retainReference(); // the caller's, past the scope it was made in
        return g;
    }

    /** For share {@code w} ≥ 1: keeps {@code g} apart as a gradient of {@code p} until {@link #addKept}. */
    void keepApart(int w, Tensor p, Tensor g) {
        g.retainReference();
        extras.get(w).add(new Tensor[] {p, g});
    }

    /**
     * For share {@code w} ≥ 1: adds {@code g} into the sum kept apart for parameter {@code p} (one of the shares'
     * parameters) until {@link #addKept}: what a layer would have accumulated by hand
     * ({@link Recomputation#openApart}).
     */
    void keepSummed(int w, Tensor p, Tensor g) {
        Integer i = index.get(p);
        if (i == null) throw new IllegalArgumentException("a gradient for a tensor that is not a trained parameter");
        keep(w, i, g);
    }

    /** Adds {@code g} into share {@code w}'s sum for parameter {@code i}, or keeps it as that sum. */
    private void keep(int w, int i, Tensor g) {
        try (NoGradGuard ng = new NoGradGuard()) {
            if (kept[w][i] != null) {
                kept[w][i].add_(g);
            } else {
                g.retainReference(); // past the caller's scopes, until added
                kept[w][i] = g;
            }
        }
    }

    /**
     * For share {@code w} ≥ 1: once share {@code w - 1} has added its own, adds what {@link #backwardApart},
     * {@link #keepApart} and {@link #keepSummed} kept into the parameters' gradients.
     */
    void addKept(int w) {
        try {
            added[w - 1].await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForjaException("interrupted while adding a share's gradients");
        }
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                if (kept[w][i] != null) add(params.get(i), kept[w][i]);
            }
            for (Tensor[] e : extras.get(w)) add(e[0], e[1]);
        }
        release(w);
    }

    /** Lets go of what share {@code w} kept apart. */
    private void release(int w) {
        for (int i = 0; i < params.size(); i++) {
            if (kept[w][i] != null) kept[w][i].releaseReference();
            kept[w][i] = null;
        }
        for (Tensor[] e : extras.get(w)) e[1].releaseReference();
        extras.get(w).clear();
    }

    /** Adds {@code g} (if defined) into {@code p}'s gradient, giving it one if it has none. */
    private static void add(Tensor p, Tensor g) {
        if (!g.defined()) return;
        Tensor sum = p.grad();
        if (sum.defined()) sum.add_(g);
        else p.mutable_grad().put(g.clone());
    }
}
