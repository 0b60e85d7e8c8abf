package dev.forja.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Where layers may recompute their inputs in the backward ({@link Recomputable}): open around one forward and its
 * backward, on the thread that runs both. Layers outside one keep their inputs as autograd does. Closing it lets go
 * of what a backward that never came would have needed, and rethrows what failed inside one.
 */
public final class Recomputation implements AutoCloseable {
    private static final ThreadLocal<Recomputation> CURRENT = new ThreadLocal<>();

    private final Recomputation outer;
    private final boolean on;
    private final Consumer<Tensor> beforeGradient;
    private final long[] inputs; // inputs held to be recomputed, shared with the ones nested in this
    private final List<Held> held = new ArrayList<>();
    private final List<Pointer> hooks = new ArrayList<>();
    private final List<Tensor> retained = new ArrayList<>();
    private Tensor handedOver;
    private RuntimeException failure;
    private final BiConsumer<Tensor, Tensor> apart; // null: layers accumulate into the parameters' gradients

    private Recomputation(
            Recomputation outer, boolean on, Consumer<Tensor> beforeGradient, BiConsumer<Tensor, Tensor> apart) {
        this.outer = outer;
        this.on = on;
        this.beforeGradient = beforeGradient;
        this.inputs = outer == null ? new long[1] : outer.inputs;
        this.apart = apart;
    }

    /**
     * Opens one on this thread. Inside another it tells the other's listener, and inside {@link #off} it is off
     * too.
     */
    public static Recomputation open() {
        Recomputation outer = CURRENT.get();
        return push(outer == null || outer.on, outer == null ? p -> {} : outer.beforeGradient);
    }

    /**
     * Opens one that is off, and makes the ones opened inside it off: layers keep their inputs as autograd does (the
     * reference the tests compare with).
     */
    public static Recomputation off() {
        return push(false, p -> {});
    }

    /**
     * Opens one on this thread; {@code beforeGradient} is told of each parameter whose gradient a layer is about to
     * accumulate by hand, as a hook on the parameter would be by autograd (data parallelism's gradient buckets).
     */
    public static Recomputation open(Consumer<Tensor> beforeGradient) {
        Recomputation outer = CURRENT.get();
        return push(outer == null || outer.on, beforeGradient);
    }

    /**
     * Opens one on this thread whose layers hand the gradients they accumulate by hand to {@code apart} (the
     * parameter, then a gradient that lives as long as the hook's scope) in place of adding them into the parameters'
     * gradients: a share of a micro-batch's rows running beside others on other threads, which sums them apart and
     * adds them when its turn comes.
     */
    public static Recomputation openApart(BiConsumer<Tensor, Tensor> apart) {
        Recomputation r = new Recomputation(CURRENT.get(), true, p -> {}, apart);
        CURRENT.set(r);
        return r;
    }

    private static Recomputation push(boolean on, Consumer<Tensor> beforeGradient) {
        Recomputation r = new Recomputation(CURRENT.get(), on, beforeGradient, null);
        CURRENT.set(r);
        return r;
    }

    /**
     * Adds {@code gradient}, which nothing else holds, into {@code parameter}'s gradient (giving it one if it has
     * none), or hands both to the one opened with {@link #openApart}.
     */
    public void accumulate(Tensor parameter, Tensor gradient) {
        if (apart != null) {
            apart.accept(parameter, gradient);
            return;
        }
        Tensor current = parameter.grad();
        if (current.defined()) current.add_(gradient);
        else parameter.mutable_grad().put(gradient);
    }

    /** The one open on this thread, or null when none is, or when it is off. */
    public static Recomputation current() {
        Recomputation r = CURRENT.get();
        return r != null && r.on ? r : null;
    }

    /** How many layer inputs were held to be recomputed, here and in those opened inside this one. */
    public long inputs() {
        return inputs[0];
    }

    /**
     * Holds {@code tensors} (new handles to them, which outlive the scopes open now) until {@link Held#release} or
     * until this closes, and keeps {@code hook} (a callback registered with libtorch) allocated until this closes: the
     * scope it was made in would free it before the backward calls it.
     */
    public Held hold(List<Tensor> tensors, Pointer hook) {
        keep(hook);
        List<Tensor> handles = new ArrayList<>();
        for (Tensor t : tensors) {
            Tensor h = new Tensor(t);
            h.retainReference();
            handles.add(h);
        }
        inputs[0]++;
        Held h = new Held(handles);
        held.add(h);
        return h;
    }

    /** Keeps {@code hook} (a callback registered with libtorch) allocated until this closes. */
    public void keep(Pointer hook) {
        hook.retainReference();
        hooks.add(hook);
    }

    /** Holds {@code t} past the scopes open now, until it is handed over and the next one is, or this closes. */
    public Tensor retain(Tensor t) {
        t.retainReference();
        retained.add(t);
        return t;
    }

    /**
     * {@code t}, which {@link #retain} holds, about to be returned from a hook to libtorch (which takes a handle of its
     * own): the one handed over before it, whose hook has returned, is let go of.
     */
    public Tensor handOver(Tensor t) {
        if (handedOver != null && retained.removeIf(h -> h == handedOver)) handedOver.releaseReference();
        handedOver = t;
        return t;
    }

    /** Tells the listener that the gradient of {@code parameter} is about to be accumulated. */
    public void beforeGradient(Tensor parameter) {
        beforeGradient.accept(parameter);
    }

    /** Records a failure inside a backward hook (which cannot throw into libtorch), rethrown by {@link #close}. */
    public void failed(RuntimeException e) {
        if (failure == null) failure = e;
    }

    @Override
    public void close() {
        CURRENT.set(outer);
        for (Held h : held) h.release();
        held.clear();
        for (Pointer h : hooks) h.releaseReference();
        for (Tensor t : retained) t.releaseReference();
        retained.clear();
        handedOver = null;
        hooks.clear();
        if (failure != null) throw failure;
    }

    /** Tensors held for a backward. */
    public static final class Held {
        private final List<Tensor> tensors;
        private boolean released;

        private Held(List<Tensor> tensors) {
            this.tensors = tensors;
        }

        public List<Tensor> tensors() {
            if (released) throw new IllegalStateException("the tensors were let go of before the backward used them");
            return tensors;
        }

        /** Lets go of the tensors (again: nothing). */
        public void release() {
            if (released) return;
            released = true;
            for (Tensor t : tensors) t.releaseReference();
        }
    }
}
