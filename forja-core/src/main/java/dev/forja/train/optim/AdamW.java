package dev.forja.train.optim;

import dev.forja.ForjaException;
import dev.forja.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * AdamW with decoupled weight decay (Loshchilov &amp; Hutter 2019), with the semantics of PyTorch's
 * {@code torch.optim.AdamW}, over two parameter groups: one with weight decay and one without (see {@link #decays}).
 *
 * <p>On construction every parameter is moved into a flat float32 buffer of its group and becomes a view of it; its
 * {@code .grad} becomes a view of a flat gradient buffer, into which backward accumulates in place. The model keeps
 * its tensors (same objects, still autograd leaves that require grad); only their storage changes. A step is then
 * one fused pass over each group (see {@link AdamWKernel}), {@link #zeroGrad} one fill per group.
 *
 * <p>Example:
 * <pre>{@code
 * try (AdamW opt = new AdamW(model.parameters(), AdamWOptions.withWeightDecay(0.1))) {
 *     for (long s = 0; s < total; s++) {
 *         loss(batch).backward();
 *         double norm = opt.clipAndStep(schedule.lr(s), 1.0); // or clipGradNorm(1.0) then step(lr)
 *         opt.zeroGrad();
 *     }
 * }
 * }</pre>
 */
public final class AdamW implements AutoCloseable {
    private static final String EXP_AVG = "exp_avg.";
    private static final String EXP_AVG_SQ = "exp_avg_sq.";
    private static final String STEP = "step";

    private final AdamWOptions options;
    private final List<FlatGroup> groups = new ArrayList<>(); // decay, then no-decay
    private final AdamWKernel kernel = new AdamWKernel();
    private long step;

    /**
     * Takes over {@code parameters} (the tensors to train, by name, float32, on one device); each is made to require
     * grad. Gradients they already hold are kept.
     */
    public AdamW(Map<String, Tensor> parameters, AdamWOptions options) {
        this(parameters, options, false);
    }

    /**
     * As {@link #AdamW(Map, AdamWOptions)}; with {@code bf16Shadow} the weight-decay group (the matrices: linear
     * weights and embeddings) also gets a bf16 copy, refreshed by every update in the same pass, for the model to
     * compute with instead of autocast (see {@link #computeParameters}). Its gradients are then taken from those
     * bf16 copies; the float32 parameters stay the master weights (save and evaluate them as before).
     */
    public AdamW(Map<String, Tensor> parameters, AdamWOptions options, boolean bf16Shadow) {
        this.options = options;
        if (parameters.isEmpty()) throw new ForjaException("AdamW was given no parameters to train");
        Map<String, Tensor> decay = new LinkedHashMap<>();
        Map<String, Tensor> noDecay = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            FlatGroup.check(e.getKey(), e.getValue());
            (decays(e.getKey(), e.getValue()) ? decay : noDecay).put(e.getKey(), e.getValue());
        }
        requireDisjoint(parameters);
        TensorOptions like = parameters.values().iterator().next().options();
        groups.add(new FlatGroup(decay, options.weightDecay(), like, bf16Shadow));
        groups.add(new FlatGroup(noDecay, 0.0, like));
    }

    /**
     * The tensors to build the compute model from, by name (e.g. {@code Architectures.create(config, map)}): with a
     * bf16 shadow, bf16 views of it for the matrices and the float32 parameters themselves for biases and norms;
     * without one, the parameters. Backward through a model built on these feeds this optimizer.
     */
    public Map<String, Tensor> computeParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (FlatGroup g : groups) {
            for (int i = 0; i < g.size(); i++)
                out.put(g.names.get(i), g.computeTensors().get(i));
        }
        return out;
    }

    /** Whether the matrices compute in a bf16 shadow (see {@link #AdamW(Map, AdamWOptions, boolean)}). */
    public boolean hasBf16Shadow() {
        return groups.get(0).shadow != null;
    }

    /**
     * Rewrites the bf16 shadow from the float32 parameters: call it after changing them other than through this
     * optimizer (e.g. loading a checkpoint into the model). Nothing to do without a shadow.
     */
    public void refreshComputeParameters() {
        for (FlatGroup g : groups) g.refreshShadow();
    }

    /**
     * Whether weight decay applies to a parameter: not to 1-D tensors, biases and norm weights (names containing
     * {@code bias}, {@code norm} or {@code ln_}); yes to matrices, embeddings included, as Hugging Face's Trainer does.
     */
    public static boolean decays(String name, Tensor t) {
        String n = name.toLowerCase(Locale.ROOT);
        return t.dim() >= 2 && !n.contains("bias") && !n.contains("norm") && !n.contains("ln_");
    }

    /** The hyper-parameters. */
    public AdamWOptions options() {
        return options;
    }

    /** Names of the parameters with weight decay, in the order given. */
    public List<String> decayNames() {
        return List.copyOf(groups.get(0).names);
    }

    /** Names of the parameters without weight decay, in the order given. */
    public List<String> noDecayNames() {
        return List.copyOf(groups.get(1).names);
    }

    /** The decay group (0) and the no-decay group (1), for tests. */
    FlatGroup group(int i) {
        return groups.get(i);
    }

    /** Steps taken so far (restored by {@link #loadState}). */
    public long stepCount() {
        return step;
    }

    /** One AdamW update of every parameter with learning rate {@code lr}, from the gradients held now. */
    public void step(double lr) {
        update(lr, 1.0);
    }

    /**
     * {@link #clipGradNorm} then {@link #step} in two passes over memory instead of three: the clipping factor is
     * applied to each gradient as the update reads it, so the parameters end exactly as with the two calls, but the
     * stored gradients are left unscaled. Returns the norm before clipping; when it is not finite nothing is updated
     * and {@link #stepCount} does not advance (skip the batch, as a loss scaler would).
     */
    public double clipAndStep(double lr, double maxNorm) {
        requirePositive(maxNorm);
        double norm = gradNorm();
        if (!Double.isFinite(norm)) return norm;
        double coef = maxNorm / (norm + 1e-6);
        update(lr, Math.min(1.0, coef));
        return norm;
    }

    /**
     * {@link #clipAndStep} then {@link #zeroGrad}, with the gradients zeroed in the update's own pass as it reads them:
     * one pass over them fewer. When the norm is not finite nothing is updated and the gradients are kept, as with
     * {@link #clipAndStep}.
     */
    public double clipStepAndZero(double lr, double maxNorm) {
        requirePositive(maxNorm);
        double norm = gradNorm();
        if (!Double.isFinite(norm)) return norm;
        update(lr, Math.min(1.0, maxNorm / (norm + 1e-6)), true);
        return norm;
    }

    private void update(double lr, double gradScale) {
        update(lr, gradScale, false);
    }

    private void update(double lr, double gradScale, boolean zeroGrads) {
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        step++;
        double bc1 = 1 - Math.pow(options.beta1(), step);
        double bc2 = 1 - Math.pow(options.beta2(), step);
        for (FlatGroup g : groups) {
            g.rebindGrads();
            var c = new AdamWKernel.Coefficients(
                    1 - lr * g.weightDecay,
                    options.beta1(),
                    options.beta2(),
                    options.eps(),
                    Math.sqrt(bc2),
                    lr / bc1,
                    gradScale);
            kernel.update(g, c, zeroGrads);
        }
    }

    /**
     * Where each trainable tensor's gradient lies: the tensor the model computes with (the one whose gradient the
     * backward produces), its flat buffer ({@link #gradientBuffers}'s index) and its range there, in buffer order.
     */
    public record GradientSlice(Tensor parameter, int buffer, long offset, long numel) {}

    /** Every trainable tensor's {@link GradientSlice}, buffer by buffer, in the order of each buffer. */
    public List<GradientSlice> gradientSlices() {
        List<GradientSlice> out = new ArrayList<>();
        for (int b = 0; b < groups.size(); b++) {
            FlatGroup g = groups.get(b);
            for (int i = 0; i < g.size(); i++) {
                out.add(new GradientSlice(g.computeTensors().get(i), b, g.offset(i), g.numel(i)));
            }
        }
        return out;
    }

    /**
     * The flat gradient buffers every {@code .grad} views (float32; bf16 for the matrices with a bf16 shadow): what
     * data-parallel training sums across processes before {@link #clipStepAndZero}.
     */
    public List<Tensor> gradientBuffers() {
        return groups.stream().map(g -> g.grads).toList();
    }

    /** Sets every gradient to zero (in place: each {@code .grad} stays a view of the flat buffer). */
    public void zeroGrad() {
        for (FlatGroup g : groups) {
            g.rebindGrads();
            kernel.zero(g.grads);
        }
    }

    /** The L2 norm of all gradients together. */
    public double gradNorm() {
        double sumSq = 0;
        try (PointerScope scope = new PointerScope()) {
            for (FlatGroup g : groups) {
                g.rebindGrads();
                if (g.numel() == 0) continue;
                sumSq += kernel.sumOfSquares(g.grads);
            }
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Scales all gradients in place so that their joint L2 norm is at most {@code maxNorm}, like
     * {@code torch.nn.utils.clip_grad_norm_} (factor {@code maxNorm / (norm + 1e-6)} when below 1). Returns the norm
     * before clipping. A non-finite norm leaves the gradients as they are: skip that step (see {@link #gradsFinite}).
     */
    public double clipGradNorm(double maxNorm) {
        requirePositive(maxNorm);
        double norm = gradNorm();
        double coef = maxNorm / (norm + 1e-6);
        if (Double.isFinite(norm) && coef < 1) {
            for (FlatGroup g : groups) g.grads.mul_(new Scalar(coef));
        }
        return norm;
    }

    /**
     * Whether every gradient is finite. Computed from the gradient norm (one pass), so gradients whose squared norm
     * overflows float32 (entries beyond ~1e19) count as non-finite too; either way the step should be skipped.
     */
    public boolean gradsFinite() {
        return Double.isFinite(gradNorm());
    }

    /**
     * The optimizer state for a checkpoint: {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} per parameter (in
     * its shape) and {@code step}, a 0-dim int64 tensor. The moment tensors are views of the live buffers: write them
     * out before the next step.
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (FlatGroup g : groups) {
            for (int i = 0; i < g.size(); i++) {
                out.put(EXP_AVG + g.names.get(i), g.slice(g.expAvg, i));
                out.put(EXP_AVG_SQ + g.names.get(i), g.slice(g.expAvgSq, i));
            }
        }
        out.put(STEP, Tensors.ofLongs(new long[] {step}));
        return out;
    }

    /**
     * Restores a {@link #state} taken with the same trainable parameters (names and shapes); nothing is changed
     * unless all of it matches.
     */
    public void loadState(Map<String, Tensor> state) {
        List<String> problems = new ArrayList<>();
        int expected = 1;
        for (FlatGroup g : groups) {
            for (int i = 0; i < g.size(); i++) {
                for (String prefix : List.of(EXP_AVG, EXP_AVG_SQ)) {
                    expected++;
                    String key = prefix + g.names.get(i);
                    Tensor t = state.get(key);
                    if (t == null) {
                        problems.add("missing " + key);
                    } else if (!Arrays.equals(Tensors.shape(t), g.shape(i))) {
                        problems.add(key + " has shape " + Arrays.toString(Tensors.shape(t)) + ", the parameter "
                                + Arrays.toString(g.shape(i)));
                    }
                }
            }
        }
        Tensor s = state.get(STEP);
        if (s == null || s.numel() != 1 || s.scalar_type().value != ScalarType.Long.value) {
            problems.add("missing or malformed " + STEP + " (a single int64)");
        }
        if (state.size() != expected) {
            List<String> extra = new ArrayList<>(state.keySet());
            extra.removeIf(k -> k.equals(STEP) || known(k));
            if (!extra.isEmpty())
                problems.add("unexpected " + String.join(", ", extra.subList(0, Math.min(3, extra.size())))
                        + (extra.size() > 3 ? " and " + (extra.size() - 3) + " more" : ""));
        }
        if (!problems.isEmpty()) {
            throw new ForjaException("the checkpoint's optimizer state does not match the model's trainable "
                    + "parameters: " + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + " (resume with the same model and trainable parameters, or start a new run)");
        }
        try (PointerScope scope = new PointerScope()) {
            for (FlatGroup g : groups) {
                for (int i = 0; i < g.size(); i++) {
                    g.slice(g.expAvg, i).copy_(state.get(EXP_AVG + g.names.get(i)));
                    g.slice(g.expAvgSq, i).copy_(state.get(EXP_AVG_SQ + g.names.get(i)));
                }
            }
        }
        step = Tensors.toLongs(s)[0];
    }

    private static void requirePositive(double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max grad norm must be > 0, got " + maxNorm);
    }

    /** Tied weights passed twice would be moved twice and lose their tie: refuse overlapping parameters. */
    private static void requireDisjoint(Map<String, Tensor> parameters) {
        List<Map.Entry<String, long[]>> ranges = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            if (e.getValue().nbytes() == 0) continue;
            long start = FlatGroup.address(e.getValue());
            ranges.add(Map.entry(
                    e.getKey(), new long[] {start, start + e.getValue().nbytes()}));
        }
        ranges.sort((a, b) -> Long.compare(a.getValue()[0], b.getValue()[0]));
        for (int i = 1; i < ranges.size(); i++) {
            long[] prev = ranges.get(i - 1).getValue();
            long[] cur = ranges.get(i).getValue();
            if (cur[0] < prev[1]) {
                throw new IllegalArgumentException(
                        "parameters " + ranges.get(i - 1).getKey() + " and "
                                + ranges.get(i).getKey() + " share memory; pass tied weights once");
            }
        }
    }

    private boolean known(String key) {
        for (FlatGroup g : groups) {
            for (String n : g.names) {
                if (key.equals(EXP_AVG + n) || key.equals(EXP_AVG_SQ + n)) return true;
            }
        }
        return false;
    }

    /** Releases the optimizer's buffers and threads; the parameters keep their storage. */
    @Override
    public void close() {
        kernel.close();
        for (FlatGroup g : groups) g.close();
    }
}
