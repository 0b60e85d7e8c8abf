package dev.forja.generate;

import dev.forja.tensor.Tensors;
import java.util.Arrays;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Prompts of different lengths right-aligned in one batch: row b starts with {@code pad[b]} pad columns, which no
 * query ever attends to, and its positions count from its first real token, so each row computes what it would
 * alone. Pad columns hold token 0 at position 0; a pad query attends to itself only, which keeps its (unused)
 * output finite: a query that sees no key at all would give NaN, and NaN times a zero weight is still NaN.
 *
 * <p>Example: prompts {@code [a b c]} and {@code [d]} become ids {@code [[a b c] [0 0 d]]}, positions
 * {@code [[0 1 2] [0 0 0]]}, and row 1's query at column 2 sees column 2 only.
 */
final class LeftPadding {
    private long[] pad; // (B) pad columns per row
    private final int width; // T of the prefill: the longest prompt

    LeftPadding(long[][] prompts) {
        width = Arrays.stream(prompts).mapToInt(p -> p.length).max().orElseThrow();
        pad = new long[prompts.length];
        for (int b = 0; b < prompts.length; b++) pad[b] = width - prompts[b].length;
    }

    /** Rows already in a cache with {@code pad} columns of left padding each: for decode steps only. */
    LeftPadding(long[] pad) {
        this.pad = pad.clone();
        this.width = 0;
    }

    /** Columns of the prefill, the longest prompt's length. */
    int width() {
        return width;
    }

    int rows() {
        return pad.length;
    }

    /** Left pad columns of row {@code b}. */
    long pad(int b) {
        return pad[b];
    }

    /** Keeps only the given rows, in this order (finished rows dropped along with their cache rows). */
    void keepRows(int[] rows) {
        long[] kept = new long[rows.length];
        for (int i = 0; i < rows.length; i++) kept[i] = pad[rows[i]];
        pad = kept;
    }

    /** The prefill's ids (B, T), pad columns holding token 0. */
    static Tensor ids(long[][] prompts, int width) {
        long[] ids = new long[prompts.length * width];
        for (int b = 0; b < prompts.length; b++) {
            System.arraycopy(prompts[b], 0, ids, b * width + width - prompts[b].length, prompts[b].length);
        }
        return Tensors.ofLongs(ids, prompts.length, width);
    }

    /** The prefill's positions (B, T): column minus the row's padding, 0 on pad columns. */
    Tensor prefillPositions() {
        return columns(width).sub(padColumn()).clamp_min(new Scalar(0)); // (B, T)
    }

    /** The prefill's mask (B, 1, T, T): causal over real columns, plus each column on itself. */
    Tensor prefillMask() {
        Tensor cols = columns(width); // (1, T)
        Tensor rows = cols.view(width, 1); // (T, 1)
        Tensor causal = cols.le(rows); // (T, T)
        Tensor real = cols.ge(padColumn()).view(pad.length, 1, 1, width); // (B, 1, 1, T)
        return causal.logical_and(real).logical_or(cols.eq(rows)); // (B, 1, T, T)
    }

    /** Positions (B, 1) of the token fed at cache column {@code column}. */
    Tensor decodePositions(long column) {
        long[] p = new long[pad.length];
        for (int b = 0; b < p.length; b++) p[b] = column - pad[b];
        return Tensors.ofLongs(p, p.length, 1);
    }

    /** Mask (B, 1, 1, S) of one new query over {@code keys} cache columns: every real column. */
    Tensor decodeMask(long keys) {
        return columns(keys).ge(padColumn()).view(pad.length, 1, 1, keys);
    }

    private Tensor padColumn() {
        return Tensors.ofLongs(pad, pad.length, 1); // (B, 1)
    }

    private static Tensor columns(long n) {
        return torch.arange(new Scalar(n), new TensorOptions(ScalarType.Long)).view(1, n); // (1, n)
    }
}
