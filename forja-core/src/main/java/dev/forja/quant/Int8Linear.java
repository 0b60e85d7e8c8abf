package dev.forja.quant;

import dev.forja.io.gguf.GgmlQuant;
import dev.forja.io.gguf.GgufType;
import dev.forja.nn.Linear;
import dev.forja.tensor.Tensors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A linear layer whose weight is stored as int8 with one scale per output channel (symmetric, {@code scale = max|w|
 * / 127}), multiplied by {@code _weight_int8pack_mm}. The kernel runs with bf16 activations: with fp32 ones libtorch
 * 2.10's CPU path is several times slower than a dense fp32 product, so fp32 inputs are cast to bf16 and the result
 * back. Inference only: nothing here has a gradient.
 */
public record Int8Linear(Tensor q, Tensor scales, Tensor bias) implements Linear {
    static final ScalarType COMPUTE = ScalarType.BFloat16;

    /** q (N, K) int8, scales (N) bf16, bias (N) in the model's dtype or null. */
    public Int8Linear {
        if (q.dim() != 2 || q.scalar_type().value != ScalarType.Char.value)
            throw new IllegalArgumentException("q must be 2-D int8");
        if (scales.dim() != 1 || scales.size(0) != q.size(0))
            throw new IllegalArgumentException("scales must be (N) for q (N, K)");
    }

    /** Quantizes {@code weight} (N, K) per output channel; {@code bias} (N) is kept as it is (may be null). */
    public static Int8Linear quantize(Tensor weight, Tensor bias) {
        return quantize(weight.size(0), weight.size(1), (from, count) -> weight.narrow(0, from, count), bias);
    }

    /** Rows of a weight, {@code (count, K)} from row {@code from} on, in any floating dtype. */
    public interface Rows {
        Tensor read(long from, long count);
    }

    /**
     * Quantizes the weight (N, K) that {@code rows} hands out a chunk at a time; each chunk (and whatever reading it
     * allocated) is freed before the next, so a weight read from a file is never whole in memory.
     */
    public static Int8Linear quantize(long n, long k, Rows rows, Tensor bias) {
        List<Tensor> qs = new ArrayList<>();
        List<Tensor> ss = new ArrayList<>();
        try (NoGradGuard ng = new NoGradGuard()) {
            long chunkRows = Rounding.chunkRows(k);
            for (long r = 0; r < n; r += chunkRows) {
                try (PointerScope chunk = new PointerScope()) {
                    Tensor w = rows.read(r, Math.min(chunkRows, n - r)).to(ScalarType.Float); // (rows, K)
                    Tensor scale =
                            Rounding.nonZero(w.abs().amax(new long[] {1}, true).div(new Scalar(127.0)));
                    Tensor q = Rounding.halfAwayFromZero(w.div(scale)).clamp(Rounding.bound(-127), Rounding.bound(127));
                    qs.add(Rounding.keep(q.to(ScalarType.Char)));
                    ss.add(Rounding.keep(scale.squeeze(1).to(COMPUTE)));
                }
            }
            return new Int8Linear(Rounding.joinRows(qs), Rounding.joinRows(ss), bias);
        }
    }

