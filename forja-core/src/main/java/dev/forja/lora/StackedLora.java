package dev.forja.lora;

import dev.forja.ForjaException;
import dev.forja.model.Adaptable;
import dev.forja.nn.Linear;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The weighted average of several LoRA adapters' updates, exactly, as ONE LoRA adapter: what federated averaging
 * (FedAvg, McMahan et al. 2017) of LoRA sites should compute. Averaging A and B separately does not: the mean of the
 * A's times the mean of the B's is not the mean of the products (it adds cross terms B_i A_j), so the result is not
 * any site's update nor their average. Stacking is exact for any ranks (cf. FLoRA, Wang et al. 2024):
 *
 * <pre>
 *   A = [A_1; A_2; ...]                          (R, in),  R = r_1 + r_2 + ...   rows stacked
 *   B = [w_1 s_1 B_1 | w_2 s_2 B_2 | ...]         (out, R)                        columns stacked
 *   B A = sum_i w_i s_i B_i A_i                   s_i = site i's scaling (alpha_i / r_i, or rsLoRA's)
 * </pre>
 *
 * The result has {@code lora_alpha = R} and plain scaling, so PEFT's factor {@code alpha / r} is 1 and each site's
 * scaling and weight live in its block of B. A module that only some adapters adapt gets zero blocks for the others:
 * those sites contribute nothing to it (their update there is zero), and every module keeps the one rank R that
 * {@code adapter_config.json} states.
 */
public final class StackedLora {
    private StackedLora() {}

    /**
     * One adapter on {@code model} (not attached) whose update is {@code sum_i w_i ΔW_i}, with {@code w} the
     * {@code weights} normalised to sum 1. The {@code adapters} were loaded onto {@code model} (and may since have
     * been detached); dropout is the first adapter's.
     */
    public static LoraAdapter stack(Adaptable model, List<LoraAdapter> adapters, double[] weights) {
        if (adapters.size() < 2) {
            throw new ForjaException("stacking needs at least 2 adapters, got " + adapters.size());
        }
        return sum(model, adapters, normalised(weights)); // sum checks one weight per adapter
    }

    /**
     * One adapter on {@code model} (not attached) whose update is {@code sum_i w_i ΔW_i} with the {@code weights} as
     * given, not normalised: weights 1, 1 chain two successive updates, so that {@code W + ΔW_1 + ΔW_2} (the first
     * merged, then the second) is the base with one adapter. The {@code adapters} were loaded onto {@code model} (and
     * may since have been detached); dropout is the first adapter's.
     *
     * <p>Example: {@code sum(base, List.of(round1, round2), new double[] {1, 1})}, rank r_1 + r_2.
     */
    public static LoraAdapter sum(Adaptable model, List<LoraAdapter> adapters, double[] weights) {
        if (adapters.isEmpty()) throw new ForjaException("summing adapters needs at least 1 adapter, got none");
        if (weights.length != adapters.size()) {
            throw new ForjaException(weights.length + " weights for " + adapters.size() + " adapters: give one each");
        }
        for (int i = 0; i < weights.length; i++) {
            if (!Double.isFinite(weights[i])) {
                throw new ForjaException("weight " + (i + 1) + " is " + weights[i] + ": give a finite number");
            }
        }
        int rank = adapters.stream().mapToInt(a -> a.config().r()).sum();
        Map<String, LoraLinear> layers = new LinkedHashMap<>();
        try (NoGradGuard ng = new NoGradGuard()) {
            for (String path : model.linears().keySet()) {
                if (adapters.stream().noneMatch(a -> a.layers().containsKey(path))) continue;
                try (PointerScope scope = new PointerScope()) { // the sites' blocks are freed; A and B are kept
                    stackModule(path, model, adapters, weights, layers);
                }
            }
        }
        LoraConfig cfg = new LoraConfig(
                rank, rank, adapters.get(0).config().dropout(), TargetModules.suffixes(layers.keySet()), false);
        return new LoraAdapter(model, cfg, layers);
    }

    /** The stacked layer of module {@code path} into {@code layers}. */
    private static void stackModule(
            String path, Adaptable model, List<LoraAdapter> adapters, double[] w, Map<String, LoraLinear> layers) {
        Linear base = model.linears().get(path);
        if (base instanceof LoraLinear l) base = l.base();
        long out = base.weight().size(0);
        long in = base.weight().size(1);
        List<Tensor> as = new ArrayList<>();
        List<Tensor> bs = new ArrayList<>();
        for (int i = 0; i < adapters.size(); i++) {
            LoraLinear site = adapters.get(i).layers().get(path);
            int r = adapters.get(i).config().r();
            if (site == null) { // this site did not adapt the module: its update there is zero
                as.add(zeros(r, in, base));
                bs.add(zeros(out, r, base));
            } else {
                as.add(site.loraA().detach().to(base.weight().device(), ScalarType.Float)); // (r_i, in)
                bs.add(site.loraB()
                        .detach()
                        .to(base.weight().device(), ScalarType.Float)
                        .mul(new Scalar(w[i] * site.scaling()))); // (out, r_i)
            }
        }
        Tensor a = torch.cat(new TensorVector(as.toArray(Tensor[]::new)), 0); // (R, in)
        Tensor b = torch.cat(new TensorVector(bs.toArray(Tensor[]::new)), 1); // (out, R)
        a.requires_grad_(true);
        b.requires_grad_(true);
        a.retainReference(); // outlives the module's scope, as the adapter's weights
        b.retainReference();
        layers.put(
                path, new LoraLinear(base, a, b, 1.0, adapters.get(0).config().dropout()));
    }

    /** {@code weights} divided by their sum; each must be positive and finite. */
    public static double[] normalised(double[] weights) {
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
                throw new ForjaException("weight " + (i + 1) + " is " + weights[i] + ": every site's weight must be a "
                        + "positive number (its trained-token count, or a share such as 0.25)");
            }
            sum += weights[i];
        }
        double[] w = new double[weights.length];
        for (int i = 0; i < w.length; i++) w[i] = weights[i] / sum;
        return w;
    }

    private static Tensor zeros(long rows, long cols, Linear base) {
        return torch.zeros(new long[] {rows, cols}, new TensorOptions(ScalarType.Float))
                .to(base.weight().device(), ScalarType.Float);
    }
}
