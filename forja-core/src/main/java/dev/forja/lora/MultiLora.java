package dev.forja.lora;

import dev.forja.ForjaException;
import dev.forja.model.Adaptable;
import dev.forja.nn.Linear;
import dev.forja.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Several LoRA adapters over one copy of a model's base weights, chosen per batch row (S-LoRA, Sheng et al. 2023):
 * each adapted layer computes the base map once for the whole batch and adds each adapter's low-rank update to the
 * rows routed to it only. Adapter 0 is the base model itself; adapters are numbered from 1 in the order loaded, and
 * can be added and removed while the model serves (between forward passes; the caller owns that thread).
 *
 * <p>Example: {@code var m = MultiLora.load(model, List.of(a, b)); m.route(new int[] {0, 2, 1}); model.forward(...)}
 * runs row 0 on the base, row 1 with adapter b, row 2 with adapter a.
 */
public final class MultiLora {
    private final Adaptable model;
    private final Map<String, Routed> routed = new LinkedHashMap<>();
    private final List<Boolean> loaded = new ArrayList<>(); // [k - 1]: adapter k is loaded (numbers are not reused)
    private int[] route = new int[0]; // (B) adapter of each row; empty: every row on the base

    private MultiLora(Adaptable model) {
        this.model = model;
    }

    /**
     * Loads each PEFT adapter directory ({@link LoraAdapter#load} checks it against the model) and routes the
     * model's adapted layers through this object. Adapters that replace whole modules ({@code modules_to_save}) are
     * refused: their weights could not be shared.
     */
    public static MultiLora load(Adaptable model, List<Path> dirs) {
        MultiLora m = new MultiLora(model);
        for (Path dir : dirs) m.add(dir);
        return m;
    }

    /**
     * Loads one more adapter while the model serves (between forward passes); returns its number. Nothing changes
     * when loading fails.
     */
    public int add(Path dir) {
        if (!LoraAdapter.savedModules(dir).isEmpty()) {
            throw new ForjaException("adapter " + dir + " replaces whole modules (modules_to_save), which cannot "
                    + "share the base weights with other adapters; merge it (forja merge) and serve the result");
        }
        LoraAdapter a = LoraAdapter.load(model, dir);
        a.detach();
        loaded.add(true);
        int k = loaded.size();
        for (Map.Entry<String, LoraLinear> e : a.layers().entrySet()) {
            Routed r = routed.get(e.getKey());
            if (r == null) {
                r = new Routed(model.linears().get(e.getKey()));
                routed.put(e.getKey(), r);
                model.linears().put(e.getKey(), r);
            }
            r.set(k, e.getValue());
        }
        return k;
    }

    /** Unloads adapter {@code k} (between forward passes; no row may be routed to it any more). */
    public void remove(int k) {
        if (!loaded(k)) throw new IllegalArgumentException("adapter " + k + " is not loaded");
        loaded.set(k - 1, false);
        for (Routed r : routed.values()) r.set(k, null);
    }

    /** True while adapter {@code k} is loaded; 0, the base, always is. */
    public boolean loaded(int k) {
        return k == 0 || (k > 0 && k <= loaded.size() && loaded.get(k - 1));
    }

    /** Adapters loaded (not counting the base, number 0). */
    public int size() {
        return (int) loaded.stream().filter(b -> b).count();
    }

    /**
     * Sets the adapter of each row of the next forward passes: {@code adapters[b]} a loaded adapter, 0 for the base.
     * The array's length must be the batch's; an empty one runs every row on the base.
     */
    public void route(int[] adapters) {
        for (int k : adapters) {
            if (!loaded(k)) throw new IllegalArgumentException("adapter " + k + " is not loaded");
        }
        this.route = adapters.clone();
    }

    /** Puts the base layers back into the model. */
    public void detach() {
        routed.forEach((p, r) -> model.linears().put(p, r.base));
    }

    /** A base layer plus, for each adapter that targets it, its update on that adapter's rows. */
    private final class Routed implements Linear {
        private final Linear base;
        private final List<LoraLinear> adapters = new ArrayList<>(); // [k - 1]: adapter k's layer here, or null

        Routed(Linear base) {
            this.base = base;
        }

        void set(int k, LoraLinear layer) {
            while (adapters.size() < k) adapters.add(null);
            adapters.set(k - 1, layer);
        }

        @Override
        public Tensor apply(Tensor x) {
            Tensor y = base.apply(x); // (B, ..., out)
            int[] r = route;
            if (r.length == 0) return y;
            if (r.length != x.size(0)) {
                throw new IllegalStateException("routed " + r.length + " rows but the batch has " + x.size(0));
            }
            for (int k = 1; k <= adapters.size(); k++) {
                LoraLinear a = adapters.get(k - 1);
                if (a == null) continue;
                List<Long> rows = new ArrayList<>();
                for (int b = 0; b < r.length; b++) if (r[b] == k) rows.add((long) b);
                if (rows.isEmpty()) continue;
                Tensor at = Tensors.ofLongs(
                                rows.stream().mapToLong(Long::longValue).toArray(), rows.size())
                        .to(x.device(), ScalarType.Long); // (b)
                y = y.index_add(0, at, a.update(x.index_select(0, at))); // only these rows change
            }
            return y;
        }

        @Override
        public Tensor weight() {
            return base.weight();
        }
    }
}
