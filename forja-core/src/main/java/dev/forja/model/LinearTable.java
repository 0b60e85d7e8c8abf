package dev.forja.model;

import dev.forja.nn.Dense;
import dev.forja.nn.Linear;
import dev.forja.nn.Recomputable;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * A model's linear layers by Hugging Face module path, as {@link Adaptable#linears()} hands them out: the paths are
 * fixed when the model is built, the layer under each can be replaced. A layer record holds what {@link #add} returns,
 * a linear that forwards to whatever its path holds now, so putting a layer under a path (LoRA wrapping one) reroutes
 * the forward pass without rebuilding the records or looking a name up on every call.
 */
public final class LinearTable extends AbstractMap<String, Linear> {
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    /** The replaceable place of one layer; the forward pass calls it, LoRA swaps what it holds. */
    private static final class Slot implements Linear {
        private Linear layer;

        Slot(Linear layer) {
            this.layer = layer;
        }

        @Override
        public Tensor apply(Tensor x) {
            return layer.apply(x);
        }

        @Override
        public Tensor apply(Tensor x, Recomputable input) {
            return layer.apply(x, input);
        }

        @Override
        public Tensor weight() {
            return layer.weight();
        }
    }

    /**
     * Registers the dense layer {@code path} of {@code params} ({@code path.weight} (out, in) and, if present,
     * {@code path.bias}); returns the linear for the model's layer record to hold.
     */
    public Linear add(String path, Map<String, Tensor> params) {
        Tensor weight = params.get(path + ".weight");
        if (weight == null) throw new IllegalArgumentException("parameter " + path + ".weight missing");
        if (slots.containsKey(path)) throw new IllegalArgumentException("linear layer " + path + " added twice");
        Slot slot = new Slot(new Dense(weight, params.get(path + ".bias")));
        slots.put(path, slot);
        return slot;
    }

    @Override
    public Linear get(Object path) {
        Slot slot = slots.get(path);
        return slot == null ? null : slot.layer;
    }

    @Override
    public boolean containsKey(Object path) {
        return slots.containsKey(path);
    }

    /** Puts {@code layer} in place of the one at {@code path}; the model has no layer to add at a new path. */
    @Override
    public Linear put(String path, Linear layer) {
        Slot slot = slots.get(path);
        if (slot == null) throw new IllegalArgumentException("no linear layer " + path + " in this model");
        if (layer == null) throw new IllegalArgumentException("linear layer " + path + " cannot be null");
        Linear old = slot.layer;
        slot.layer = layer;
        return old;
    }

    /** The paths in the model's order with the layers they hold now; a snapshot, not writable. */
    @Override
    public Set<Entry<String, Linear>> entrySet() {
        Set<Entry<String, Linear>> out = new LinkedHashSet<>();
        slots.forEach((path, slot) -> out.add(new SimpleImmutableEntry<>(path, slot.layer)));
        return out;
    }

    @Override
    public Set<String> keySet() {
        return Collections.unmodifiableSet(slots.keySet());
    }

    @Override
    public int size() {
        return slots.size();
    }
}