    /**
     * The layer for a GGUF {@link GgufType#Q8_0 Q8_0} weight (N, K): {@code blocks} (from its position on, left
     * unchanged) is the tensor's data, N rows of K/32 blocks, decoded a chunk of rows at a time (never whole) and
     * requantized per output channel. Q8_0's scale per 32 values has no exact form in this kernel's one scale a row,
     * and the int4 kernel's 16 levels are far coarser; requantizing adds at most half a step of the row's grid,
     * {@code max|w_row| / 254}, plus the bf16 rounding of the row's scale, to each weight. Measured on Gaussian rows
     * of 4096 (Int8LinearTest): a relative RMS error of 0.88% against the Q8_0 weights, 1.6 times Q8_0's own rounding
     * error, the same grid as {@code --quantize int8} on dense weights. A dense bf16 copy would add less (~0.2%, bf16's
     * rounding) but take twice the memory of int8 and decode slower, which is what keeping Q8_0 quantized is for.
     */
    public static Int8Linear fromQ8_0(ByteBuffer blocks, long n, long k, Tensor bias) {
        if (k % GgmlQuant.BLOCK != 0)
            throw new IllegalArgumentException("a Q8_0 row holds whole blocks of " + GgmlQuant.BLOCK);
        long rowBytes = GgufType.Q8_0.byteSize(k);
        long perBlock = GgufType.Q8_0.bytesPerBlock();
        return quantize(
                n,
                k,
                (from, count) -> {
                    // decoded by libtorch from a native copy of the chunk's blocks: no Java array per chunk, whose
                    // garbage (4 bytes a weight) would keep heap pages resident through the load
                    int start = blocks.position() + (int) (from * rowBytes);
                    int length = (int) (count * rowBytes);
                    Tensor raw = torch.empty(
                            new long[] {count, k / GgmlQuant.BLOCK, perBlock},
                            new TensorOptions(ScalarType.Byte),
                            null); // (rows, K/32, 34): an fp16 d, then 32 int8 quants, little-endian
                    new BytePointer(raw.data_ptr())
                            .capacity(length)
                            .asByteBuffer()
                            .put(blocks.duplicate().position(start).limit(start + length));
                    Tensor d = raw.narrow(2, 0, 2).contiguous().view(ScalarType.Half); // (rows, K/32, 1)
                    Tensor q = raw.narrow(2, 2, GgmlQuant.BLOCK).view(ScalarType.Char); // (rows, K/32, 32)
                    return q.to(ScalarType.Float).mul(d.to(ScalarType.Float)).reshape(count, k);
                },
                bias);
    }

    /**
     * Rows of input from which a product dequantizes the weight to bf16 for the moment and runs the dense bf16 matmul:
     * the int8 kernel reads the weight once per few rows, fine for decoding one token (the weight traffic is what
     * counts there) but several times slower than bf16's blocked matmul on a prompt, where dequantizing the weight once
     * costs less than one row's product.
     */
    static final long DENSE_ROWS = 16;

    @Override
    public Tensor apply(Tensor x) {
        long k = x.size(-1);
        long[] outShape = x.sizes().vec().get();
        outShape[outShape.length - 1] = q.size(0);
        Tensor flat = x.reshape(-1, k).to(COMPUTE).contiguous(); // (M, K)
        Tensor y = flat.size(0) >= DENSE_ROWS ? denseProduct(flat) : AtenOps.int8Mm(flat, q, scales); // (M, N)
        y = y.to(x.scalar_type()).view(outShape); // (..., N)
        return bias == null ? y : y.add(bias.to(x.scalar_type()));
    }

    /** Output features dequantized at a time by the dense path: bounds its bf16 copy (an LM head's is 77 MB). */
    static final long DENSE_CHUNK_ROWS = 4096;

    /** {@code x (M, K) · (q · scale)^T} in bf16, the weight dequantized {@link #DENSE_CHUNK_ROWS} rows at a time. */
    private Tensor denseProduct(Tensor x) {
        long n = q.size(0);
        // each chunk's bf16 weight is freed as soon as its product is made, not when the caller's scope closes
        if (n <= DENSE_CHUNK_ROWS) return Tensors.freeingTemporaries(() -> torch.linear(x, weight()));
        List<Tensor> parts = new ArrayList<>();
        for (long r = 0; r < n; r += DENSE_CHUNK_ROWS) {
            Tensor rows = q.narrow(0, r, Math.min(DENSE_CHUNK_ROWS, n - r)); // (n', K), a view
            Tensor rowScales = scales.narrow(0, r, rows.size(0)).unsqueeze(1); // (n', 1)
            parts.add(Tensors.freeingTemporaries(
                    () -> torch.linear(x, rows.to(COMPUTE).mul(rowScales))));
        }
        return torch.cat(new TensorVector(parts.toArray(new Tensor[0])), 1); // (M, N)
    }

    /**
     * Frees this layer's int8 tensors, for a layer made only to be packed ({@link Int8DynamicLinear#pack}): {@link
     * #quantize} retains them once, the caller owns them. The bias stays, the caller's.
     */
    public void free() {
        q.releaseReference();
        scales.releaseReference();
    }

    /** The dequantized weight {@code q · scale}, (N, K) in bf16; computed on each call. */
    @Override
    public Tensor weight() {
        return q.to(COMPUTE).mul(scales.unsqueeze(1));
    }
}
