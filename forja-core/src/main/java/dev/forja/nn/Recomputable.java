package dev.forja.nn;

import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;

/**
 * A layer's input as a function of tensors that a training step's backward keeps anyway (a norm's input, an
 * activation's input, the attention's output): a layer whose backward needs its input may hold these instead, and
 * compute the input again when the backward reaches it ({@link Linear#apply(Tensor, Recomputable)}). The function must
 * depend on nothing but its sources and the model's own weights, and give the same values run again (the layer runs it
 * under the autocast state of the forward, and makes its own casts).
 */
public record Recomputable(List<Tensor> sources, Function<List<Tensor>, Tensor> function) {
    /**
     * {@code source} itself, for a layer whose input the backward keeps as it is (the attention's output, which
     * libtorch's kernel keeps, or A's gradient would): held instead of what the layer would derive from it (LoRA's
     * dropped copy and mask).
     */
    public static Recomputable itself(Tensor source) {
        return new Recomputable(List.of(source), s -> s.get(0));
    }

    /** {@code f(source)}. */
    public static Recomputable of(Tensor source, UnaryOperator<Tensor> f) {
        return new Recomputable(List.of(source), s -> f.apply(s.get(0)));
    }

    /** {@code f(first, second)}. */
    public static Recomputable of(Tensor first, Tensor second, BinaryOperator<Tensor> f) {
        return new Recomputable(List.of(first, second), s -> f.apply(s.get(0), s.get(1)));
    }

    /** The input, computed from {@code from}: the sources, or other handles to them. */
    public Tensor compute(List<Tensor> from) {
        return function.apply(from);
    }
}
