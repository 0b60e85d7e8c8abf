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
 * rows routed to it only. Adapter 0 is the base model itself; adapters are numbered from 1 in the order loaded.
 *
 * <p>Example: {@code var m = MultiLora.load(model, List.of(a, b)); m.route(new int[] {0, 2, 1}); model.forward(...)}
 * runs row 0 on the base, row 1 with adapter b, row 2 with adapter a.
 */
public final class MultiLora {
    private final Adaptable model;
    private final Map<String, Linear> bases = new LinkedHashMap<>();
    private final int count;
    private int[] route = new int[0]; // (B) adapter of each row; empty: every row on the base

    private MultiLora(Adaptable model, int count) {
        this.model = model;
        this.count = count;
    }

    /**
     * Loads each PEFT adapter directory ({@link LoraAdapter#load} checks it against the model) and routes the
     * model's adapted layers through this object. Adapters that replace whole modules ({@code modules_to_save}) are
     * refused: their weights could not be shared.
     */
    public static MultiLora load(Adaptable model, List<Path> dirs) {
        MultiLora m = new MultiLora(model, dirs.size());
        Map<String, LoraLinear[]> layers = new LinkedHashMap<>();
        for (int k = 0; k < dirs.size(); k++) {
            Path dir = dirs.get(k);
            if (!LoraAdapter.savedModules(dir).isEmpty()) {
                throw new ForjaException("adapter " + dir + " replaces whole modules (modules_to_save), which cannot "
                        + "share the base weights with other adapters; merge it (forja merge) and serve the result");
            }
            LoraAdapter a = LoraAdapter.load(model, dir);
            a.detach();
            for (Map.Entry<String, LoraLinear> e : a.layers().entrySet()) {
                layers.computeIfAbsent(e.getKey(), p -> new LoraLinear[dirs.size()])[k] = e.getValue();
            }
        }
        layers.forEach((path, adapters) -> {
            Linear base = model.linears().get(path);
            m.bases.put(path, base);
            model.linears().put(path, m.new Routed(base, adapters));
        });
        return m;
    }

    /** Adapters loaded (not counting the base, number 0). */
    public int size() {
        return count;
    }

    /**
     * Sets the adapter of each row of the next forward passes: {@code adapters[b]} in {@code [0, size()]}, 0 for the
     * base. The array's length must be the batch's; an empty one runs every row on the base.
     */
    public void route(int[] adapters) {
        for (int k : adapters) {
            if (k < 0 || k > count) throw new IllegalArgumentException("adapter " + k + " not in [0, " + count + "]");
        }
        this.route = adapters.clone();
    }

    /** Puts the base layers back into the model. */
    public void detach() {
        bases.forEach((p, l) -> model.linears().put(p, l));
    }

    /** A base layer plus, for each adapter that targets it, its update on that adapter's rows. */
    private final class Routed implements Linear {
        private final Linear base;
        private final LoraLinear[] adapters; // [k - 1]: adapter k's layer here, or null

        Routed(Linear base, LoraLinear[] adapters) {
            this.base = base;
            this.adapters = adapters;
        }

        @Override
        public Tensor apply(Tensor x) {
            Tensor y = base.apply(x); // (B, ..., out)
            int[] r = route;
            if (r.length == 0) return y;
            if (r.length != x.size(0)) {
                throw new IllegalStateException("routed " + r.length + " rows but the batch has " + x.size(0));
            }
            for (int k = 1; k <= adapters.length; k++) {
                LoraLinear a = adapters[k - 1];
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
