package dev.forja.train.optim;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One parameter group laid out flat: the parameters, their gradients and AdamW's two moments each live in one
 * contiguous float32 buffer, and every model tensor (and its {@code .grad}) is a view into the first two. An update
 * is then a handful of passes over four long arrays instead of a dozen passes over each of ~150 small ones.
 *
 * <p>With a bf16 shadow, the group also keeps a bf16 copy of the parameters ({@link #shadow}) that the model computes
 * with: the shadow tensors ({@link #computeTensors}) are views of it, their gradients land in a bf16 {@link #grads}
 * buffer, and the update writes the float32 master and its bf16 rounding in the same pass. That saves bf16
 * autocast's per-step casts of every weight to bf16 and of every weight gradient back to float32, and halves the
 * gradient traffic.
 */
final class FlatGroup implements AutoCloseable {
    final double weightDecay;
    final List<String> names = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> computeTensors = new ArrayList<>(); // what the model runs on: params or shadow views
    private final long[] offsets;
    private final long[] numels;
    private final long[][] shapes;
    private final long numel;
    final Tensor values; // (N,) the parameters, which the model's tensors view
    final Tensor grads; // (N,) the gradients (bf16 with a shadow), which each compute tensor's .grad views
    final Tensor shadow; // (N,) bf16 rounding of values, or null without a shadow
    final Tensor expAvg; // (N,) first moment
    final Tensor expAvgSq; // (N,) second moment

    /** Moves {@code params} (float32, one device) into new flat buffers; their current values and grads are kept. */
    FlatGroup(Map<String, Tensor> params, double weightDecay, TensorOptions fallback) {
        this(params, weightDecay, fallback, false);
    }

    /**
     * As {@link #FlatGroup(Map, double, TensorOptions)}; with {@code bf16Shadow} the gradients are expected on the
     * bf16 {@link #computeTensors} instead of the parameters, whose own grads are dropped.
     */
    FlatGroup(Map<String, Tensor> params, double weightDecay, TensorOptions fallback, boolean bf16Shadow) {
        // first, before the buffers: the heap the JVM grows while compiling is given back while they are filled
        AdamWKernel.warmUp();
        this.weightDecay = weightDecay;
        this.offsets = new long[params.size()];
        this.numels = new long[params.size()];
        this.shapes = new long[params.size()][];
        long n = 0;
        int i = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            names.add(e.getKey());
            this.params.add(e.getValue());
            offsets[i] = n;
            shapes[i] = Tensors.shape(e.getValue());
            numels[i] = e.getValue().numel();
            n += numels[i];
            i++;
        }
        this.numel = n;
        TensorOptions options =
                this.params.isEmpty() ? fallback : this.params.get(0).options();
        values = retained(torch.empty(new long[] {n}, options, null));
        // one scope per parameter: its old storage, held by the temporaries, is freed as soon as it is copied, so the
        // model's weights and the flat buffer never coexist whole (GPT-2 small: 0.5 GB less at the peak); the other
        // buffers come after, where the allocator can hand out the freed storage again (tcmalloc keeps it: allocated
        // before, they left GPT-2 124M's setup 474 MiB higher, the peak of a run with gradient checkpointing)
        Tensor[] oldGrads = new Tensor[this.params.size()];
        for (i = 0; i < this.params.size(); i++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor p = this.params.get(i);
                // detach: copying from a tensor that requires grad would put the buffer into the autograd graph
                slice(values, i).copy_(p.detach());
                Tensor old = p.grad();
                if (old.defined() && !bf16Shadow) oldGrads[i] = retained(old.detach());
                p.set_data(slice(values, i));
                p.requires_grad_(true);
                p.mutable_grad().put(new Tensor()); // bound to the flat gradients below (with a shadow: none)
            }
        }
        TensorOptions half = options.dtype(new org.bytedeco.pytorch.ScalarTypeOptional(ScalarType.BFloat16));
        grads = retained(torch.zeros(new long[] {n}, bf16Shadow ? half : options));
        shadow = bf16Shadow ? retained(torch.empty(new long[] {n}, half, null)) : null;
        expAvg = retained(torch.zeros(new long[] {n}, options));
        expAvgSq = retained(torch.zeros(new long[] {n}, options));
        if (!bf16Shadow) {
            for (i = 0; i < this.params.size(); i++) {
                try (PointerScope scope = new PointerScope()) {
                    if (oldGrads[i] != null) {
                        slice(grads, i).copy_(oldGrads[i]);
                        oldGrads[i].releaseReference();
                    }
                    this.params.get(i).mutable_grad().put(slice(grads, i));
                }
            }
        }
        if (bf16Shadow) {
            refreshShadow();
            for (i = 0; i < this.params.size(); i++) {
                Tensor view = slice(shadow, i).detach(); // a leaf of its own that shares the shadow's memory
                view.retainReference();
                view.requires_grad_(true);
                view.mutable_grad().put(slice(grads, i));
                computeTensors.add(view);
            }
        } else {
            computeTensors.addAll(this.params);
        }
    }

    /** Where parameter {@code i}'s gradient lies in {@link #grads}: its first element. */
    long offset(int i) {
        return offsets[i];
    }

    /** Parameter {@code i}'s element count. */
    long numel(int i) {
        return numels[i];
    }

    /** The tensors the model should compute with, in {@link #names} order: the shadow views, or the parameters. */
    List<Tensor> computeTensors() {
        return computeTensors;
    }

    /** Rewrites the bf16 shadow from the float32 values (after they were changed other than by an update). */
    void refreshShadow() {
        if (shadow != null && numel > 0) {
            try (PointerScope scope = new PointerScope()) {
                shadow.copy_(values); // round to nearest even, as autocast's cast
            }
        }
    }

    long numel() {
        return numel;
    }

    int size() {
        return params.size();
    }

    long[] shape(int i) {
        return shapes[i];
    }

    /** Parameter {@code i}'s range of a flat buffer, in the parameter's shape. */
    Tensor slice(Tensor flat, int i) {
        return flat.narrow(0, offsets[i], numels[i]).view(shapes[i]);
    }

    /**
     * Makes sure every parameter's {@code .grad} is still its view of {@link #grads}. Backward accumulates in place
     * into an existing gradient, so this normally finds nothing to do; but code outside the optimizer may have set a
     * gradient to none or replaced it (or a {@code create_graph} backward may have), and then the new values are
     * copied into the flat buffer and the view is put back.
     */
    void rebindGrads() {
        if (numel == 0) return;
        long base = address(grads);
        long size = grads.element_size();
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < computeTensors.size(); i++) {
                Tensor p = computeTensors.get(i);
                Tensor g = p.grad();
                boolean bound = g.defined() && address(g) == base + size * offsets[i];
                if (bound) continue;
                Tensor view = slice(grads, i);
                if (g.defined()) {
                    view.copy_(g);
                } else {
                    view.zero_();
                }
                p.mutable_grad().put(view);
            }
        }
    }

    /** Where a tensor's data starts; 0 for an empty one (whose data pointer is null). */
    static long address(Tensor t) {
        Pointer p = t.data_ptr();
        return p == null ? 0 : p.address();
    }

    /** Refuses anything AdamW's flat float32 buffers cannot hold. */
    static void check(String name, Tensor t) {
        if (t.scalar_type().value != ScalarType.Float.value) {
            throw new ForjaException("AdamW keeps float32 master weights, but parameter " + name + " is "
                    + t.scalar_type() + ": load the model in float32 for full fine-tuning (autocast still runs the "
                    + "matmuls in bf16)");
        }
    }

    private static Tensor retained(Tensor t) {
        t.retainReference();
        return t;
    }

    @Override
    public void close() {
        values.releaseReference();
        grads.releaseReference();
        if (shadow != null) {
            shadow.releaseReference();
            for (Tensor t : computeTensors) t.releaseReference();
        }
        expAvg.releaseReference();
        expAvgSq.releaseReference();
    }
}
